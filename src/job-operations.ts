// The operations on a job as main.ts's table runs them: each calls its module in operations/, keeps
// what happened in the run's record, and hands its outputs to later steps at once, so that a
// failure or a cancel later on still leaves them set.
import * as core from '@actions/core'
import { systemClock } from './clock.ts'
import { ActionError, CancelledError } from './errors.ts'
import type { Settings } from './inputs.ts'
import type { JobFile } from './job-file.ts'
import { CANCELLED_WHILE_RUNNING, CREATED_NOT_STARTED, HeldJob, START_FAILED } from './held-job.ts'
import { reportJob, reportOutcome, type RunRecord } from './report.ts'
import { jobIdForLog, type Secrets } from './secrets.ts'
import { logLine } from './text.ts'
import { accessTokens } from './zoho/auth.ts'
import { checkFileHeader } from './operations/check-header.ts'
import { createJob } from './operations/create.ts'
import { followJob } from './operations/follow.ts'
import { type ActionOutcome, startOrAbort } from './operations/start-abort.ts'
import { uploadJobFile } from './operations/upload.ts'
import type { Connection } from './zoho/api.ts'
import type { CallContext } from './zoho/call.ts'
import type { JobRef } from './zoho/endpoints.ts'
import { FINAL_STATES, fetchJobStatus, type JobStatus } from './zoho/job-status.ts'
import { replyBehind } from './zoho/reply.ts'
import { describeStatus } from './poll.ts'

/** What every step works with. */
export interface JobRun {
  readonly settings: Settings
  /** The job the run works on, and whether it is the run's to abort. */
  readonly held: HeldJob
  /** The file to upload, checked. */
  readonly file: JobFile | undefined
  readonly connection: Connection
  readonly context: CallContext
  readonly secrets: Secrets
  readonly record: RunRecord
}

export type JobOperation = (run: JobRun) => Promise<void>

/** What the operations of a run work with: the calls' context and the connection, from the settings. */
export function newJobRun(
  settings: Settings,
  file: JobFile | undefined,
  record: RunRecord,
  secrets: Secrets,
  signal: AbortSignal
): JobRun {
  const { connection, context } = connect(settings, secrets, record, signal)
  const held = new HeldJob()
  if (settings.jobId !== undefined) held.take({ ...settings.form, jobId: settings.jobId })
  return { settings, held, file, connection, context, secrets, record }
}

/** How calls to Zoho are made, from the settings; each call counted in `counters`. */
export function connect(
  settings: Settings,
  secrets: Secrets,
  counters: Pick<RunRecord, 'calls' | 'mints'>,
  signal: AbortSignal
): { connection: Connection; context: CallContext } {
  const context: CallContext = {
    policy: settings.retry,
    timeoutMs: settings.timeoutMs,
    clock: systemClock,
    calls: counters.calls,
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
    tokens: accessTokens(settings.auth, settings.dataCentre, secrets, counters.mints)
  }
  return { connection, context }
}

/** The job the run works on: the one named by job-id, or the one it created. */
export function jobOf(run: JobRun): JobRef {
  const { job } = run.held
  if (job === undefined) throw new Error('No job yet: a step that needs one ran before create.')
  return job
}

/** With check-header: true, the file's header against the form's fields, before anything is sent. */
export const checkHeader: JobOperation = async run => {
  const { settings, file, connection, context, record } = run
  if (!settings.checkHeader || file === undefined) return
  const nothingDone = settings.action === 'load' ? 'No job was created.' : 'Nothing was uploaded.'
  const summary = await reporting(
    run,
    checkFileHeader(file, settings.form, connection, context, nothingDone)
  )
  record.events.push(['Header checked', summary])
}

export const create: JobOperation = async run => {
  const { settings, connection, context, record, secrets } = run
  const created = await reporting(run, createJob(settings.form, connection, context))
  if (settings.maskJobId) secrets.add(created.jobId)
  record.jobId = created.jobId
  // Until it is started, a job the run created is its to abort, whatever ends the run.
  run.held.take(
    { ...settings.form, jobId: created.jobId },
    { onFailure: CREATED_NOT_STARTED, onCancel: CREATED_NOT_STARTED }
  )
  const shown = jobIdForLog(created.jobId, settings.maskJobId)
  record.events.push(['Created', `job ${shown}`])
  core.setOutput('job-id', created.jobId)
  answered(run, { reply: created.reply, error: undefined })
  context.log(`Created job ${shown}.`)
}

export const upload: JobOperation = async run => {
  const { file, connection, context, record, secrets } = run
  if (file === undefined) throw new Error('No file to upload: inputs should have required one.')
  const sent = await reporting(run, uploadJobFile(jobOf(run), file, connection, context))
  answered(run, { reply: sent.reply, error: undefined })
  if (sent.warning !== undefined) core.warning(secrets.redact(sent.warning))
  record.events.push([
    'Uploaded',
    `${file.name}: ${file.size} bytes in ${(sent.ms / 1000).toFixed(1)} s`
  ])
}

export const start: JobOperation = async run => startOrAbortJob(run, 'start')
export const abort: JobOperation = async run => startOrAbortJob(run, 'abort')

async function startOrAbortJob(run: JobRun, action: 'start' | 'abort'): Promise<void> {
  const { connection, context, record, settings, held } = run
  // A job this step waits on is its own to abort on a cancel; one no one waits for is the user's.
  const watched = action === 'start' && settings.wait !== undefined && settings.abortOnCancel
  const onCancel = watched ? { onCancel: CANCELLED_WHILE_RUNNING } : {}
  // A start that fails leaves a job the run created to be aborted; a job job-id names is the user's.
  if (action === 'start' && settings.action === 'load')
    held.claim({ onFailure: START_FAILED, ...onCancel })
  else if (action === 'start') held.claim(onCancel)
  if (action === 'start') held.starting()
  const outcome = await startOrAbort(jobOf(run), action, connection, context)
  answered(run, outcome)
  if (outcome.error !== undefined) throw outcome.error
  if (action === 'start') {
    held.running()
    held.claim(onCancel)
  }
  record.events.push([action === 'start' ? 'Started' : 'Aborted', outcome.reply?.message ?? ''])
  if (outcome.warning === undefined)
    context.log(`Zoho answered code ${outcome.reply?.code}: ${outcome.reply?.message ?? ''}`)
}

export const readStatus: JobOperation = async run => {
  const { connection, context, record, settings } = run
  const read = await reporting(run, fetchJobStatus(connection, jobOf(run), context))
  record.status = read.status
  answered(run, { reply: read.reply, error: undefined, status: read.status })
  if (settings.wait === undefined) context.log(`The job is ${describeStatus(read.status)}.`)
}

export const follow: JobOperation = async run => {
  const { settings, connection, context, record, secrets } = run
  if (settings.wait === undefined) return
  const action = settings.action === 'abort' ? 'abort' : 'start'
  const job = (record.job = await followJob(jobOf(run), action, settings.wait, connection, context))
  const final = job.wait.status?.state
  if (final !== undefined && FINAL_STATES.has(final)) run.held.ended()
  else run.held.running()
  // The last status read decided the outcome: its answer is the one the outputs give.
  if (job.reply !== undefined)
    answered(run, { reply: job.reply, error: undefined, ...statusOf(job.wait) })
  reportJob(job, secrets)
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
