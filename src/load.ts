// A load: the file in one job when it fits, else in parts, one job after another (a form takes
// one active job at a time). The parts are written under RUNNER_TEMP in one pass before any job
// exists; each is uploaded, removed, and its job started and followed to its end before the next;
// a part that fails stops the load, and the error says which skip-records resumes it. The parts'
// result files are merged into one CSV per filter, their counts summed.
import * as core from '@actions/core'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { cancelReason } from './clock.ts'
import { counted } from './text.ts'
import { ActionError, CancelledError, LocalFileError, messageOf } from './errors.ts'
import { csvChunks, csvText, type JobFile, MAX_FILE_BYTES } from './job-file.ts'
import { type PartReport, reportStatus, type RunRecord } from './report.ts'
import { appendResultCsv } from './results.ts'
import { create, follow, type JobRun, start, type Step, upload } from './run-steps.ts'
import { FAILED_ROWS_FILE } from './steps/follow.ts'
import { countRecords, type Part, splitCsv } from './split.ts'
import type { JobStatus, RecordCounts } from './zoho/job-status.ts'
import { RESULT_FILTERS } from './zoho/requests.ts'

const ONE_JOB: readonly Step[] = [create, upload, start, follow]

export const load: Step = async run => {
  if (!(await needsParts(run))) {
    for (const step of ONE_JOB) await step(run)
    return
  }
  await loadInParts(run)
}

/** Whether the file must be split: too large for one job, too many records, or records to skip. */
async function needsParts({ file, settings }: JobRun): Promise<boolean> {
  if (file === undefined) throw new Error('No file to load: inputs should have required one.')
  const { maxRecords, skipRecords } = settings.parts
  if (file.size > MAX_FILE_BYTES || skipRecords > 0) return true
  if (maxRecords === undefined) return false
  return (await unlessMalformed(file, countRecords(csvText(file), MAX_FILE_BYTES))) > maxRecords
}

/** What `reading` the file's records gives, or the error that says the file cannot be loaded. */
async function unlessMalformed<T>(file: JobFile, reading: Promise<T>): Promise<T> {
  try {
    return await reading
  } catch (error) {
    if (!(error instanceof LocalFileError)) throw error
    throw new ActionError(`${file.name} cannot be loaded: ${error.message} No job was created.`)
  }
}

/**
 * Splits the file into parts under RUNNER_TEMP in one pass, all of them before any job exists (so
 * that a file no part can hold, such as one with a quote that never closes, fails the step with
 * nothing created), then loads them in turn, each removed once uploaded.
 */
async function loadInParts(run: JobRun): Promise<void> {
  const { settings, record, context } = run
  const file = run.file as JobFile
  const wait = settings.wait
  if (wait === undefined) throw new Error('A load waits: inputs should have said how.')
  const dir = await mkdtemp(join(wait.resultRoot, 'zoho-bulk-parts-'))
  try {
    const parts = await splitFile(file, dir, settings.parts, context.signal)
    context.log(
      `${file.name}: ${counted(
        parts.reduce((sum, part) => sum + part.records, 0),
        'record'
      )} to load, in ${counted(parts.length, 'part')}.`
    )
    const results = new MergedResults(wait.resultRoot)
    const reports: PartReport[] = (record.parts = [])
    let loaded = settings.parts.skipRecords
    for (const part of parts) {
      context.log(
        `Part ${part.index}: rows ${part.firstRow} to ${part.lastRow} of ${file.name} ` +
          `(${counted(part.records, 'record')}, ${part.bytes} bytes).`
      )
      const report: PartReport = { ...part }
      reports.push(report)
      try {
        await loadPart(run, part, report)
      } catch (error) {
        settle(report, record)
        throw resumable(error, file, report, loaded + (completed(report) ? part.records : 0))
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

async function splitFile(
  file: JobFile,
  dir: string,
  limits: JobRun['settings']['parts'],
  signal: AbortSignal | undefined
): Promise<Part[]> {
  const stem = file.name.replace(/\.(csv|zip)$/i, '')
  const parts: Part[] = []
  await unlessMalformed(
    file,
    (async () => {
      for await (const part of splitCsv(into => csvChunks(file, into), stem, dir, {
        ...limits,
        maxBytes: MAX_FILE_BYTES
      })) {
        // A cancel while a large file is split ends the step at the next part, not at the end.
        if (signal?.aborted === true) throw cancelReason(signal)
        parts.push(part)
      }
    })()
  )
  // Only skip-records can leave no part: a file split for its size or its records has records.
  if (parts.length === 0) {
    throw new ActionError(
      `${file.name} has no records to load after the ${limits.skipRecords} skipped.`
    )
  }
  return parts
}

/** The error that ended a part, with where the load stopped and how to resume it. */
function resumable(error: unknown, file: JobFile, part: PartReport, skip: number): unknown {
  if (!(error instanceof ActionError)) return error
  // The failed rows of all parts are merged into one CSV.
  const text = error.message.replace(FAILED_ROWS_FILE, 'failure.csv in result-dir')
  const message =
    `${text} The load stopped at part ${part.index} of ${file.name} (rows ` +
    `${part.firstRow} to ${part.lastRow}). To load the rest of the file, run again with ` +
    `skip-records: ${skip}.`
  return error instanceof CancelledError ? new CancelledError(message) : new ActionError(message)
}

/** One part's job: create, upload (the part's file removed once sent), start, follow. */
async function loadPart(run: JobRun, part: Part, report: PartReport): Promise<void> {
  // The followed job the summary and the counts read is this part's from now on.
  delete run.record.job
  const partRun: JobRun = {
    ...run,
    file: {
      path: part.path,
      name: basename(part.path),
      size: part.bytes,
      kind: 'csv',
      columns: (run.file as JobFile).columns
    }
  }
  await create(partRun)
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

/** Keeps the state the part's job ended in, once followed. */
function settle(part: PartReport, record: RunRecord): void {
  const status = record.job?.wait.status
  if (status !== undefined) part.status = status
}

/** The counts of all parts so far, as outputs and for the summary. */
function sumUp(run: JobRun, parts: PartReport[]): void {
  const { record } = run
  const last = parts.at(-1)
  if (last !== undefined) settle(last, record)
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
 * header row, then each part's rows in order. Each part's own folder is removed once merged.
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
      this.#dir ??= await mkdtemp(join(this.#root, 'zoho-bulk-results-'))
      for (const filter of RESULT_FILTERS) {
        const zip = join(from, `${filter}.zip`)
        if (!(await exists(zip))) continue
        const first = !this.#started.has(filter)
        await appendResultCsv(zip, join(this.#dir, `${filter}.csv`), first)
        this.#started.add(filter)
      }
    } catch (error) {
      core.warning(
        `The result files of part ${part.index} could not be merged: ${messageOf(error)}. ` +
          'result-dir holds the rows of the parts before it.'
      )
    } finally {
      await rm(from, { recursive: true, force: true })
      // Not the part's own folder, which is gone: the merged one, or none.
      core.setOutput('result-dir', this.#dir ?? '')
    }
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false
  )
}
