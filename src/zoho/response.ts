// Reads Zoho's answer: the JSON body's `code` and text, tolerant of the shapes Zoho's pages show,
// and judges it. Success is Zoho's code 3000 on a 2xx; the HTTP status alone says little, since
// Zoho answers its daily-limit code 4000 with HTTP 200.
import { ZohoError } from '../errors.ts'
import type { HttpReply } from './client.ts'
import { SUCCESS_CODE, hintFor } from './codes.ts'

export interface ZohoReply {
  readonly httpStatus: number
  /** The body as received. */
  readonly body: string
  /** The body parsed, when it is a JSON object. */
  readonly data?: Readonly<Record<string, unknown>>
  readonly code?: number
  /** Zoho's `status`, `message` or `description` text. */
  readonly status?: string
  readonly location?: string
  readonly retryAfter?: string
}

const TEXT_FIELDS = ['status', 'message', 'description'] as const

export function parseReply(http: HttpReply): ZohoReply {
  const data = parseObject(http.body)
  const code = readCode(data?.['code'])
  const status = TEXT_FIELDS.map(field => data?.[field]).find(value => typeof value === 'string')
  return {
    httpStatus: http.status,
    body: http.body,
    ...(data === undefined ? {} : { data }),
    ...(code === undefined ? {} : { code }),
    ...(status === undefined ? {} : { status }),
    ...(http.location === undefined ? {} : { location: http.location }),
    ...(http.retryAfter === undefined ? {} : { retryAfter: http.retryAfter })
  }
}

/**
 * Why a reply is not the success of `what` ("start the job"), or undefined when it is.
 * The message is one line: HTTP status, Zoho's code and text, and what to do.
 */
export function replyError(reply: ZohoReply, what: string): ZohoError | undefined {
  const unreadable = unreadableReply(reply)
  if (unreadable !== undefined) return unreadable
  const { httpStatus, code } = reply
  if (code === undefined) {
    return new ZohoError(
      `Zoho's response has no "code" (HTTP ${httpStatus}): ${excerpt(reply.body)}. ` +
        'Check dc and api-url: this does not look like the Creator API.',
      reply
    )
  }
  if (code === SUCCESS_CODE && httpStatus >= 200 && httpStatus < 300) return undefined
  return new ZohoError(
    `Zoho did not ${what} (HTTP ${httpStatus}, code ${code}): ` +
      `${reply.status === undefined ? 'no message' : oneLine(reply.status)}. ` +
      hintFor(code, httpStatus),
    reply
  )
}

/**
 * Why a reply carries no JSON answer to read: a redirect (never followed, so that credentials stay
 * with the host they were meant for) or a body that is not a JSON object, such as a gateway's page.
 */
export function unreadableReply(reply: ZohoReply): ZohoError | undefined {
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
      `Zoho's response is not JSON (HTTP ${httpStatus}): ${excerpt(reply.body)}. ` +
        hintFor(undefined, httpStatus),
      reply
    )
  }
  return undefined
}

function parseObject(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/** Zoho's code is a number; accept it as a numeric string too. */
function readCode(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value)
  return undefined
}

export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/** The start of a body, on one line, for an error message. */
export function excerpt(body: string): string {
  const line = oneLine(body)
  if (line === '') return 'an empty body'
  return JSON.stringify(line.length > 160 ? `${line.slice(0, 160)}…` : line)
}
