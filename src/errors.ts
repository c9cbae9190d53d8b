// The failures the action expects, each with a message written for the person reading the
// workflow log. Anything else reaching main.ts is a bug and is reported as one.
import type { ZohoReply } from './zoho/response.ts'

/** A failure the user can act on: printed as one line, without a stack trace. */
export class ActionError extends Error {
  override name = 'ActionError'
}

/** An input is missing or not of an allowed form. Raised before any request is sent. */
export class InputError extends ActionError {
  override name = 'InputError'
}

/** The request never produced a complete HTTP response: refused, reset, DNS, TLS, timeout. */
export class TransportError extends ActionError {
  override name = 'TransportError'
  /** Whether another attempt could go differently (not so for an untrusted certificate). */
  readonly retryable: boolean
  /** Whether the request may have reached the server before the failure (a reset, a timeout). */
  readonly maybeSent: boolean

  constructor(message: string, retryable: boolean, maybeSent: boolean) {
    super(message)
    this.retryable = retryable
    this.maybeSent = maybeSent
  }
}

/** Zoho (or something in front of it) answered, and the answer is not success. */
export class ZohoError extends ActionError {
  override name = 'ZohoError'
  readonly reply: ZohoReply
  /** Whether Zoho said "too many requests" in its own words rather than by status or code. */
  readonly throttled: boolean

  constructor(message: string, reply: ZohoReply, throttled = false) {
    super(message)
    this.reply = reply
    this.throttled = throttled
  }
}

/** Every attempt failed and each failure was worth retrying. */
export class RetriesExhaustedError extends ActionError {
  override name = 'RetriesExhaustedError'
  readonly last: ActionError

  constructor(attempts: number, last: ActionError) {
    super(`Gave up after ${attempts} attempts; the last one failed: ${last.message}`)
    this.last = last
  }
}

/** The one line a failed step prints: the message of an expected failure, else a bug report. */
export function failureMessage(error: unknown): string {
  if (error instanceof ActionError) return error.message
  return `Unexpected error (please report it): ${error instanceof Error ? error.message : String(error)}`
}

/** Zoho's last reply behind a failure, if one came back. */
export function replyBehind(error: unknown): ZohoReply | undefined {
  if (error instanceof RetriesExhaustedError) return replyBehind(error.last)
  return error instanceof ZohoError ? error.reply : undefined
}
