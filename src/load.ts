// A load: the file in one job when it fits, else in parts, one job after another (a form takes
// one active job at a time). The parts are written under RUNNER_TEMP in one pass before any job
// exists; each is uploaded, removed, and its job started and followed to its end before the next;
// a part that fails stops the load, and the error says which skip-records resumes it. The parts'
// result files are merged into one CSV per filter, their counts summed.
import * as core from '@actions/core'
import { copyFile, mkdtemp, rm, stat, truncate } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { cancelReason } from './clock.ts'
import { counted } from './text.ts'
import { ActionError, CancelledError, LocalFileError, messageOf } from './errors.ts'
import { abortJob, withNote } from './held-job.ts'
import {
  checkJobFile,
  csvSource,
  discardCopy,
  folderUnder,
  type JobFile,
  MAX_FILE_BYTES,
  noRoomUnder,
  stemOf,
  type TempWrite
} from './job-file.ts'
import type { LoadKey, PartLimits, WaitForJob } from './inputs.ts'
import type { FormRef } from './zoho/endpoints.ts'
import { type PartReport, reportStatus, type RunRecord } from './report.ts'
import { appendResultCsv, morePreview } from './results.ts'
import {
  create,
  follow,
  type JobOperation,
  jobOf,
  type JobRun,
  start,
  upload
} from './job-operations.ts'
import { ZOHO_DIALECT } from './csv/dialect.ts'
import { filterByKey, type KeyedFile, keysInZoho, valuesOf } from './operations/keys.ts'
import { CsvWriter } from './csv/writer.ts'
import { jobIdForLog } from './secrets.ts'
import { PREVIEW_ROWS } from './operations/follow.ts'
import { type CsvMeasure, type Part, splitCsv } from './csv/split.ts'
import type { JobStatus, RecordCounts } from './zoho/job-status.ts'
import { RESULT_FILTERS } from './zoho/requests.ts'

const AFTER_CREATE: readonly JobOperation<'load'>[] = [upload, start, follow]

export const load: JobOperation<'load'> = async run => {
  try {
    await loadFile(run)
  } catch (error) {
    throw run.settings.key === undefined ? error : runAgain(error)
  }
}

const RUN_AGAIN = 'run the same step again'

/** A keyed load's error, with how to go on: the same step again, which leaves out what Zoho holds. */
function runAgain(error: unknown): unknown {
  if (!(error instanceof ActionError) || error.message.includes(RUN_AGAIN)) return error
  return withNote(
    error,
    `To load the records Zoho does not hold, ${RUN_AGAIN} (its key leaves out those it holds; ` +
      'wait first for a job of this form that still runs).'
  )
}

async function loadFile(run: JobRun<'load'>): Promise<void> {
  await loadRecords(run)
  const { key } = run.settings
  // Written when Zoho held every record too: a rerun hands the map on to the loads that need it.
  if (key?.idMap === true && run.keyed !== undefined) await writeIdMap(run, key, run.keyed)
}

async function loadRecords(run: JobRun<'load'>): Promise<void> {
  const { settings, keyed } = run
  const key = settings.key
  if (key !== undefined && keyed !== undefined) {
    const { file, context } = run
    const { form, copyRoot, wait } = settings
    const read = { file, key, keyed, form, copyRoot, wait }
    // Before any job: when Zoho holds every record, there is nothing to create.
    const before = await leaveOutKeysInZoho(read, run)
    if (before.left === undefined) {
      context.log(
        `All ${counted(before.skipped, 'record')} of ${file.name} are in Zoho already: nothing ` +
          'to load, and no job was created.'
      )
      return
    }
    await discardCopy(before.left)
    // Then the first job, and the keys read again: a form takes one bulk job at a time, so no
    // other load can insert a record between this read and this load's upload.
    await create(run)
    const { left, skipped } = await leaveOutKeysInZoho(read, run)
    if (left === undefined) {
      await nothingToLoad(run, skipped)
      return
    }
    await discardCopy(run.file)
    run.file = left
  }
  const created = key !== undefined
  const measured = partsNeeded(run.file, settings.parts)
  if (measured === undefined) {
    for (const step of created ? AFTER_CREATE : [create, ...AFTER_CREATE]) await step(run)
  } else await loadInParts(run, run.file, measured, created)
}

