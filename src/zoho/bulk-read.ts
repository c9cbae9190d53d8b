// A Bulk Read job (zoho-bulk-api.md, "Bulk Read"): created on a report, followed as an insert job
// is, its ZIP downloaded. Its ID is `details.id` (the insert's is job_id), kept to the digit; its
// state is read as the insert's, tolerant of case and punctuation; once completed, it says how many
// records its batch holds and gives the cursor to the next batch while records remain.
import { callApi, type Connection, downloadApi } from './api.ts'
import type { CallContext } from './call.ts'
import type { ReadJobRef, ReportRef } from './endpoints.ts'
import { type JobStatus, readJobStatus } from './job-status.ts'
import { exactIdOf, isRecord, replyError, wholeNumber, ZohoError, type ZohoReply } from './reply.ts'
import {
  createReadRequest,
  type ReadQuery,
  readResultRequest,
  readStatusRequest
} from './requests.ts'

/** What a read job's status says. */
export interface ReadStatus {
  readonly reply: ZohoReply
  readonly status: JobStatus
  /** Once completed: the records of its batch, when Zoho says. */
  readonly count?: number
  /** Once completed: the cursor to the next batch; none after the last. */
  readonly cursor?: string
}

/** POSTs a read job on the report: its ID. Retried as every call (a read changes nothing). */
export async function createReadJob(
  connection: Connection,
  report: ReportRef,
  query: ReadQuery,
  context: CallContext
): Promise<ReadJobRef> {
  const request = createReadRequest(connection, report, query)
  const what = 'cursor' in query ? 'read the next batch of' : 'read'
  context.log(`${request.method} ${request.url} (${what} report ${report.report})`)
  const reply = await callApi(
    connection,
    request,
    answer =>
      replyError(answer, `create a read job on report ${report.report}`, 'read') ??
      (exactIdOf(answer, 'id') === undefined
        ? new ZohoError(
            `Zoho answered the read job's create with success but no job ID this action can read: ${answer.quoted.body}.`,
            answer
          )
        : undefined),
    context
  )
  // Stryker disable next-line StringLiteral: unreachable, the judge refused a reply without one
  return { ...report, jobId: exactIdOf(reply, 'id') ?? '' }
}

/** GETs the read job's status (retried like every call) and reads it. */
export async function fetchReadStatus(
  connection: Connection,
  job: ReadJobRef,
  context: CallContext
): Promise<ReadStatus> {
  const reply = await callApi(
    connection,
    readStatusRequest(connection, job),
    answer => replyError(answer, "read the read job's status", 'read-status'),
    context
  )
  return { reply, ...readReadStatus(reply) }
}

/** What a read job's status reply says: its state, and once completed its count and cursor. */
export function readReadStatus(reply: ZohoReply): Omit<ReadStatus, 'reply'> {
  const result = [reply.data?.['details'], reply.data?.['data'], reply.data]
    .filter(isRecord)
    .map(holder => holder['result'])
    .find(isRecord)
  const count = wholeNumber(result?.['count'])
  const cursor = result?.['record_cursor']
  return {
    status: readJobStatus(reply),
    ...(count === undefined ? {} : { count }),
    ...(typeof cursor === 'string' && cursor.trim() !== '' ? { cursor: cursor.trim() } : {})
  }
}

/** Saves the read job's ZIP to `path`. */
export async function downloadReadResult(
  connection: Connection,
  job: ReadJobRef,
  path: string,
  context: CallContext
): Promise<void> {
  await downloadApi(
    connection,
    readResultRequest(connection, job),
    path,
    reply =>
      replyError(reply, `hand over what report ${job.report} holds`, 'read-result') ??
      new ZohoError(
        `Zoho sent no ZIP for the read of report ${job.report} (HTTP ${reply.httpStatus}): ${reply.quoted.body}.`,
        reply
      ),
    context
  )
}
