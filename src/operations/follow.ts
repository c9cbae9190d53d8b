// Follows a started (or aborted) job to its end: waits for a final state, downloads the result
// files that can exist, previews the failed rows, and judges the outcome.
import { mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { ActionError, CancelledError, messageOf, RetriesExhaustedError } from '../errors.ts'
import type { WaitForJob } from '../inputs.ts'
import { describeStatus, failedButPassed, waitForJob, type WaitResult } from '../poll.ts'
import { type CsvPreview, downloadResults, previewCsv, type ResultFile } from '../results.ts'
import type { Connection } from '../zoho/api.ts'
import { counted } from '../text.ts'
import type { CallContext } from '../zoho/call.ts'
import type { JobRef } from '../zoho/endpoints.ts'
import {
  ABORTED_STATES,
  fetchJobStatus,
  type JobState,
  type RecordCounts
} from '../zoho/job-status.ts'
import type { ZohoReply } from '../zoho/reply.ts'
import type { JobAction, ResultFilter } from '../zoho/requests.ts'
import { classify } from '../zoho/retry-table.ts'

export const PREVIEW_ROWS = 20
/** Where a failure message sends the reader for the failed rows of one job. */
export const FAILED_ROWS_FILE = 'failure.zip in result-dir'
// The last status read at wait-timeout may take this long; the step ends within it.
const LAST_READ_GRACE_MS = 3000

export interface FollowedJob {
  readonly wait: WaitResult
  /** Zoho's answer to the last status read that succeeded: the call that decided the outcome. */
  readonly reply?: ZohoReply
  /** The folder holding the saved result files; undefined when none was saved. */
  readonly resultDir?: string
  /** The first rows of failure.zip's CSV. */
  readonly preview?: CsvPreview
  /** What the user should know although it does not change the verdict. */
  readonly warnings: readonly string[]
  /** Why the step fails; undefined when the job ended as it should. */
  readonly failure?: string
}

export async function followJob(
  job: JobRef,
  action: JobAction,
  wait: WaitForJob,
  connection: Connection,
  context: CallContext
): Promise<FollowedJob> {
  const deadline = context.clock.now() + wait.timeoutMs
  const reads = { ...context, deadline: deadline + LAST_READ_GRACE_MS }
  let reply: ZohoReply | undefined
  const waited = await waitForJob(wait, deadline, {
    readStatus: async () => {
      const read = await fetchJobStatus(connection, job, reads)
      reply = read.reply
      return read.status
    },
    isPassing: error => error instanceof RetriesExhaustedError || classify(error).retry,
    clock: context.clock,
    log: context.log,
    ...(context.signal === undefined ? {} : { signal: context.signal })
  })
  const wanted =
    waited.end === 'finished' ? wait.downloads.filter(filter => mayExist(filter, waited)) : []
  const results = {
    ...(await collectResults(wanted, wait.resultRoot, job, connection, context)),
    ...(reply === undefined ? {} : { reply })
  }
  if (results.cancelled !== undefined) {
    const { cancelled } = results
    return {
      ...results,
      wait: { ...waited, end: 'cancelled', error: cancelled },
      failure: `${cancelled.message} The job had ended ${describeStatus(waited.status)}; its result files were not all downloaded.`
    }
  }
  const failure = jobFailure(waited, action, wait)
  const passed = failedButPassed(waited.status, wait.failOnFailedRecords)
  const warnings =
    passed === undefined
      ? results.warnings
      : [
          ...results.warnings,
          `${passed}: see ${FAILED_ROWS_FILE} and the job summary for their rows and Zoho's reasons.`
        ]
  return {
    ...results,
    warnings,
    wait: waited,
    ...(failure === undefined ? {} : { failure })
  }
}

type Results = Pick<FollowedJob, 'resultDir' | 'preview' | 'warnings'> & {
  /** The cancel that stopped the downloads, when one did. */
  readonly cancelled?: CancelledError
}

/** Downloads the files asked for into a new folder under `root`, and previews the failed rows. */
async function collectResults(
  filters: readonly ResultFilter[],
  root: string,
  job: JobRef,
  connection: Connection,
  context: CallContext
): Promise<Results> {
  if (filters.length === 0) return { warnings: [] }
  let resultDir: string
  try {
    resultDir = await mkdtemp(join(root, 'zoho-bulk-results-'))
  } catch (error) {
    const warning = `No result files: a folder for them could not be made under ${root}: ${messageOf(error)}.`
    return { warnings: [warning] }
  }
  let files: ResultFile[]
  try {
    files = await downloadResults(filters, resultDir, job, connection, context)
  } catch (error) {
    await rm(resultDir, { recursive: true, force: true })
    if (!(error instanceof CancelledError)) throw error
    return { warnings: [], cancelled: error }
  }
  const warnings = files.flatMap(file => (file.warning === undefined ? [] : [file.warning]))
  const saved = files.some(file => file.path !== undefined)
  if (!saved) await rm(resultDir, { recursive: true, force: true })
  const failurePath = files.find(file => file.filter === 'failure')?.path
  const preview = failurePath === undefined ? undefined : await readPreview(failurePath, warnings)
  return {
    ...(saved ? { resultDir } : {}),
    ...(preview === undefined ? {} : { preview }),
    warnings
  }
}

const COUNT_OF: Readonly<Record<ResultFilter, keyof RecordCounts>> = {
  success: 'success',
  failure: 'failed',
  unprocessed: 'unprocessed'
}

/** Zoho has no file of records it reported none of: asking for it would only fail. */
function mayExist(filter: ResultFilter, waited: WaitResult): boolean {
  return waited.status?.records[COUNT_OF[filter]] !== 0
}

/** The preview, or a warning when the file cannot be read: the job is reported either way. */
async function readPreview(path: string, warnings: string[]): Promise<CsvPreview | undefined> {
  try {
    return await previewCsv(path, PREVIEW_ROWS)
  } catch (error) {
    if (error instanceof ActionError) warnings.push(error.message)
    else throw error
    return undefined
  }
}

const ENDINGS: Partial<Record<JobState, string>> = {
  Failed: 'Zoho could not process the file.',
  'System Aborted': 'Zoho aborts a job when over 5% of its batches of 200 records fail.',
  Expired: 'A job expires when it is not started within 3 hours of its creation.',
  'User Aborted': 'Someone aborted it.',
  Aborted: 'Someone aborted it.'
}

/** Why the followed job means a failed step, or undefined when it ended as it should. */
export function jobFailure(
  waited: WaitResult,
  action: JobAction,
  wait: WaitForJob
): string | undefined {
  const { status } = waited
  const last = `it was last ${describeStatus(status)}`
  switch (waited.end) {
    case 'timed-out':
      return (
        `The job did not finish within ${wait.timeoutMs / 1000} s (wait-timeout); ${last}. ` +
        'The job goes on in Zoho.'
      )
    case 'cancelled':
      return `The step was cancelled while waiting for the job; ${last}.`
    case 'failed':
      return `The wait for the job ended: ${waited.error?.message ?? 'a status read failed'} (${last}).`
  }
  const state = status?.state
  if (
    action === 'abort' &&
    state !== undefined &&
    (ABORTED_STATES.has(state) || state === 'Completed')
  ) {
    return undefined
  }
  if (state !== 'Completed') {
    const why = state === undefined ? undefined : ENDINGS[state]
    return `The job ended ${describeStatus(status)}.${why === undefined ? '' : ` ${why}`}`
  }
  const failed = status?.records.failed ?? 0
  const total = status?.records.total
  if (failed > 0 && wait.failOnFailedRecords) {
    return (
      `The job completed, but ${failed} of ${total === undefined ? 'its records' : counted(total, 'record')} failed: see ` +
      `${FAILED_ROWS_FILE} and the job summary, or set fail-on-failed-records: false.`
    )
  }
  return undefined
}
