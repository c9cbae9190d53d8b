// Whether a failed attempt is worth another, and how long to wait before it: one table a reader
// can check against zoho-bulk-api.md. Time and chance come from a Clock, so tests never wait.
import { ActionError, RetriesExhaustedError, TransportError, ZohoError } from './errors.ts'
import { DAILY_LIMIT_CODE, PER_MINUTE_LIMIT_CODE, RESULT_NOT_READY_CODE } from './zoho/codes.ts'

export interface RetryPolicy {
  /** Attempts after the first; 0 disables retrying. */
  readonly retries: number
  /** Exponential backoff with full jitter: a random wait below min(max, base × 2^(retry − 1)). */
  readonly baseDelayMs: number
  readonly maxDelayMs: number
}

export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
  /** A number in [0, 1). */
  random(): number
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async ms => new Promise(resolve => setTimeout(resolve, ms)),
  random: () => Math.random()
}

export type Verdict =
  | { readonly retry: false }
  | {
      readonly retry: true
      /** Zoho's Retry-After header, when it sent one. */ readonly retryAfter?: string
    }

const RETRY_AFTER_CAP_MS = 60_000
const SERVER_FAILURES = new Set([500, 502, 503, 504])
const STOP: Verdict = { retry: false }

/**
 * | failure                                                              | retry?                     |
 * |----------------------------------------------------------------------|----------------------------|
 * | connection refused or reset, DNS failure, TLS handshake cut, timeout | yes                        |
 * | a TLS certificate the runner does not trust                          | no                         |
 * | Zoho code 4000 (daily limit), whatever the HTTP status               | no                         |
 * | HTTP 429, Zoho code 2955 (per-minute limit), accounts "Access Denied"| yes, after its Retry-After |
 * | HTTP 500, 502, 503, 504, with JSON or a gateway's page               | yes                        |
 * | Zoho code 11110 (a result file still being generated)                | yes                        |
 * | anything else: 1030, 2945, other 4xx, other Zoho codes               | no                         |
 */
export function classify(error: unknown): Verdict {
  if (error instanceof TransportError) return error.retryable ? { retry: true } : STOP
  if (!(error instanceof ZohoError)) return STOP
  const { httpStatus, code, retryAfter } = error.reply
  if (code === DAILY_LIMIT_CODE) return STOP
  if (error.throttled || httpStatus === 429 || code === PER_MINUTE_LIMIT_CODE) {
    return retryAfter === undefined ? { retry: true } : { retry: true, retryAfter }
  }
  return SERVER_FAILURES.has(httpStatus) || code === RESULT_NOT_READY_CODE ? { retry: true } : STOP
}

/** The wait before retry number `retry` (1 for the first retry). */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1))
  return Math.floor(random() * ceiling)
}

/** A Retry-After header, in seconds or as an HTTP date, as a wait of at most 60 s. */
export function retryAfterDelay(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined
  const text = value.trim()
  // An HTTP date starts with the day's name ("Sat, 28 Nov 2026 12:00:10 GMT").
  const ms = /^\d+$/.test(text)
    ? Number(text) * 1000
    : /^[A-Za-z]{3}\b/.test(text)
      ? Date.parse(text) - now
      : NaN
  if (Number.isNaN(ms)) return undefined
  return Math.min(Math.max(ms, 0), RETRY_AFTER_CAP_MS)
}

export interface RetryContext {
  readonly policy: RetryPolicy
  readonly clock: Clock
  /** Where the one line per retry goes. */
  readonly log: (line: string) => void
  /** Told of every failed attempt, retried or not. */
  readonly onFailure?: (error: ActionError) => void
}

/** Runs `attempt` until it succeeds, fails in a way not worth retrying, or attempts run out. */
export async function withRetries<T>(attempt: () => Promise<T>, context: RetryContext): Promise<T> {
  const { policy, clock } = context
  const attempts = policy.retries + 1
  for (let n = 1; ; n++) {
    try {
      return await attempt()
    } catch (error) {
      if (!(error instanceof ActionError)) throw error
      context.onFailure?.(error)
      const verdict = classify(error)
      if (!verdict.retry) throw error
      if (n === attempts) throw attempts > 1 ? new RetriesExhaustedError(attempts, error) : error
      const delay =
        retryAfterDelay(verdict.retryAfter, clock.now()) ??
        backoffDelay(n, policy, () => clock.random())
      context.log(
        `Attempt ${n} of ${attempts} failed: ${error.message} Retrying in ${(delay / 1000).toFixed(1)} s.`
      )
      await clock.sleep(delay)
    }
  }
}
