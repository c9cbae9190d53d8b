// The steps of a job's life as main.ts's table runs them: each calls its module in steps/, keeps
// what happened in the run's record, and hands its outputs to later steps at once, so that a
// failure or a cancel later on still leaves them set.
import * as core from '@actions/core'
import { systemClock } from './clock.ts'
import { ActionError, CancelledError } from './errors.ts'
import type { Settings } from './inputs.ts'
import type { JobFile } from './job-file.ts'
import { reportJob, reportOutcome, type RunRecord } from './report.ts'
import type { Secrets } from './secrets.ts'
import { logLine } from './text.ts'
import { accessTokens } from './zoho/auth.ts'
import { checkFileHeader } from './steps/check-header.ts'
import { createJob } from './steps/create.ts'
import { followJob } from './steps/follow.ts'
import { type ActionOutcome, startOrAbort } from './steps/start-abort.ts'
import { uploadJobFile } from './steps/upload.ts'
import type { Connection } from './zoho/api.ts'
import type { CallContext } from './zoho/call.ts'
import type { JobRef } from './zoho/endpoints.ts'
import { FINAL_STATES, fetchJobStatus, type JobStatus } from './zoho/job-status.ts'
import { replyBehind } from './zoho/reply.ts'
import { describeStatus } from './poll.ts'

/** What every step works with. */
export interface JobRun {
  readonly settings: Settings
  /** The file to upload, checked. */
  readonly file: JobFile | undefined
  readonly connection: Connection
  readonly context: CallContext
  readonly secrets: Secrets
  readonly record: RunRecord
}

export type Step = (run: JobRun) => Promise<void>

/** What the steps of a run work with: the calls' context and the connection, from the settings. */
export function newJobRun(
  settings: Settings,
  file: JobFile | undefined,
  record: RunRecord,
  secrets: Secrets,
  signal: AbortSignal
): JobRun {
  const context: CallContext = {
    policy: settings.retry,
    timeoutMs: settings.timeoutMs,
    clock: systemClock,
    calls: record.calls,
    log: line => {
      core.info(logLine(secrets.redact(line)))
    },
    debug: line => {
      core.debug(logLine(secrets.redact(line)))
    },
    redact: text => secrets.redact(text),
    signal
  }
  const connection: Connection = {
    apiBaseUrl: settings.apiBaseUrl,
    environment: settings.environment,
    tokens: accessTokens(settings.auth, settings.dataCentre, secrets, record.mints)
  }
  return { settings, file, connection, context, secrets, record }
}

/** The state a post step reads to abort a job the main step could not (see pendingJob). */
export const PENDING_JOB_STATE = 'pending-job'

/** The job the run works on: the one named by job-id, or the one it created. */
export function jobOf(run: JobRun): JobRef {
  const jobId = run.record.jobId
  if (jobId === undefined) throw new Error('No job yet: a step that needs one ran before create.')
  return { ...run.settings.form, jobId }
}

/** With check-header: true, the file's header against the form's fields, before anything is sent. */
export const checkHeader: Step = async run => {
  const { settings, file, connection, context, record } = run
  if (!settings.checkHeader || file === undefined) return
  const nothingDone = settings.action === 'load' ? 'No job was created.' : 'Nothing was uploaded.'
  const summary = await reporting(
    run,
    checkFileHeader(file, settings.form, connection, context, nothingDone)
  )
  record.events.push(['Header checked', summary])
}

export const create: Step = async run => {
  const { settings, connection, context, record, secrets } = run
  const created = await reporting(run, createJob(settings.form, connection, context))
  if (settings.maskJobId) secrets.add(created.jobId)
  record.jobId = created.jobId
  record.created = true
  record.events.push(['Created', `job ${created.jobId}`])
  // Until it is started and watched, a job load created is this step's to abort.
  if (settings.action === 'load') markPending(run)
  core.setOutput('job-id', created.jobId)
  answered(run, { reply: created.reply, error: undefined })
  context.log(`Created job ${created.jobId}.`)
}

export const upload: Step = async run => {
  const { file, connection, context, record, secrets } = run
  if (file === undefined) throw new Error('No file to upload: inputs should have required one.')
  const sent = (record.upload = await reporting(
    run,
    uploadJobFile(jobOf(run), file, connection, context)
  ))
  answered(run, { reply: sent.reply, error: undefined })
  if (sent.warning !== undefined) core.warning(secrets.redact(sent.warning))
  record.events.push([
    'Uploaded',
    `${file.name}: ${file.size} bytes in ${(sent.ms / 1000).toFixed(1)} s`
  ])
}

export const start: Step = async run => startOrAbortStep(run, 'start')
export const abort: Step = async run => startOrAbortStep(run, 'abort')

