// Reads a job's state from Zoho's status reply. Zoho's pages disagree on the field (api_status,
// state, status), where it sits (top level, data, details) and how it is spelt (In-progress,
// IN PROGRESS, COMPLETED): accept them all, compare without case or punctuation, and report a
// value we do not know as unknown rather than guess (zoho-bulk-api.md, "Job status response").
// Record counts come from `record_details`, at the top or under data/details, or from the same
// fields directly under data/details.
import { callApi, type Connection } from './api.ts'
import type { CallContext } from './call.ts'
import type { JobRef } from './endpoints.ts'
import { isRecord, replyError, wholeNumber, type ZohoReply } from './reply.ts'
import { jobStatusRequest } from './requests.ts'

export const JOB_STATES = [
  'Ready-to-upload',
  'In-progress',
  'Completed',
  'Failed',
  'Aborted',
  'User Aborted',
  'System Aborted',
  'Expired'
] as const

export type JobState = (typeof JOB_STATES)[number]

/** The states a job does not leave: all but waiting for its file and running. */
export const FINAL_STATES: ReadonlySet<JobState> = new Set(
  JOB_STATES.filter(state => state !== 'Ready-to-upload' && state !== 'In-progress')
)

export const ABORTED_STATES: ReadonlySet<JobState> = new Set([
  'Aborted',
  'User Aborted',
  'System Aborted'
])

export interface RecordCounts {
  readonly total?: number
  readonly success?: number
  readonly failed?: number
  readonly unprocessed?: number
}

export interface JobStatus {
  /** The state, normalised; undefined when Zoho gave none or one we do not know. */
  readonly state?: JobState
  /** The state as Zoho wrote it, when it wrote one. */
  readonly raw?: string
  readonly records: RecordCounts
}

const COUNT_FIELDS = {
  total: 'total_records',
  success: 'success_records',
  failed: 'failed_records',
  unprocessed: 'unprocessed_records'
} as const

const comparable = (text: string): string => text.toLowerCase().replace(/[^a-z]/g, '')
const BY_KEY = new Map<string, JobState>(JOB_STATES.map(state => [comparable(state), state]))

/** A status reply and what it says. */
export interface StatusRead {
  readonly reply: ZohoReply
  readonly status: JobStatus
}

/** GETs the job's status (retried like every call) and reads it. */
export async function fetchJobStatus(
  connection: Connection,
  job: JobRef,
  context: CallContext
): Promise<StatusRead> {
  const reply = await callApi(
    connection,
    jobStatusRequest(connection, job),
    answer => replyError(answer, "read the job's status", 'status'),
    context
  )
  return { reply, status: readJobStatus(reply) }
}

/** The state for an output or a table: normalised when known, else as Zoho wrote it. */
export function stateName(status: JobStatus): string {
  return status.state ?? status.raw ?? 'unknown'
}

export function readJobStatus(reply: ZohoReply): JobStatus {
  const top = reply.data ?? {}
  const nested = [top['data'], top['details']].filter(isRecord)
  return { ...readState(top, nested), records: readCounts(top, nested) }
}

function readState(
  top: Record<string, unknown>,
  nested: Record<string, unknown>[]
): Omit<JobStatus, 'records'> {
  // A top-level `status` is as likely to be a message ("Job created successfully"), so it comes last.
  const candidates = [
    ...[top, ...nested].flatMap(place => [place['api_status'], place['state']]),
    ...nested.map(place => place['status']),
    top['status']
  ].filter((value): value is string => typeof value === 'string' && value.trim() !== '')
  for (const raw of candidates) {
    const state = BY_KEY.get(comparable(raw))
    if (state !== undefined) return { state, raw }
  }
  return candidates[0] === undefined ? {} : { raw: candidates[0] }
}

function readCounts(top: Record<string, unknown>, nested: Record<string, unknown>[]): RecordCounts {
  const places = [top, ...nested].map(place => place['record_details']).filter(isRecord)
  const sources = [...places, ...nested]
  const counts: Partial<Record<keyof RecordCounts, number>> = {}
  for (const [name, field] of Object.entries(COUNT_FIELDS) as [keyof RecordCounts, string][]) {
    const value = sources
      .map(source => wholeNumber(source[field]))
      .find(count => count !== undefined)
    if (value !== undefined) counts[name] = value
  }
  return counts
}
