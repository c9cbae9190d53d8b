// Reads Zoho's answer: the JSON body's `code` and text, tolerant of the shapes Zoho's pages show,
// and judges it. Success is Zoho's code 3000 on a 2xx; the HTTP status alone says little, since
// Zoho answers its daily-limit code 4000 with HTTP 200.
import { ActionError, RetriesExhaustedError } from '../errors.ts'
import type { HttpAnswer } from '../http/send.ts'
import { cut, oneLine } from '../text.ts'
import { hintFor, type Operation, SUCCESS_CODE } from './codes.ts'
import { JOB_ID_DIGITS } from './endpoints.ts'

export interface ZohoReply {
  readonly httpStatus: number
  /** The body as received, decoded as UTF-8 without a byte-order mark. */
  readonly body: string
  /** The body parsed, when it is a JSON object. */
  readonly data?: Readonly<Record<string, unknown>>
  readonly code?: number
  /** Zoho's `status`, `message` or `description` text (the accounts server's `error_description`), as it came. */
  readonly message?: string
  readonly location?: string
  readonly retryAfter?: string
  /**
   * For error messages, secrets redacted, on one line and cut short: the body in quotes (or "an
   * empty body"), and Zoho's text (or "no message").
   */
  readonly quoted: { readonly body: string; readonly message: string }
}

/** Zoho (or something in front of it) answered, and the answer is not success. */
export class ZohoError extends ActionError {
  override name = 'ZohoError' as const
  readonly reply: ZohoReply
  /** Whether Zoho said "too many requests" in its own words rather than by status or code. */
  readonly throttled: boolean

  constructor(message: string, reply: ZohoReply, throttled = false) {
    super(message)
    this.reply = reply
    this.throttled = throttled
  }
}

const TEXT_FIELDS = ['status', 'message', 'description', 'error_description'] as const
const QUOTE_CHARS = 160

export function parseReply(
  answer: HttpAnswer<Buffer>,
  redact: (text: string) => string
): ZohoReply {
  const body = answer.body.toString('utf8').replace(/^\uFEFF/, '')
  const data = jsonObject(body)
  const code = wholeNumber(data?.['code'])
  const message = TEXT_FIELDS.map(field => data?.[field]).find(value => typeof value === 'string')
  const { location, 'retry-after': retryAfter } = answer.headers
  const bodyLine = shortLine(body, redact)
  return {
    httpStatus: answer.status,
    body,
    ...(data === undefined ? {} : { data }),
    ...(code === undefined ? {} : { code }),
    ...(message === undefined ? {} : { message }),
    ...(location === undefined ? {} : { location }),
    ...(retryAfter === undefined ? {} : { retryAfter }),
    quoted: {
      body: bodyLine === '' ? 'an empty body' : JSON.stringify(bodyLine),
      message: shortLine(message ?? '', redact) || 'no message'
    }
  }
}

/**
 * Text from Zoho for an error message: redacted whole before it is cut, so that no part of a
 * secret survives the cut; then on one line.
 */
function shortLine(text: string, redact: (text: string) => string): string {
  return cut(oneLine(redact(text)), QUOTE_CHARS)
}

/**
 * Why a reply is not the success of `what` ("start the job"), or undefined when it is.
 * The message is one line: HTTP status, Zoho's code and text, and what to do.
 */
export function replyError(
  reply: ZohoReply,
  what: string,
  operation: Operation
): ZohoError | undefined {
  const unreadable = unreadableReply(reply, operation)
  if (unreadable !== undefined) return unreadable
  const { httpStatus, code } = reply
  if (code === undefined) {
    return new ZohoError(
      `Zoho's response has no "code" (HTTP ${httpStatus}): ${reply.quoted.body}. ` +
        'Check dc and api-url: this does not look like the Creator API.',
      reply
    )
  }
  if (code === SUCCESS_CODE && httpStatus >= 200 && httpStatus < 300) return undefined
  return new ZohoError(
    `Zoho did not ${what} (HTTP ${httpStatus}, code ${code}): ${reply.quoted.message}. ` +
      hintFor(code, httpStatus, operation),
    reply
  )
}

/**
 * Why a reply carries no JSON answer to read: a redirect (never followed, so that credentials stay
 * with the host they were meant for) or a body that is not a JSON object, such as a gateway's page.
 */
export function unreadableReply(reply: ZohoReply, operation?: Operation): ZohoError | undefined {
  const { httpStatus } = reply
  if (httpStatus >= 300 && httpStatus < 400) {
    return new ZohoError(
      `Zoho answered HTTP ${httpStatus}, a redirect to ${reply.location ?? '(no Location header)'}; ` +
        'it was not followed, so the credentials are not sent to another host. Check dc, api-url and accounts-url.',
      reply
    )
  }
  if (reply.data === undefined) {
    return new ZohoError(
      `Zoho's response is not JSON (HTTP ${httpStatus}): ${reply.quoted.body}. ` +
        hintFor(undefined, httpStatus, operation),
      reply
    )
  }
  return undefined
}

/** Zoho's last reply behind a failure, if one came back. */
export function replyBehind(error: unknown): ZohoReply | undefined {
  if (error instanceof RetriesExhaustedError) return replyBehind(error.last)
  return error instanceof ZohoError ? error.reply : undefined
}

/**
 * A job's ID in `field` (`job_id` for an insert job, `id` for a read job), under `details` (Zoho's
 * pages), `data` or the top level; a string of digits, or a bare JSON number, whose exact digits
 * are read from the text, never through a JavaScript number.
 */
export function exactIdOf(reply: ZohoReply, field: 'job_id' | 'id'): string | undefined {
  const { data } = reply
  for (const holder of [data?.['details'], data?.['data'], data]) {
    if (!isRecord(holder)) continue
    const value = holder[field]
    const digits =
      typeof value === 'string'
        ? value.trim()
        : typeof value === 'number'
          ? digitsOf(reply.body, field, value)
          : undefined
    if (digits !== undefined && JOB_ID_DIGITS.test(digits)) return digits
  }
  return undefined
}

/** The digits of the bare number `"<field>": <digits>` in `body` that parses to `parsed`. */
function digitsOf(body: string, field: string, parsed: number): string | undefined {
  for (const match of body.matchAll(new RegExp(`"${field}"\\s*:\\s*(\\d+)(?![\\d.eE])`, 'g'))) {
    // Stryker disable next-line StringLiteral: unreachable, the group takes part in every match
    const digits = match[1] ?? ''
    if (Number(digits) === parsed) return digits
  }
  return undefined
}

/** A JSON object, or undefined for anything else (an array, a page, nothing). */
export function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return isRecord(value) ? value : undefined
  } catch {
    return undefined
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A whole number of zero or more, as a JSON number or a string of digits. */
export function wholeNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value)
  return undefined
}
