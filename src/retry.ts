// Retries a failed attempt when the caller's classifier says it is worth it: exponential backoff
// with full jitter, at least to the end of a throttle's window, or the server's Retry-After; never
// past the caller's deadline or a cancel. What is worth retrying, and how long a throttle lasts, is
// not decided here: zoho/retry-table.ts holds that table.
import { type Clock, cancelReason } from './clock.ts'
import { ActionError, RetriesExhaustedError } from './errors.ts'

export interface RetryPolicy {
  /** Attempts after the first; 0 disables retrying. */
  readonly retries: number
  /** Exponential backoff with full jitter: a random wait below min(max, base × 2^(retry − 1)). */
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  /** What the backoff and throttle windows are multiplied by: 1, but in the project's tests. */
  readonly timeScale: number
}

/** A throttle that lasts a while whatever is tried: no attempt before its end can succeed. */
export interface ThrottleWindow {
  readonly ms: number
  /** What the wait is for, completing "Waiting 60.0 s for ...". */
  readonly reason: string
}

export type Verdict =
  | { readonly retry: false }
  | {
      readonly retry: true
      /** The server's Retry-After header, when it sent one: it goes before anything else. */
      readonly retryAfter?: string
      /** The throttle the failure shows, when the server did not say how long to wait. */
      readonly window?: ThrottleWindow
    }

export interface RetryContext {
  readonly policy: RetryPolicy
  readonly clock: Clock
  /** Where the one line per retry goes. */
  readonly log: (line: string) => void
  /** Aborts when the step is being cancelled: no more attempts, no more waiting. */
  readonly signal?: AbortSignal
  /** The clock time by which every attempt and wait must be over (wait-timeout), if any. */
  readonly deadline?: number
}

const RETRY_AFTER_CAP_MS = 60_000

/** The wait before retry number `retry` (1 for the first retry). */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1))
  return Math.floor(random() * ceiling)
}

/** A Retry-After header, in seconds or as an HTTP date, as a wait of at most 60 s (RFC 9110). */
export function retryAfterDelay(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined
  const text = value.trim()
  // An HTTP date starts with the day's name ("Sat, 28 Nov 2026 12:00:10 GMT").
  const ms = /^\d+$/.test(text)
    ? Number(text) * 1000
    : /^[A-Za-z]{3},/.test(text)
      ? Date.parse(text) - now
      : NaN
  if (Number.isNaN(ms)) return undefined
  return Math.min(Math.max(ms, 0), RETRY_AFTER_CAP_MS)
}

/**
 * Runs `attempt` until it succeeds, fails in a way `classify` finds not worth retrying, attempts
 * run out, or the next wait would pass the deadline. `onFailure` hears of every failed attempt.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  classify: (error: ActionError) => Verdict,
  context: RetryContext,
  onFailure: (error: ActionError) => void = () => {}
): Promise<T> {
  const { policy, clock, signal } = context
  const attempts = policy.retries + 1
  for (let n = 1; ; n++) {
    if (signal?.aborted === true) throw cancelReason(signal)
    try {
      return await attempt()
    } catch (error) {
      if (!(error instanceof ActionError)) throw error
      onFailure(error)
      const verdict = classify(error)
      if (!verdict.retry) throw error
      if (n === attempts) throw attempts > 1 ? new RetriesExhaustedError(attempts, error) : error
      const told = retryAfterDelay(verdict.retryAfter, clock.now())
      const backoff = backoffDelay(n, policy, () => clock.random())
      const window =
        told === undefined && (verdict.window?.ms ?? 0) > backoff ? verdict.window : undefined
      const delay = told ?? (window?.ms ?? backoff) * policy.timeScale
      if (context.deadline !== undefined && clock.now() + delay >= context.deadline) {
        throw new RetriesExhaustedError(n, error)
      }
      const seconds = (delay / 1000).toFixed(1)
      context.log(
        `Attempt ${n} of ${attempts} failed: ${error.message} ` +
          (window === undefined
            ? `Retrying in ${seconds} s.`
            : `Waiting ${seconds} s for ${window.reason}.`)
      )
      await clock.sleep(delay, signal)
    }
  }
}
