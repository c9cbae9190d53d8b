// The failures the action expects, each with a message written for the person reading the
// workflow log. Anything else reaching main.ts is a bug and is reported as one.

/** A failure the user can act on: printed as one line, without a stack trace. */
export class ActionError extends Error {
  override name = 'ActionError'
}

/** An input is missing or not of an allowed form. Raised before any request is sent. */
export class InputError extends ActionError {
  override name = 'InputError'
}

/** The request never produced an HTTP response: refused, reset, DNS, TLS, timeout. */
export class TransportError extends ActionError {
  override name = 'TransportError'
}

/** Zoho (or something in front of it) answered, and the answer is not success. */
export class ZohoError extends ActionError {
  override name = 'ZohoError'
}

/** The one line a failed step prints: the message of an expected failure, else a bug report. */
export function failureMessage(error: unknown): string {
  if (error instanceof ActionError) return error.message
  return `Unexpected error (please report it): ${error instanceof Error ? error.message : String(error)}`
}
