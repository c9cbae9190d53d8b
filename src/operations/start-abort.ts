// Starts or aborts the job. A PATCH that timed out or lost its answer may still have reached Zoho;
// if a retry of it is then refused, the job's status settles what happened, since Zoho documents no
// code for "already started" (zoho-bulk-api.md, "Response codes"). An abort Zoho refuses because the
// job has already ended succeeds with a warning: the job does not run, which is what abort is for.
import { ActionError } from '../errors.ts'
import { callApi, type Connection } from '../zoho/api.ts'
import type { CallContext } from '../zoho/call.ts'
import { REQUEST_FAULT_CODES } from '../zoho/codes.ts'
import type { JobRef } from '../zoho/endpoints.ts'
import {
  ABORTED_STATES,
  FINAL_STATES,
  fetchJobStatus,
  type JobState,
  type JobStatus,
  type StatusRead
} from '../zoho/job-status.ts'
import { replyBehind, replyError, ZohoError, type ZohoReply } from '../zoho/reply.ts'
import { type JobAction, jobActionRequest } from '../zoho/requests.ts'
import { classify, mayHaveApplied } from '../zoho/retry-table.ts'

export interface ActionOutcome {
  /** The answer the step reports in its outputs: the PATCH's, or the status read that settled it. */
  readonly reply: ZohoReply | undefined
  /** Why the step fails; undefined when the job is started or aborted. */
  readonly error: ActionError | undefined
  /** Something the user should know even though the step succeeds. */
  readonly warning?: string
  /** The job's status, when a status read settled the outcome. */
  readonly status?: JobStatus
}

/**
 * The states that show a lost action of this run took effect. For a start, only a running job: a
 * job that has ended may have ended before this run, and then this run did not start it.
 */
const TOOK_EFFECT: Readonly<Record<JobAction, ReadonlySet<JobState>>> = {
  start: new Set(['In-progress']),
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
    const reply = await callApi(
      connection,
      request,
      reply => replyError(reply, `${action} the job`, action),
      context,
      { onFailure: error => failures.push(error) }
    )
    return { reply, error: undefined }
  } catch (error) {
    if (!(error instanceof ActionError)) throw error
    const lost = failures.some(mayHaveApplied)
    const refusal = error instanceof ZohoError && !classify(error).retry ? error : undefined
    if (refusal !== undefined && (lost || (action === 'abort' && aboutTheJob(refusal)))) {
      return settle({ job, action, connection, context }, refusal, lost)
    }
    if (!lost) return { reply: replyBehind(error), error }
    // Attempts ran out with no answer ever read: the status may not show the outcome yet either.
    return {
      reply: replyBehind(error),
      error: new ActionError(
        `${error.message} An attempt may have reached Zoho all the same: check the job's status ` +
          'before you run the step again.'
      )
    }
  }
}

/** Whether Zoho's refusal may be about the job's state rather than the request. */
function aboutTheJob(refusal: ZohoError): boolean {
  const { code, httpStatus } = refusal.reply
  return (
    code !== undefined && !REQUEST_FAULT_CODES.has(code) && httpStatus >= 400 && httpStatus < 500
  )
}

interface Settling {
  readonly job: JobRef
  readonly action: JobAction
  readonly connection: Connection
  readonly context: CallContext
}

/** Reads the job's status to tell what a refused start or abort means. */
async function settle(
  { job, action, connection, context }: Settling,
  refusal: ZohoError,
  lost: boolean
): Promise<ActionOutcome> {
  context.log(
    lost
      ? `An earlier attempt to ${action} the job may have reached Zoho, and the retry was rejected ` +
          `(${refusal.message}); reading the job's status to settle it.`
      : `Zoho refused the ${action} (${refusal.message}); reading the job's status to see whether it has ended.`
  )
  let read: StatusRead
  try {
    read = await fetchJobStatus(connection, job, context)
  } catch (error) {
    if (!(error instanceof ActionError)) throw error
    const why = lost
      ? `The outcome of the ${action} is unknown: an earlier attempt may have reached Zoho, the retry ` +
        'was rejected, and'
      : `Zoho refused the ${action}, and`
    return {
      reply: refusal.reply,
      error: new ActionError(
        `${why} the job's status could not be read (${error.message}). Zoho's last answer: ${refusal.message}`
      )
    }
  }
  const { state, raw } = read.status
  const settled = { reply: read.reply, status: read.status, error: undefined }
  if (lost && state !== undefined && TOOK_EFFECT[action].has(state)) {
    return {
      ...settled,
      warning:
        `An earlier attempt to ${action} the job took effect: the job is ${state}. ` +
        'Its answer was lost, and Zoho rejected the retry.'
    }
  }
  if (action === 'abort' && state !== undefined && FINAL_STATES.has(state)) {
    return {
      ...settled,
      warning: `The job had already ended (${state}), so there was nothing to abort: it does not run.`
    }
  }
  // Here an ended job is one a lost start may have run (an abort of one has returned above). A job
  // ends Expired only when never started; any other end may have come from this start.
  if (state !== undefined && FINAL_STATES.has(state) && state !== 'Expired') {
    return {
      reply: refusal.reply,
      status: read.status,
      error: new ZohoError(
        `The job has ended (${state}), and this run cannot tell whether its start did that: an ` +
          'earlier attempt may have reached Zoho, its answer was lost, and the retry was rejected ' +
          `(${refusal.message}). The job may have ended before this run; check it in Creator before ` +
          'you run the step again.',
        refusal.reply
      )
    }
  }
  const shown =
    state ??
    (raw === undefined
      ? 'in a state Zoho did not say'
      : `in a state this action does not know ("${raw}")`)
  return {
    reply: refusal.reply,
    status: read.status,
    error: new ZohoError(
      lost
        ? `Zoho did not ${action} the job: the job is ${shown}, after a retry was rejected (${refusal.message})`
        : `${refusal.message} (The job is ${shown}.)`,
      refusal.reply
    )
  }
}