/**
 * id-map.csv in result-dir: the key columns and ID of every record of the file now in the form,
 * loaded now or before, read with a Bulk Read once the load is over (output id-map).
 */
async function writeIdMap(run: JobRun<'load'>, key: LoadKey, keyed: KeyedFile): Promise<void> {
  const { settings, connection, context, record, file } = run
  const write = { what: `The id-map of ${file.name}`, nothingDone: 'The load itself is done.' }
  const dir =
    record.resultDir ??
    record.job?.resultDir ??
    (record.checkDir ??= await folderUnder(settings.wait.resultRoot, 'zoho-bulk-check-', write))
  const reading = { report: { ...settings.form, report: key.report }, dir, wait: settings.wait }
  const { found, ids } = await keysInZoho(
    keyed.keys,
    key.fields,
    reading,
    connection,
    context,
    true
  )
  const path = join(dir, 'id-map.csv')
  const map = await CsvWriter.create(path)
  try {
    map.row([...key.fields, 'ID'])
    for (const held of keyed.keys.keys()) {
      const at = found.get(held)
      if (at !== undefined) map.row([...valuesOf(held, key.fields.length), ids[at] ?? ''])
    }
  } finally {
    await map.close()
  }
  core.setOutput('result-dir', dir)
  core.setOutput('id-map', path)
  record.events.push(['ID map', `${counted(found.size, 'record')} of ${file.name}: id-map.csv`])
  context.log(
    `id-map.csv in result-dir maps ${counted(found.size, 'key')} of ${file.name} to Zoho IDs` +
      `${found.size < keyed.keys.size ? ` (${keyed.keys.size - found.size} not in Zoho)` : ''}.`
  )
}

/** What a load with a key reads Zoho's keys for. */
export interface KeyedRead {
  readonly file: JobFile
  readonly key: LoadKey
  readonly keyed: KeyedFile
  readonly form: FormRef
  /** Where the copy of the records to load goes (RUNNER_TEMP). */
  readonly copyRoot: string
  readonly wait: WaitForJob
}

/**
 * The file without the records whose key Zoho holds (read with a Bulk Read of key-report), which
 * go to skipped.csv in result-dir; no file when none is left.
 */
export async function leaveOutKeysInZoho(
  { file, key, keyed, form, copyRoot, wait }: KeyedRead,
  { connection, context, record }: Pick<JobRun, 'connection' | 'context' | 'record'>
): Promise<{ readonly left?: JobFile; readonly skipped: number }> {
  const write = { what: `The records of ${file.name} to load`, nothingDone: '' }
  const dir = await folderUnder(copyRoot, 'zoho-bulk-keyed-', write)
  const copy = join(dir, `${stemOf(file.name)}.csv`)
  let kept = false
  try {
    const reading = { report: { ...form, report: key.report }, dir, wait }
    const { found } = await keysInZoho(keyed.keys, key.fields, reading, connection, context)
    const ownDir = record.checkDir === undefined
    const out = (record.checkDir ??= await folderUnder(wait.resultRoot, 'zoho-bulk-check-', write))
    const skippedCsv = join(out, 'skipped.csv')
    const counts = await filterByKey(file, keyed.columns, found, {
      load: copy,
      skipped: skippedCsv
    })
    record.keyed = { skipped: counts.skipped, toLoad: counts.load }
    core.setOutput('skipped-records', String(counts.skipped))
    record.events.push([
      'Keys read',
      `${found.size} of ${counted(keyed.keys.size, 'key')} of ${file.name} in Zoho (report ${key.report})`
    ])
    if (counts.skipped === 0) {
      await rm(ownDir ? out : skippedCsv, { recursive: true, force: true })
      if (ownDir) delete record.checkDir
    } else {
      core.setOutput('result-dir', out)
      context.log(
        `${counted(counts.skipped, 'record')} of ${file.name} ${counts.skipped === 1 ? 'is' : 'are'} ` +
          'in Zoho already, left out: skipped.csv in result-dir holds them.'
      )
    }
    if (counts.load === 0) return { skipped: counts.skipped }
    const left = await checkJobFile(copy, { dialect: ZOHO_DIALECT, copyRoot, splittable: true })
    kept = true
    return {
      left: { ...left, name: file.name, copyOf: file.copyOf ?? file.path },
      skipped: counts.skipped
    }
  } finally {
    if (!kept) await rm(dir, { recursive: true, force: true })
  }
}