async function startOrAbortStep(run: JobRun, action: 'start' | 'abort'): Promise<void> {
  const { connection, context, record, settings } = run
  // A job this step waits on is its own to abort on a cancel; one no one waits for is the user's.
  const watched = action === 'start' && settings.wait !== undefined && settings.abortOnCancel
  if (action === 'start') record.startTried = true
  if (watched) markPending(run)
  const outcome = (record.outcome = await startOrAbort(jobOf(run), action, connection, context))
  answered(run, outcome)
  if (outcome.error !== undefined) throw outcome.error
  if (action === 'start') record.started = true
  if (action === 'start' && !watched) clearPending()
  record.events.push([action === 'start' ? 'Started' : 'Aborted', outcome.reply?.message ?? ''])
  if (outcome.warning === undefined)
    context.log(`Zoho answered code ${outcome.reply?.code}: ${outcome.reply?.message ?? ''}`)
}

export const readStatus: Step = async run => {
  const { connection, context, record, settings } = run
  const read = await reporting(run, fetchJobStatus(connection, jobOf(run), context))
  record.status = read.status
  answered(run, { reply: read.reply, error: undefined, status: read.status })
  if (settings.wait === undefined) context.log(`The job is ${describeStatus(read.status)}.`)
}

export const follow: Step = async run => {
  const { settings, connection, context, record, secrets } = run
  if (settings.wait === undefined) return
  const action = settings.action === 'abort' ? 'abort' : 'start'
  const job = (record.job = await followJob(jobOf(run), action, settings.wait, connection, context))
  // The last status read decided the outcome: its answer is the one the outputs give.
  if (job.reply !== undefined)
    answered(run, { reply: job.reply, error: undefined, ...statusOf(job.wait) })
  reportJob(job, secrets)
  const final = job.wait.status?.state
  record.ended = final !== undefined && FINAL_STATES.has(final)
  const state = job.wait.status === undefined ? undefined : job.wait.status.raw
  record.events.push(['Waited', `${job.wait.end}${state === undefined ? '' : `: ${state}`}`])
  if (job.failure === undefined) return
  throw job.wait.end === 'cancelled'
    ? new CancelledError(job.failure)
    : new ActionError(job.failure)
}

const statusOf = ({ status }: { status?: JobStatus }): { status?: JobStatus } =>
  status === undefined ? {} : { status }

/**
 * What `operation` gives; when it fails on Zoho's answer, that answer is the one the outputs and the
 * summary show, not an earlier call's success.
 */
async function reporting<T>(run: JobRun, operation: Promise<T>): Promise<T> {
  try {
    return await operation
  } catch (error) {
    const reply = replyBehind(error)
    if (reply !== undefined) answered(run, { reply, error: undefined })
    throw error
  }
}

/** Hands Zoho's answer to later steps, and keeps it for the summary. */
function answered(run: JobRun, outcome: ActionOutcome): void {
  if (outcome.reply !== undefined) run.record.reply = outcome.reply
  reportOutcome(outcome, run.secrets)
}

/** Names the job a post step should abort if the main step is ended before it could. */
function markPending(run: JobRun): void {
  core.saveState(PENDING_JOB_STATE, JSON.stringify(jobOf(run)))
}

/** The run ends with no job of its own left running: a post step has nothing to abort. */
export function clearPending(): void {
  core.saveState(PENDING_JOB_STATE, '')
}

/** Why the job must be aborted after `error` ended the run, or undefined when it need not be. */
export function leftRunning(run: JobRun, error: unknown): string | undefined {
  const { record, settings } = run
  if (record.jobId === undefined || record.ended === true) return undefined
  if (record.created === true && record.startTried !== true)
    return 'the job this step created was not started'
  if (record.startTried !== true) return undefined
  // A cancel aborts a job the step started and was to watch; one started without wait is the user's.
  if (error instanceof CancelledError)
    return settings.abortOnCancel && settings.wait !== undefined
      ? 'the step was cancelled while the job it started ran'
      : undefined
  if (settings.action === 'load' && record.started !== true) return 'its start failed'
  return undefined
}

/**
 * Aborts the job `why` names, within `deadline` when the step is being cancelled; says what
 * became of it, for the error the step ends with.
 */
export async function abortLeftJob(run: JobRun, why: string, deadline?: number): Promise<string> {
  const { connection, context, record, secrets } = run
  // Not the step's own signal, which a cancel has aborted: this call is what the cancel needs.
  const quick: CallContext = {
    ...context,
    signal: new AbortController().signal,
    ...(deadline === undefined ? {} : { deadline })
  }
  const outcome = await startOrAbort(jobOf(run), 'abort', connection, quick)
  if (outcome.error === undefined) {
    record.abortedAfterFailure = true
    record.events.push(['Aborted', `as ${why}`])
    clearPending()
    return `The job was aborted, as ${why}, so that the form is free for the next job.`
  }
  const message = secrets.redact(outcome.error.message)
  record.events.push(['Not aborted', message])
  return (
    `The job could not be aborted (${why}): ${message} Abort it in Creator: until it ends, ` +
    'the form takes no other job.'
  )
}
