// Starts or aborts the job. A PATCH that timed out or lost its connection may still have reached
// Zoho; if a retry of it is then rejected, the job's status settles what happened, since Zoho
// documents no code for "already started" (zoho-bulk-api.md, "Response codes").
import { ActionError, TransportError, ZohoError, replyBehind } from './errors.ts'
import { classify } from './retry.ts'
import { type CallContext, call } from './zoho/client.ts'
import { SUCCESS_CODE } from './zoho/codes.ts'
import type { JobRef } from './zoho/endpoints.ts'
import {
  ABORTED_STATES,
  fetchJobStatus,
  type JobState,
  type StatusRead
} from './zoho/job-status.ts'
import { type Connection, type JobAction, jobActionRequest } from './zoho/requests.ts'
import { replyError, type ZohoReply } from './zoho/response.ts'

export interface ActionOutcome {
  /** The answer the step reports in its outputs, when there is one. */
  readonly reply: ZohoReply | undefined
  /** Why the step fails; undefined when the job is started or aborted. */
  readonly error: ActionError | undefined
  /** Something the user should know even though the step succeeds. */
  readonly warning?: string
}

/** The states that show an action took effect: a started job runs or has ended from running. */
const TOOK_EFFECT: Readonly<Record<JobAction, ReadonlySet<JobState>>> = {
  start: new Set(['In-progress', 'Completed', 'Failed', 'System Aborted']),
  abort: ABORTED_STATES
}

export async function startOrAbort(
  job: JobRef,
  action: JobAction,
  connection: Connection,
  context: CallContext
): Promise<ActionOutcome> {
  const failures: ActionError[] = []
  const request = jobActionRequest(connection, job, action)
  context.log(`${request.method} ${request.url} (action: ${action})`)
  try {
    const reply = await call(request, reply => replyError(reply, `${action} the job`), {
      ...context,
      onFailure: error => failures.push(error)
    })
    return { reply, error: undefined }
  } catch (error) {
    if (!(error instanceof ActionError)) throw error
    if (!failures.some(mayHaveApplied)) return { reply: replyBehind(error), error }
    // A rejection of a retry is settled by the job's status. When attempts ran out instead, no
    // answer ever came back, and the status may not show the outcome yet either.
    if (error instanceof ZohoError && !classify(error).retry)
      return settle(job, action, connection, context, error)
    return {
      reply: replyBehind(error),
      error: new ActionError(
        `${error.message} An attempt may have reached Zoho all the same: check the job's status ` +
          'before you run the step again.'
      )
    }
  }
}

/** Whether a failed attempt, retried, may have reached Zoho and been applied all the same. */
function mayHaveApplied(error: ActionError): boolean {
  if (!classify(error).retry) return false
  if (error instanceof TransportError) return error.maybeSent
  return error instanceof ZohoError && error.reply.httpStatus >= 500
}

async function settle(
  job: JobRef,
  action: JobAction,
  connection: Connection,
  context: CallContext,
  rejection: ZohoError
): Promise<ActionOutcome> {
  context.log(
    `An earlier attempt to ${action} the job may have reached Zoho, and the retry was rejected ` +
      `(${rejection.message}); reading the job's status to settle it.`
  )
  let read: StatusRead
  try {
    read = await fetchJobStatus(connection, job, context)
  } catch (error) {
    if (!(error instanceof ActionError)) throw error
    return {
      reply: rejection.reply,
      error: new ActionError(
        `The outcome of the ${action} is unknown: an earlier attempt may have reached Zoho, the retry ` +
          `was rejected, and the job's status could not be read (${error.message}). ` +
          `Zoho's last answer: ${rejection.message}`
      )
    }
  }
  const { state, raw } = read.status
  if (state !== undefined && TOOK_EFFECT[action].has(state)) {
    const tookEffect = `An earlier attempt to ${action} the job took effect: the job is ${state}.`
    return {
      reply: { ...read.reply, code: SUCCESS_CODE, status: tookEffect },
      error: undefined,
      warning: `${tookEffect} Its answer was lost, and Zoho rejected the retry.`
    }
  }
  const shown =
    state ??
    (raw === undefined
      ? 'in a state Zoho did not say'
      : `in a state this action does not know ("${raw}")`)
  return {
    reply: rejection.reply,
    error: new ZohoError(
      `Zoho did not ${action} the job: the job is ${shown}, after a retry was rejected (${rejection.message})`,
      rejection.reply
    )
  }
}
