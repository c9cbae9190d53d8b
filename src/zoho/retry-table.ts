// Which failed calls are worth another attempt: one table a reader can check against
// zoho-bulk-api.md. retry.ts does the waiting; this module only decides.
import { TransportError } from '../errors.ts'
import type { ThrottleWindow, Verdict } from '../retry.ts'
import { DAILY_LIMIT_CODE, PER_MINUTE_LIMIT_CODE, RESULT_NOT_READY_CODE } from './codes.ts'
import { ZohoError } from './reply.ts'

const SERVER_FAILURES = new Set([500, 502, 503, 504])
const STOP: Verdict = { retry: false }

// How long Zoho's throttles last when its answer does not say (zoho-bulk-api.md, "Limits"): the
// per-minute API limit, and the accounts server's limit of about 10 tokens in 10 minutes.
const PER_MINUTE: ThrottleWindow = {
  ms: 60_000,
  reason: "the next minute of Zoho's per-minute API limit"
}
const TOKEN_THROTTLE: ThrottleWindow = {
  ms: 10 * 60_000,
  reason: "the end of the accounts server's 10-minute window for token requests"
}

/**
 * | failure                                                              | retry?                        |
 * |----------------------------------------------------------------------|-------------------------------|
 * | connection refused or reset, DNS failure, TLS handshake cut, timeout | yes                           |
 * | an answer cut off, too large, or in an encoding we cannot read       | yes (it is a lost answer)     |
 * | a TLS certificate the runner does not trust; a proxy's refusal       | no                            |
 * | Zoho code 4000 (daily limit), whatever the HTTP status               | no                            |
 * | HTTP 429, Zoho code 2955 (per-minute limit)                          | yes, after Retry-After or 60 s|
 * | the accounts server's "Access Denied" (token requests throttled)     | yes, after 10 minutes         |
 * | HTTP 500, 502, 503, 504, with JSON or a gateway's page               | yes, after its Retry-After    |
 * | Zoho code 11110 (a result file still being generated)                | yes                           |
 * | anything else: 1030, 2945, other 4xx, other Zoho codes, local files  | no                            |
 */
export function classify(error: unknown): Verdict {
  if (error instanceof TransportError) return error.retryable ? { retry: true } : STOP
  if (!(error instanceof ZohoError)) return STOP
  const { httpStatus, code, retryAfter } = error.reply
  if (code === DAILY_LIMIT_CODE) return STOP
  const window = error.throttled
    ? TOKEN_THROTTLE
    : httpStatus === 429 || code === PER_MINUTE_LIMIT_CODE
      ? PER_MINUTE
      : undefined
  if (window === undefined && !SERVER_FAILURES.has(httpStatus) && code !== RESULT_NOT_READY_CODE)
    return STOP
  return {
    retry: true,
    ...(retryAfter === undefined ? {} : { retryAfter }),
    ...(window === undefined ? {} : { window })
  }
}

/** Whether a failed attempt may have reached Zoho and been acted on although no answer said so. */
export function mayHaveApplied(error: unknown): boolean {
  if (!classify(error).retry) return false
  if (error instanceof TransportError) return error.sent
  // A gateway's 5xx may come after it forwarded the request.
  return error instanceof ZohoError && error.reply.httpStatus >= 500
}
