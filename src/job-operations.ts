// The operations on a job as main.ts's table runs them: each calls its module in operations/, keeps
// what happened in the run's record, and hands its outputs to later steps at once, so that a
// failure or a cancel later on still leaves them set.
import * as core from '@actions/core'
import { readdir, rename, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { systemClock } from './clock.ts'
import { describeDialect, ZOHO_DIALECT } from './csv/dialect.ts'
import { ActionError, CancelledError } from './errors.ts'
import type { ActionName, Settings, SettingsOf } from './inputs.ts'
import { checkJobFile, discardCopy, folderUnder, type JobFile, stemOf } from './job-file.ts'
import { CANCELLED_WHILE_RUNNING, CREATED_NOT_STARTED, HeldJob, START_FAILED } from './held-job.ts'
import { reportJob, reportOutcome, type RunRecord } from './report.ts'
import { jobIdForLog, type Secrets } from './secrets.ts'
import { counted, logLine } from './text.ts'
import { accessTokens } from './zoho/auth.ts'
import { fetchFormFields } from './zoho/fields.ts'
import { checkFileHeader } from './operations/check-header.ts'
import { describeKind, type ValueReport } from './operations/check-values.ts'
import { checkFileKeys, type KeyedFile } from './operations/keys.ts'
import {
  describeSource,
  describeUnresolved,
  lookupColumns,
  lookupFieldProblems,
  parentIds,
  type ReadyLookup,
  rewriteLookups
} from './operations/lookups.ts'
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

/** The actions that send a file. */
type SendingAction = 'upload' | 'load'
/** The actions that may wait for the job to end. */
type WaitingAction = 'start' | 'abort' | 'status' | 'load'

/** What the operations of an action work with. */
export interface JobRun<A extends ActionName = ActionName> {
  readonly settings: SettingsOf<A>
  /** The job the run works on, and whether it is the run's to abort. */
  readonly held: HeldJob
  /**
   * The file to send, checked; none for the actions that send no file. With bad-rows: skip, the
   * value check replaces it with the copy of the rows to load, for the operations after it.
   */
  file: A extends SendingAction ? JobFile : undefined
  readonly connection: Connection
  readonly context: CallContext
  readonly secrets: Secrets
  readonly record: RunRecord
  /** A load with a key: the file's key columns and keys, checked before any request. */
  readonly keyed?: KeyedFile
}

/** One operation on the job, for the actions `A` it serves. */
export type JobOperation<A extends ActionName = ActionName> = (run: JobRun<A>) => Promise<void>

/**
 * The run the settings describe: the file checked (a bad one fails the step before any call), the
 * job named by job-id held, and how calls are made.
 */
export async function openJobRun(
  settings: Settings,
  record: RunRecord,
  secrets: Secrets,
  signal: AbortSignal
): Promise<JobRun> {
  const { connection, context } = connect(settings, secrets, record, signal)
  const held = new HeldJob()
  const run = { held, connection, context, secrets, record }
  // A job named by job-id is this run's to abort on a cancel from the start; a created one is
  // taken when Zoho gives its ID.
  if ('jobId' in settings) held.take({ ...settings.form, jobId: settings.jobId })
  switch (settings.action) {
    case 'upload':
      return { ...run, settings, file: await openFile(settings, context) }
    case 'load': {
      const file = await openFile(settings, context)
      await lookupColumns(file, settings.lookups)
      if (settings.key === undefined) return { ...run, settings, file }
      return { ...run, settings, file, keyed: await checkFileKeys(file, settings.key.fields) }
    }
    default:
      return { ...run, settings, file: undefined }
  }
}

/** The file checked, or its copy in Zoho's dialect when it is in another (a load may split it). */
async function openFile(
  settings: SettingsOf<SendingAction>,
  context: CallContext
): Promise<JobFile> {
  const { dialect, copyRoot } = settings
  const file = await checkJobFile(settings.file, {
    dialect,
    copyRoot,
    splittable: settings.action === 'load'
  })
  if (file.copyOf !== undefined) {
    context.log(
      `${basename(file.copyOf)} is ${describeDialect(file.dialect)}: sending a copy in UTF-8 ` +
        'with commas, as Zoho reads.'
    )
  }
  return file
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

/**
 * With check-header: true, the file's header against the form's fields, before anything is sent;
 * with check-values: true, every value too (checkValues).
 */
export const checkHeader: JobOperation<SendingAction> = async run => {
  const { settings, file, connection, context, record } = run
  if (settings.checkValues) return checkValues(run)
  if (!settings.checkHeader) return
  const checked = await reporting(
    run,
    checkFileHeader(file, settings.form, connection, context, nothingSent(settings))
  )
  record.events.push(['Header checked', checked.summary])
}

const nothingSent = ({ action }: SettingsOf<SendingAction>): string =>
  action === 'load' ? 'No job was created.' : 'Nothing was uploaded.'

/**
 * Every value against its field, each problem written to problems.csv in result-dir. A row with
 * a problem fails the step; with bad-rows: skip, the operations after it load the other rows, from
 * a copy (run.file), and rejected.csv holds the rows left out.
 */
async function checkValues(run: JobRun<SendingAction>): Promise<void> {
  const { settings, file, connection, context, record, secrets } = run
  const nothingDone = nothingSent(settings)
  const write = { what: 'The files of check-values', nothingDone }
  // The lookups' problems.csv and rejected.csv, when they left rows out: the checks add to them.
  const shared = record.checkDir
  const dir = shared ?? (await folderUnder(settings.copyRoot, 'zoho-bulk-check-', write))
  const keptDir =
    settings.badRows === 'skip'
      ? await folderUnder(settings.copyRoot, 'zoho-bulk-kept-', write)
      : undefined
  const kept = join(keptDir ?? dir, `${stemOf(file.name)}.csv`)
  const sorting =
    keptDir === undefined ? {} : { sorting: { kept, rejected: join(dir, 'rejected.csv') } }
  let replaced = false
  try {
    const { summary, values } = await reporting(
      run,
      checkFileHeader(file, settings.form, connection, context, nothingDone, {
        problems: join(dir, 'problems.csv'),
        ...sorting,
        append: shared !== undefined
      })
    )
    record.events.push(['Values checked', summary])
    const rejected = (values?.rows ?? 0) + (record.lookups?.rejected ?? 0)
    core.setOutput('rejected-records', String(rejected))
    if (values === undefined || values.rows === 0) return
    record.values = values
    record.checkDir = dir
    core.setOutput('result-dir', dir)
    for (const kind of values.kinds) context.log(`${file.name}: ${describeKind(kind)}.`)
    const found = badRowsFound(file.name, values)
    if (keptDir === undefined || values.rows >= file.measure.records) {
      const all = keptDir === undefined ? '' : ' Every row has one: nothing is left to load.'
      throw new ActionError(
        `${found}${all} ${nothingDone} Fix the rows, or set check-values: false to skip the check.`
      )
    }
    core.warning(
      secrets.redact(
        `${found} They are left out, as bad-rows: skip asks: rejected.csv in result-dir holds them.`
      )
    )
    const rows = await checkJobFile(kept, {
      dialect: ZOHO_DIALECT,
      copyRoot: settings.copyRoot,
      splittable: settings.action === 'load'
    })
    record.events.push(['Rows left out', `${values.rows}: rejected.csv in result-dir`])
    run.file = { ...rows, name: file.name, copyOf: file.copyOf ?? file.path }
    replaced = true
    // The copy the lookups made, now replaced (the file given, or main's copy of it, is main's).
    await discardCopy(file)
  } finally {
    if (record.values === undefined && shared === undefined)
      await rm(dir, { recursive: true, force: true })
    if (keptDir !== undefined && !replaced) await rm(keptDir, { recursive: true, force: true })
  }
}

/**
 * With lookups: each lookup column's keys replaced by the IDs of the related records, read from a
 * report of the related form or an id-map.csv, in a copy the later operations work on (run.file).
 * A value that matches no record, or two, fails the step before any job; with bad-rows: skip its
 * row is left out (rejected.csv). problems.csv in result-dir lists each such value.
 */
export const resolveLookups: JobOperation<'load'> = async run => {
  const { settings, file, connection, context, record, secrets } = run
  const { lookups, form } = settings
  if (lookups.length === 0) return
  const nothingDone = nothingSent(settings)
  if (settings.checkHeader || settings.checkValues) {
    const fields = await reporting(run, fetchFormFields(connection, form, context))
    const problems = lookupFieldProblems(lookups, fields)
    if (problems.length > 0)
      throw new ActionError(
        `The lookups of ${file.name} do not fit the form ${form.form}: ${problems.join('; ')}. ` +
          `${nothingDone} Fix lookups.`
      )
  }
  const write = { what: `The copy of ${file.name} with lookups resolved`, nothingDone }
  const workDir = await folderUnder(settings.copyRoot, 'zoho-bulk-lookups-', write)
  const dir = await folderUnder(settings.copyRoot, 'zoho-bulk-check-', write)
  let replaced = false
  try {
    const names = file.columns.map(name => name.trim())
    const ready: ReadyLookup[] = []
    for (const lookup of lookups) {
      const reading = { form, dir: workDir, wait: settings.wait }
      const ids = await reporting(run, parentIds(lookup.source, reading, connection, context))
      ready.push({ lookup, index: names.indexOf(lookup.column), ids })
      context.log(
        `Lookup ${lookup.column}: ${counted(ids.size, 'key')} of ${describeSource(lookup.source)}.`
      )
    }
    const skip = settings.badRows === 'skip'
    const kept = join(workDir, `${stemOf(file.name)}.csv`)
    const sorting = { kept, rejected: join(dir, 'rejected.csv') }
    const rewrite = await rewriteLookups(
      file,
      ready,
      { problems: join(dir, 'problems.csv'), sorting },
      skip
    )
    const values = rewrite.columns.reduce((sum, column) => sum + column.replaced, 0)
    record.events.push([
      'Lookups resolved',
      `${counted(values, 'value')} of ${file.name} replaced by Zoho IDs` +
        (rewrite.badRows > 0 ? `; ${counted(rewrite.badRows, 'row')} with a value unmatched` : '')
    ])
    context.log(
      `Lookups: ${counted(values, 'value')} of ${rewrite.columns.map(({ column }) => column).join(', ')} ` +
        `replaced by Zoho IDs${settings.dryRun ? ' (the dry run would load them so)' : ''}.`
    )
    if (rewrite.badRows > 0) {
      record.checkDir = dir
      core.setOutput('result-dir', dir)
      const found = describeUnresolved(rewrite, file.name)
      if (!skip || rewrite.kept === 0) {
        const all = skip ? ' Every row has one: nothing is left to load.' : ''
        throw new ActionError(
          `${found}${all} ${nothingDone} Load the related records first (their keys must be in the ` +
            'report or the id-map), fix the rows, or set bad-rows: skip to leave them out.'
        )
      }
      core.warning(
        secrets.redact(
          `${found} They are left out, as bad-rows: skip asks: rejected.csv in result-dir holds them.`
        )
      )
      record.lookups = { rejected: rewrite.badRows }
      core.setOutput('rejected-records', String(rewrite.badRows))
      record.events.push(['Rows left out', `${rewrite.badRows}: rejected.csv in result-dir`])
    }
    const rows = await checkJobFile(kept, {
      dialect: ZOHO_DIALECT,
      copyRoot: settings.copyRoot,
      splittable: true
    })
    run.file = { ...rows, name: file.name, copyOf: file.copyOf ?? file.path }
    replaced = true
  } finally {
    if (record.checkDir !== dir) await rm(dir, { recursive: true, force: true })
    if (!replaced) await rm(workDir, { recursive: true, force: true })
  }
}

/**
 * problems.csv and rejected.csv, moved into the folder of the job's result files when the run
 * made one, so that result-dir holds them all.
 */
export async function keepCheckFiles(record: RunRecord): Promise<void> {
  const { checkDir } = record
  const jobDir = record.resultDir ?? record.job?.resultDir
  if (checkDir === undefined || jobDir === undefined) return
  for (const name of await readdir(checkDir)) await rename(join(checkDir, name), join(jobDir, name))
  await rm(checkDir, { recursive: true, force: true })
  delete record.checkDir
  core.setOutput('result-dir', jobDir)
}

/** What the check found, said of each kind where it is. */
function badRowsFound(name: string, values: ValueReport): string {
  return (
    `${counted(values.rows, 'row')} of ${name} ${values.rows === 1 ? 'holds' : 'hold'} ` +
    `values the form would refuse: ${values.kinds.slice(0, 5).map(describeKind).join('; ')}` +
    `${values.kinds.length > 5 ? '; and more' : ''}. problems.csv in result-dir lists each.`
  )
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

export const upload: JobOperation<SendingAction> = async run => {
  const { file, connection, context, record, secrets } = run
  const sent = await reporting(run, uploadJobFile(jobOf(run), file, connection, context))
  answered(run, { reply: sent.reply, error: undefined })
  if (sent.warning !== undefined) core.warning(secrets.redact(sent.warning))
  // Only an upload sends a file with blank rows among its records: a load sends parts without.
  const { blankRows } = file.measure
  if (blankRows > 0) {
    core.warning(
      secrets.redact(
        `${file.name} holds ${counted(blankRows, 'blank row')} among its records, sent as they ` +
          'are: Zoho may count them as records. A load leaves them out.'
      )
    )
  }
  record.events.push([
    'Uploaded',
    `${file.name}: ${file.size} bytes in ${(sent.ms / 1000).toFixed(1)} s`
  ])
}

export const start: JobOperation<'start' | 'load'> = async run => startOrAbortJob(run, 'start')
export const abort: JobOperation<'abort'> = async run => startOrAbortJob(run, 'abort')

async function startOrAbortJob(
  run: JobRun<'start' | 'abort' | 'load'>,
  action: 'start' | 'abort'
): Promise<void> {
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

export const readStatus: JobOperation<'status'> = async run => {
  const { connection, context, record, settings } = run
  const read = await reporting(run, fetchJobStatus(connection, jobOf(run), context))
  record.status = read.status
  answered(run, { reply: read.reply, error: undefined, status: read.status })
  if (settings.wait === undefined) context.log(`The job is ${describeStatus(read.status)}.`)
}

/** With wait: true (always for a load), the job followed to its end, and its result files. */
export const follow: JobOperation<WaitingAction> = async run => {
  const { settings, connection, context, record, secrets } = run
  if (settings.wait === undefined) return
  const action = settings.action === 'abort' ? 'abort' : 'start'
  const job = (record.job = await followJob(jobOf(run), action, settings.wait, connection, context))
  const final = job.wait.status?.state
  if (final !== undefined && FINAL_STATES.has(final)) run.held.ended()
  else run.held.running()
  // The last status read decided the outcome: its answer is the one the outputs give.
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
    answered(run, { reply: replyBehind(error), error: undefined })
    throw error
  }
}

/** Hands Zoho's answer to later steps, and keeps it for the summary. */
function answered(run: JobRun, outcome: ActionOutcome): void {
  if (outcome.reply !== undefined) run.record.reply = outcome.reply
  reportOutcome(outcome, run.secrets)
}
