// Waits for a job to reach a final state, polling frugally: Zoho allows 250–1000 API calls per
// user per day, and every other integration of the user draws on the same budget. The delay starts
// at `poll-interval` and grows ×1.5 up to 60 s in the first hour (a one-hour job costs about 65
// status calls with the defaults), then on up to 5 minutes (a five-hour job about 115), and a
// finished job is noticed within one delay. A poll that fails for a passing reason (an outage, a
// timeout) does not end the wait; the wait's deadline does, and a cancel.
import type { Clock } from './clock.ts'
import { counted } from './text.ts'
import { type ActionError, CancelledError } from './errors.ts'
import { FINAL_STATES, type JobStatus, type RecordCounts } from './zoho/job-status.ts'

export const POLL_GROWTH = 1.5
/** The longest delay in the wait's first hour, and so the longest `poll-interval`. */
export const MAX_POLL_DELAY_MS = 60_000
/** The longest delay once the wait has lasted an hour. */
export const MAX_LATE_POLL_DELAY_MS = 5 * 60_000
const HOUR_MS = 3_600_000

export interface WaitSettings {
  /** How long to wait at most, in all. */
  readonly timeoutMs: number
  /** The delay before the first poll; later delays grow from it. */
  readonly firstDelayMs: number
}

export type WaitEnd = 'finished' | 'timed-out' | 'failed' | 'cancelled'

export interface WaitResult {
  readonly end: WaitEnd
  /** The last status read, when any poll succeeded. */
  readonly status?: JobStatus
  /** What ended a wait that `failed` or was `cancelled`. */
  readonly error?: ActionError
  readonly polls: number
}

export interface Poller {
  /** Reads the job's status; throws an ActionError when it cannot. */
  readonly readStatus: () => Promise<JobStatus>
  /** Whether a failed read is passing (the next poll may succeed) rather than final. */
  readonly isPassing: (error: ActionError) => boolean
  readonly clock: Clock
  readonly log: (line: string) => void
  readonly signal?: AbortSignal
}

/** The delay after one of `previousMs`, once the wait has lasted `elapsedMs`. */
export function nextPollDelay(previousMs: number, elapsedMs: number): number {
  const ceiling = elapsedMs < HOUR_MS ? MAX_POLL_DELAY_MS : MAX_LATE_POLL_DELAY_MS
  return Math.min(previousMs * POLL_GROWTH, ceiling)
}

/** Polls until a final state, a failure that is not passing, the deadline, or a cancel. */
export async function waitForJob(
  wait: WaitSettings,
  deadline: number,
  { readStatus, isPassing, clock, log, signal }: Poller
): Promise<WaitResult> {
  const unknown = new Set<string>()
  const started = clock.now()
  let delay = Math.min(wait.firstDelayMs, MAX_POLL_DELAY_MS)
  let status: JobStatus | undefined
  const result = (end: WaitEnd, polls: number, error?: ActionError): WaitResult => ({
    end,
    polls,
    ...(status === undefined ? {} : { status }),
    ...(error === undefined ? {} : { error })
  })
  for (let poll = 1; ; poll++, delay = nextPollDelay(delay, clock.now() - started)) {
    try {
      await clock.sleep(Math.min(delay, Math.max(0, deadline - clock.now())), signal)
      status = await readStatus()
    } catch (error) {
      const failure = error as ActionError
      if (failure instanceof CancelledError) return result('cancelled', poll, failure)
      if (!isPassing(failure)) return result('failed', poll, failure)
      const left = deadline - clock.now()
      if (left <= 0) return result('timed-out', poll)
      const next = Math.min(nextPollDelay(delay, clock.now() - started), left)
      log(`Poll ${poll} failed: ${failure.message} Next poll in ${seconds(next)}.`)
      continue
    }
    if (status.state !== undefined && FINAL_STATES.has(status.state)) {
      log(`Poll ${poll}: the job is ${describeStatus(status)}.`)
      return result('finished', poll)
    }
    const left = deadline - clock.now()
    if (left <= 0) return result('timed-out', poll)
    if (status.state === undefined && !unknown.has(status.raw ?? '')) {
      unknown.add(status.raw ?? '')
      log(
        `Zoho reported a job state this action does not know (${JSON.stringify(status.raw ?? null)}); ` +
          'taking it as still running.'
      )
    }
    const next = Math.min(nextPollDelay(delay, clock.now() - started), left)
    log(`Poll ${poll}: the job is ${describeStatus(status)}; next poll in ${seconds(next)}.`)
  }
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

/**
 * "3 of 12 records failed, and the step passes all the same, as fail-on-failed-records is false":
 * what the log and the summary say when a job completed with failed records and the user asked the
 * step to pass all the same; undefined otherwise.
 */
export function failedButPassed(
  status: JobStatus | undefined,
  failOnFailedRecords: boolean
): string | undefined {
  const { state, records } = status ?? { records: {} }
  const failed = records.failed ?? 0
  if (state !== 'Completed' || failed === 0 || failOnFailedRecords) return undefined
  const which =
    records.total === undefined
      ? counted(failed, 'record')
      : `${failed} of ${counted(records.total, 'record')}`
  return `${which} failed, and the step passes all the same, as fail-on-failed-records is false`
}

/** "In-progress, 5000 records (1180 succeeded, 20 failed)", with what Zoho reported. */
export function describeStatus(status: JobStatus | undefined): string {
  if (status === undefined) return 'in a state no poll could read'
  const state =
    status.state ?? (status.raw === undefined ? 'in an unknown state' : `"${status.raw}"`)
  const counts = describeCounts(status.records)
  return counts === '' ? state : `${state}, ${counts}`
}

function describeCounts({ total, success, failed, unprocessed }: RecordCounts): string {
  const parts = [
    success === undefined ? '' : `${success} succeeded`,
    failed === undefined ? '' : `${failed} failed`,
    unprocessed === undefined ? '' : `${unprocessed} unprocessed`
  ].filter(part => part !== '')
  const of = total === undefined ? '' : counted(total, 'record')
  if (parts.length === 0) return of
  return of === '' ? parts.join(', ') : `${of} (${parts.join(', ')})`
}
