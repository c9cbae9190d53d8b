// Follows a started (or aborted) job to its end: waits for a final state, downloads the result
// files asked for, previews the failed rows, and judges the outcome.
import { mkdtemp } from 'node:fs/promises'
import { join } from 'node:path'
import type { WaitForJob } from './inputs.ts'
import { describeStatus, type WaitResult, waitForJob } from './poll.ts'
import { type CsvPreview, downloadResults, previewCsv, type ResultFile } from './results.ts'
import type { CallContext } from './zoho/client.ts'
import type { JobRef } from './zoho/endpoints.ts'
import { ABORTED_STATES, fetchJobStatus, type JobState } from './zoho/job-status.ts'
import type { Connection, JobAction } from './zoho/requests.ts'

export const PREVIEW_ROWS = 20

export interface FollowedJob {
  readonly wait: WaitResult
  /** The folder holding the downloaded result files, when any were asked for. */
  readonly resultDir?: string
  readonly files: readonly ResultFile[]
  /** The first rows of failure.zip's CSV. */
  readonly preview?: CsvPreview
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
  const readStatus = async () => (await fetchJobStatus(connection, job, context)).status
  const waited = await waitForJob(readStatus, wait, context.clock, context.log)
  const failure = jobFailure(waited, action, wait)
  if (!waited.finished || wait.downloads.length === 0) {
    return { wait: waited, files: [], ...(failure === undefined ? {} : { failure }) }
  }
  const resultDir = await mkdtemp(join(wait.resultRoot, 'zoho-bulk-results-'))
  const files = await downloadResults(wait.downloads, resultDir, job, connection, context)
  const failurePath = files.find(file => file.filter === 'failure')?.path
  const preview =
    failurePath === undefined ? undefined : await previewCsv(failurePath, PREVIEW_ROWS)
  return {
    wait: waited,
    resultDir,
    files,
    ...(preview === undefined ? {} : { preview }),
    ...(failure === undefined ? {} : { failure })
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
  if (!waited.finished) {
    return (
      `The job did not finish within ${wait.timeoutMs / 1000} s (wait-timeout); it was last ` +
      `${describeStatus(status)}. The job goes on in Zoho.`
    )
  }
  const { state } = status
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
  const failed = status.records.failed ?? 0
  if (failed > 0 && wait.failOnFailedRecords) {
    return (
      `The job completed, but ${failed} of ${status.records.total ?? 'its'} records failed: see ` +
      'failure.zip in result-dir and the job summary, or set fail-on-failed-records: false.'
    )
  }
  return undefined
}
