// Waits for a job to reach a final state, polling frugally: Zoho allows 250–1000 API calls per
// user per day, so the delay starts at `poll-interval` and grows ×1.5 up to 60 s (a one-hour job
// costs about 65 status calls with the defaults), and a finished job is noticed within one delay.
import type { Clock } from './retry.ts'
import { FINAL_STATES, type JobStatus, type RecordCounts } from './zoho/job-status.ts'

export const POLL_GROWTH = 1.5
export const MAX_POLL_DELAY_MS = 60_000

export interface WaitSettings {
  /** How long to wait at most, in all. */
  readonly timeoutMs: number
  /** The delay before the first poll; later delays grow from it. */
  readonly firstDelayMs: number
}

export interface WaitResult {
  /** The last status read. */
  readonly status: JobStatus
  /** Whether that status is a final state; false when the wait timed out first. */
  readonly finished: boolean
  readonly polls: number
}

/** The delay before poll number `poll` (1 for the first). */
export function pollDelay(poll: number, firstDelayMs: number): number {
  return Math.min(firstDelayMs * POLL_GROWTH ** (poll - 1), MAX_POLL_DELAY_MS)
}

export async function waitForJob(
  readStatus: () => Promise<JobStatus>,
  wait: WaitSettings,
  clock: Clock,
  log: (line: string) => void
): Promise<WaitResult> {
  const deadline = clock.now() + wait.timeoutMs
  const unknown = new Set<string>()
  for (let poll = 1; ; poll++) {
    await clock.sleep(
      Math.min(pollDelay(poll, wait.firstDelayMs), Math.max(0, deadline - clock.now()))
    )
    const status = await readStatus()
    if (status.state !== undefined && FINAL_STATES.has(status.state)) {
      log(`Poll ${poll}: the job is ${describeStatus(status)}.`)
      return { status, finished: true, polls: poll }
    }
    const left = deadline - clock.now()
    if (left <= 0) return { status, finished: false, polls: poll }
    if (status.state === undefined && !unknown.has(status.raw ?? '')) {
      unknown.add(status.raw ?? '')
      log(
        `Zoho reported a job state this action does not know (${JSON.stringify(status.raw ?? null)}); ` +
          'taking it as still running.'
      )
    }
    const next = Math.min(pollDelay(poll + 1, wait.firstDelayMs), left)
    log(
      `Poll ${poll}: the job is ${describeStatus(status)}; next poll in ${(next / 1000).toFixed(1)} s.`
    )
  }
}

/** "In-progress, 1200 of 5000 records (1180 succeeded, 20 failed)", with what Zoho reported. */
export function describeStatus(status: JobStatus): string {
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
  const of = total === undefined ? '' : `${total} records`
  if (parts.length === 0) return of
  return of === '' ? parts.join(', ') : `${of} (${parts.join(', ')})`
}
