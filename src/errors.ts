// The failures the action expects, each with a message written for the person reading the
// workflow log. Anything else reaching main.ts is a bug and is reported as one. Zoho's own refusals
// (ZohoError) live beside the reply they carry, in zoho/reply.ts.

/** A failure the user can act on: printed as one line, without a stack trace. */
export class ActionError extends Error {
  override name: string = 'ActionError'
}

/** Inputs missing or not of an allowed form, each problem a line. Raised before any request. */
export class InputError extends ActionError {
  override name = 'InputError' as const
  readonly problems: readonly string[]

  constructor(problems: readonly string[]) {
    super(problems.join(' '))
    this.problems = problems
  }
}

/** The request never produced a complete HTTP answer: refused, reset, DNS, TLS, proxy, deadline. */
export class TransportError extends ActionError {
  override name = 'TransportError' as const
  /** Whether another attempt could go differently (not so for an untrusted certificate). */
  readonly retryable: boolean
  /** Whether the request was on the wire, so that the server may have acted on it. */
  readonly sent: boolean

  constructor(message: string, { retryable, sent }: { retryable: boolean; sent: boolean }) {
    super(message)
    this.retryable = retryable
    this.sent = sent
  }
}

/** A file on this machine could not be written or read: not the network's fault, not retried. */
export class LocalFileError extends ActionError {
  override name = 'LocalFileError' as const
}

/** The runner is cancelling the step (SIGINT or SIGTERM): nothing more is tried. */
export class CancelledError extends ActionError {
  override name = 'CancelledError' as const
}

/** Every attempt failed and each failure was worth retrying. */
export class RetriesExhaustedError extends ActionError {
  override name = 'RetriesExhaustedError' as const
  readonly last: ActionError

  constructor(attempts: number, last: ActionError) {
    super(`Gave up after ${attempts} attempts; the last one failed: ${last.message}`)
    this.last = last
  }
}

/** The one line a failed step prints: the message of an expected failure, else a bug report. */
export function failureMessage(error: unknown): string {
  if (error instanceof ActionError) return error.message
  return `Unexpected error (please report it): ${messageOf(error)}`
}

/** What an error says, read by shape: Node's errors may come from another realm than Error. */
export function messageOf(error: unknown): string {
  const message: unknown =
    typeof error === 'object' && error !== null ? Reflect.get(error, 'message') : undefined
  return typeof message === 'string' ? message : String(error)
}