/** Every record is in Zoho already: the job created for them is aborted, and the step passes. */
async function nothingToLoad(run: JobRun<'load'>, skipped: number): Promise<void> {
  const { held, connection, context, record, file } = run
  const why = 'nothing is left to load'
  const { aborted, note } = await abortJob(jobOf(run), why, connection, context)
  const all = `All ${counted(skipped, 'record')} of ${file.name} are in Zoho already: nothing to load.`
  if (!aborted) {
    // Tried once, and the error says so: the run does not abort it again on its way out.
    held.release()
    throw new ActionError(`${all} ${note}`)
  }
  held.ended()
  record.events.push(['Aborted', `as ${why}`])
  context.log(`${all} ${note}`)
}

/** How a load that stopped goes on: from `records`, or with a key as it is, run again. */
function resume(run: JobRun<'load'>, records: number): string {
  return run.settings.key === undefined
    ? `run again with skip-records: ${records}`
    : `${RUN_AGAIN} (its key leaves out the records Zoho holds)`
}

/**
 * The file's records, when it must be split: too large for one job, records to skip, more
 * records than a job may take, or blank rows among them (only the split leaves those out);
 * undefined when it goes as it is, in one job.
 */
export function partsNeeded(
  { size, measure }: Pick<JobFile, 'size' | 'measure'>,
  { maxRecords, skipRecords }: PartLimits
): CsvMeasure | undefined {
  const split = size > MAX_FILE_BYTES || skipRecords > 0 || measure.blankRows > 0
  return split || measure.records > (maxRecords ?? Number.POSITIVE_INFINITY) ? measure : undefined
}

/**
 * Splits the file into parts under RUNNER_TEMP in one pass, all of them before any job exists (so
 * that a file no part can hold, such as one with a quote that never closes, fails the step with
 * nothing created), then loads them in turn, each removed once uploaded.
 */
