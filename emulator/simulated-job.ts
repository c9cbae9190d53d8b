// A job and a clock for the wait loop without waiting: the clock's sleeps pass at once and move its
// time on; the job runs from time 0 for a while, then ends. Used by the poll tests and the benchmark.
import type { Clock } from '../src/clock.ts'
import type { JobState, JobStatus } from '../src/zoho/job-status.ts'

/** A clock at 0 whose sleeps return at once, moving its time on by what was slept. */
export function steppingClock(): Clock {
  let now = 0
  return {
    now: () => now,
    sleep: ms => {
      now += ms
      return Promise.resolve()
    },
    random: () => 0.5
  }
}

/** A job that runs for `runsForMs` from time 0, then ends in `ends`; records when each status read came. */
export function jobRunning(
  clock: Clock,
  runsForMs: number,
  ends: JobState = 'Completed'
): { reads: number[]; readStatus: () => Promise<JobStatus> } {
  const reads: number[] = []
  const readStatus = (): Promise<JobStatus> => {
    reads.push(clock.now())
    return Promise.resolve(
      clock.now() >= runsForMs
        ? { state: ends, records: { total: 10 } }
        : { state: 'In-progress', records: {} }
    )
  }
  return { reads, readStatus }
}
