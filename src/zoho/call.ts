// A call to Zoho: one request sent until its answer is judged good, retried as the retry table
// says, each attempt within `timeout` (and within the wait's deadline, when there is one).
import type { ActionError } from '../errors.ts'
import { readBody } from '../http/body.ts'
import { saveZip } from '../http/download.ts'
import {
  type AttemptLimits,
  type BodyReader,
  type HttpAnswer,
  type HttpRequest,
  send
} from '../http/send.ts'
import { type RetryContext, type Verdict, withRetries } from '../retry.ts'
import { parseReply, type ZohoError, type ZohoReply } from './reply.ts'
import { classify } from './retry-table.ts'

export interface CallContext extends RetryContext {
  /** The deadline of each attempt. */
  readonly timeoutMs: number
  /** Counts every attempt sent. */
  readonly calls: Counter
  /** Takes secrets out of Zoho's text before any of it is quoted. */
  readonly redact: (text: string) => string
  /** Where what only a debugging reader wants goes (the runner's debug log). */
  readonly debug?: (line: string) => void
}

export interface Counter {
  made: number
}

/** Hears of every failed attempt of one call, retried or not. */
export type FailureListener = (error: ActionError) => void

/** How one call is retried: by the retry table, or by a stricter rule for a call not idempotent. */
export interface CallOptions {
  readonly onFailure?: FailureListener
  readonly classify?: (error: unknown) => Verdict
}

/** Says why a reply is not the one wanted, or undefined when it is. */
export type Judge = (reply: ZohoReply) => ZohoError | undefined

// Zoho's JSON answers are small; anything larger is not an answer this action expects.
const MAX_ANSWER_BYTES = 1024 * 1024
// Enough of what came instead of a ZIP to read Zoho's JSON error, or the start of a gateway's page.
const MAX_NOT_ZIP_BYTES = 64 * 1024

/** Sends `request` until `judge` finds no fault with the reply, or retrying gives up. */
export async function call(
  request: HttpRequest,
  judge: Judge,
  context: CallContext,
  options: CallOptions = {}
): Promise<ZohoReply> {
  return attemptUntilJudgedGood(
    request,
    readBody(MAX_ANSWER_BYTES),
    answer => {
      const reply = parseReply(answer, context.redact)
      return { reply, error: judge(reply) }
    },
    context,
    options
  )
}

/**
 * Saves the ZIP `request` answers with to `path`, sent as call() sends; when something else comes,
 * `judge` says why that is not the file.
 */
export async function download(
  request: HttpRequest,
  path: string,
  judge: (reply: ZohoReply) => ZohoError,
  context: CallContext
): Promise<void> {
  await attemptUntilJudgedGood(
    request,
    saveZip(path, MAX_NOT_ZIP_BYTES),
    answer => {
      const { body } = answer
      const reply = parseReply(
        { ...answer, body: body.saved ? Buffer.alloc(0) : body.head },
        context.redact
      )
      return { reply, error: body.saved ? undefined : judge(reply) }
    },
    context
  )
}

async function attemptUntilJudgedGood<B>(
  request: HttpRequest,
  read: BodyReader<B>,
  judge: (answer: HttpAnswer<B>) => { reply: ZohoReply; error: ZohoError | undefined },
  context: CallContext,
  options: CallOptions = {}
): Promise<ZohoReply> {
  return withRetries(
    async () => {
      context.calls.made++
      const { reply, error } = judge(await send(request, attemptLimits(context), read))
      if (error !== undefined) throw error
      return reply
    },
    options.classify ?? classify,
    context,
    options.onFailure
  )
}

/** The attempt's deadline: `timeout`, or what is left before the wait's deadline if that is sooner. */
function attemptLimits(context: CallContext): AttemptLimits {
  const left = context.deadline === undefined ? Infinity : context.deadline - context.clock.now()
  return {
    timeoutMs: Math.max(1, Math.min(context.timeoutMs, left)),
    signal: context.signal
  }
}