async function loadInParts(
  run: JobRun<'load'>,
  file: JobFile,
  measured: CsvMeasure,
  created: boolean
): Promise<void> {
  const { settings, record, context } = run
  const { wait } = settings
  const write = partsOf(file, created)
  const dir = await folderUnder(wait.resultRoot, 'zoho-bulk-parts-', write)
  try {
    const limits = { ...settings.parts, bytes: measured.bytes }
    const parts = await splitFile(file, dir, limits, context.signal, write)
    context.log(
      `${file.name}: ${counted(
        parts.reduce((sum, part) => sum + part.records, 0),
        'record'
      )} to load, in ${counted(parts.length, 'part')}.`
    )
    const results = new MergedResults(wait.resultRoot)
    // Every part is listed from the start: the summary of a load that stops shows those not tried.
    const reports: PartReport[] = (record.parts = parts.map(
      ({ index, firstRow, lastRow, records }) => ({ index, firstRow, lastRow, records })
    ))
    let loaded = settings.parts.skipRecords
    for (const [at, part] of parts.entries()) {
      const report = reports[at] as PartReport
      context.log(
        `Part ${part.index}: rows ${part.firstRow} to ${part.lastRow} of ${file.name} ` +
          `(${counted(part.records, 'record')}, ${part.bytes} bytes).`
      )
      report.tried = true
      try {
        await loadPart(run, part, report, created && at === 0)
        keepOutcome(report, record)
      } catch (error) {
        keepOutcome(report, record)
        throw stopped(error, run, { file, part: report, loaded, parts: parts.length })
      } finally {
        await results.add(record, report)
        sumUp(run, reports)
      }
      loaded += part.records
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** What a load in parts writes under RUNNER_TEMP (with a key, after its first job is created). */
const partsOf = (file: JobFile, created: boolean): TempWrite => ({
  what: `The parts of ${file.name}`,
  nothingDone: created ? '' : 'No job was created.'
})

async function splitFile(
  file: JobFile,
  dir: string,
  limits: PartLimits & { readonly bytes: number },
  signal: AbortSignal | undefined,
  write: TempWrite
): Promise<Part[]> {
  const stem = stemOf(file.name)
  const parts: Part[] = []
  try {
    for await (const part of splitCsv(csvSource(file), stem, dir, {
      ...limits,
      maxBytes: MAX_FILE_BYTES
    })) {
      // A cancel while a large file is split ends the step at the next part, not at the end.
      if (signal?.aborted === true) throw cancelReason(signal)
      parts.push(part)
    }
  } catch (error) {
    // A record the measure let pass, but too long for a part with the header.
    if (error instanceof LocalFileError)
      throw new ActionError(
        `${file.name} cannot be loaded: ${error.message} ${write.nothingDone}`.trim()
      )
    // The file was read before (measured): what fails now is writing the parts.
    if (!(error instanceof ActionError)) throw noRoomUnder(dirname(dir), write, error)
    throw error
  }
  // Only skip-records can leave no part: a file split for its size or its records has records.
  if (parts.length === 0) {
    throw new ActionError(
      `${file.name} has no records to load after the ${limits.skipRecords} skipped.`
    )
  }
  return parts
}

/** Where the load in parts stopped, for its error. */
interface Stop {
  readonly file: JobFile
  readonly part: PartReport
  /** The records of the file before this part: those skipped, and the parts loaded. */
  readonly loaded: number
  readonly parts: number
}

/**
 * The error that ended a part, with where the load stopped and how to go on without loading a
 * record twice: after the part when its job completed or still runs, else from the part.
 */
function stopped(error: unknown, run: JobRun<'load'>, stop: Stop): unknown {
  if (!(error instanceof ActionError)) return error
  const { file, part, loaded } = stop
  const after = loaded + part.records
  const last = part.index === stop.parts
  const where =
    `The load stopped at part ${part.index} of ${file.name} (rows ${part.firstRow} to ` +
    `${part.lastRow}).`
  if (completed(part)) {
    const failed = part.status?.records.failed ?? 0
    const text =
      error instanceof CancelledError
        ? error.message
        : `Part ${part.index} completed, but ${failed} of its ${counted(part.records, 'record')} ` +
          'failed: see failure.csv in result-dir and the job summary, or set ' +
          'fail-on-failed-records: false.'
    const next = last
      ? `Every part of ${file.name} was loaded: there is nothing left to resume.`
      : `${where} To load the rest of the file, ${resume(run, after)}.`
    return withNote(error instanceof CancelledError ? error : new ActionError(text), next)
  }
  const { held } = run
  if (held.abortReason(error) === undefined && held.mayRun && part.jobId !== undefined) {
    // Its records are in Zoho's hands: loading them again would insert them twice.
    const job = jobIdForLog(part.jobId, run.settings.maskJobId)
    const then = last
      ? 'it holds the last records of the file'
      : `then ${resume(run, after)} to load the rest of the file`
    return withNote(
      error,
      `${where} The job of part ${part.index} (${job}) goes on in Zoho: wait for it to end ` +
        `(action: status, wait: true, job-id of that job); ${then}.`
    )
  }
  return withNote(error, `${where} To load the rest of the file, ${resume(run, loaded)}.`)
}

/** One part's job: create, upload (the part's file removed once sent), start, follow. */
async function loadPart(
  run: JobRun<'load'>,
  part: Part,
  report: PartReport,
  created: boolean
): Promise<void> {
  // The followed job the summary and the counts read is this part's from now on.
  delete run.record.job
  const partRun: JobRun<'load'> = {
    ...run,
    file: {
      path: part.path,
      name: basename(part.path),
      size: part.bytes,
      kind: 'csv',
      columns: run.file.columns,
      dialect: run.file.dialect,
      measure: { records: part.records, bytes: part.bytes, blankRows: 0 }
    }
  }
  if (!created) await create(partRun)
  const { jobId } = run.record
  if (jobId !== undefined) report.jobId = jobId
  core.setOutput('job-ids', run.record.parts?.flatMap(each => each.jobId ?? []).join(','))
  try {
    await upload(partRun)
  } finally {
    await rm(part.path, { force: true })
  }
  await start(partRun)
  await follow(partRun)
}

const completed = (report: PartReport): boolean => report.status?.state === 'Completed'

/** Keeps the state the part's job was last seen in, and its failed rows for the summary. */
function keepOutcome(part: PartReport, record: RunRecord): void {
  const { job } = record
  if (job === undefined) return
  if (job.wait.status !== undefined) part.status = job.wait.status
  if (job.preview !== undefined)
    record.failedRows = morePreview(record.failedRows, job.preview, PREVIEW_ROWS)
}

/** The counts of all parts so far, as outputs and for the summary. */
function sumUp(run: JobRun, parts: PartReport[]): void {
  const { record } = run
  const status = record.job?.wait.status
  const totals = { total: 0, success: 0, failed: 0, unprocessed: 0 }
  for (const part of parts) {
    for (const key of Object.keys(totals) as (keyof RecordCounts)[])
      totals[key] += part.status?.records[key] ?? 0
  }
  const summed: JobStatus = { ...(status ?? {}), records: totals }
  record.partsStatus = summed
  reportStatus(summed, run.secrets)
}

/**
 * The result files of every part, merged into one CSV per filter in one folder (result-dir): one
 * header row, then each part's rows in order. A part's file that cannot be merged is kept as it
 * came, beside them. Each part's own folder is removed once merged.
 */
class MergedResults {
  readonly #root: string
  #dir: string | undefined
  readonly #started = new Set<string>()

  constructor(root: string) {
    this.#root = root
  }

  async add(record: RunRecord, part: PartReport): Promise<void> {
    const from = record.job?.resultDir
    if (from === undefined) return
    try {
      for (const filter of RESULT_FILTERS) {
        const zip = join(from, `${filter}.zip`)
        if (await exists(zip)) await this.#merge(zip, filter, part)
      }
    } catch (error) {
      core.warning(
        `The result files of part ${part.index} could not be kept: ${messageOf(error)}. ` +
          'result-dir holds those of the parts before it.'
      )
    } finally {
      await rm(from, { recursive: true, force: true })
      // Not the part's own folder, which is gone: the merged one, once it holds a file.
      if (this.#dir !== undefined && (this.#started.size > 0 || this.#kept)) {
        record.resultDir = this.#dir
        core.setOutput('result-dir', this.#dir)
      }
    }
  }

  #kept = false

  async #merge(zip: string, filter: string, part: PartReport): Promise<void> {
    const dir = (this.#dir ??= await mkdtemp(join(this.#root, 'zoho-bulk-results-')))
    const into = join(dir, `${filter}.csv`)
    const first = !this.#started.has(filter)
    const before = first ? 0 : (await stat(into)).size
    try {
      await appendResultCsv(zip, into, first)
      this.#started.add(filter)
    } catch (error) {
      // What was appended of this part is taken back; its file is kept whole instead.
      if (first) await rm(into, { force: true })
      else await truncate(into, before)
      const kept = `part-${part.index}-${filter}.zip`
      await copyFile(zip, join(dir, kept))
      this.#kept = true
      core.warning(
        `The ${filter} rows of part ${part.index} could not be merged into ${filter}.csv ` +
          `(${messageOf(error)}): result-dir keeps the file as Zoho sent it, as ${kept}.`
      )
    }
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false
  )
}
