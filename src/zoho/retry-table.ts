// Which failed calls are worth another attempt: one table a reader can check against
// zoho-bulk-api.md. retry.ts does the waiting; this module only decides.
import { TransportError } from '../errors.ts'
import type { Verdict } from '../retry.ts'
import { DAILY_LIMIT_CODE, PER_MINUTE_LIMIT_CODE, RESULT_NOT_READY_CODE } from './codes.ts'
import { ZohoError } from './reply.ts'

const SERVER_FAILURES = new Set([500, 502, 503, 504])
const STOP: Verdict = { retry: false }

/**
 * | failure                                                              | retry?                        |
 * |----------------------------------------------------------------------|-------------------------------|
 * | connection refused or reset, DNS failure, TLS handshake cut, timeout | yes                           |
 * | an answer cut off, too large, or in an encoding we cannot read       | yes (it is a lost answer)     |
 * | a TLS certificate the runner does not trust; a proxy's refusal       | no                            |
 * | Zoho code 4000 (daily limit), whatever the HTTP status               | no                            |
 * | HTTP 429, Zoho code 2955 (per-minute limit), accounts "Access Denied"| yes, after its Retry-After    |
 * | HTTP 500, 502, 503, 504, with JSON or a gateway's page               | yes, after its Retry-After    |
 * | Zoho code 11110 (a result file still being generated)                | yes                           |
 * | anything else: 1030, 2945, other 4xx, other Zoho codes, local files  | no                            |
 */
export function classify(error: unknown): Verdict {
  if (error instanceof TransportError) return error.retryable ? { retry: true } : STOP
  if (!(error instanceof ZohoError)) return STOP
  const { httpStatus, code, retryAfter } = error.reply
  if (code === DAILY_LIMIT_CODE) return STOP
  const retry =
    error.throttled ||
    httpStatus === 429 ||
    code === PER_MINUTE_LIMIT_CODE ||
    SERVER_FAILURES.has(httpStatus) ||
    code === RESULT_NOT_READY_CODE
  if (!retry) return STOP
  return retryAfter === undefined ? { retry: true } : { retry: true, retryAfter }
}

/** Whether a failed attempt may have reached Zoho and been acted on although no answer said so. */
export function mayHaveApplied(error: unknown): boolean {
  if (!classify(error).retry) return false
  if (error instanceof TransportError) return error.sent
  // A gateway's 5xx may come after it forwarded the request.
  return error instanceof ZohoError && error.reply.httpStatus >= 500
}
