import { describe, expect, it } from '@jest/globals'
import { jobFailure } from '../src/operations/follow.ts'
import type { WaitForJob } from '../src/inputs.ts'
import type { Clock } from '../src/clock.ts'
import { ActionError, CancelledError, TransportError } from '../src/errors.ts'
import {
  describeStatus,
  failedButPassed,
  nextPollDelay,
  type WaitResult,
  type WaitSettings,
  waitForJob
} from '../src/poll.ts'
import type { JobState, JobStatus } from '../src/zoho/job-status.ts'
import { jobRunning, steppingClock } from '../emulator/simulated-job.ts'

const DEFAULTS = { timeoutMs: 3_600_000, firstDelayMs: 5000 }

/** Waits as follow.ts does: failures that are TransportErrors pass, anything else ends the wait. */
function poll(
  readStatus: () => Promise<JobStatus>,
  wait: WaitSettings,
  clock: Clock,
  log: (line: string) => void = () => {}
): Promise<WaitResult> {
  return waitForJob(wait, clock.now() + wait.timeoutMs, {
    readStatus,
    isPassing: error => error instanceof TransportError,
    clock,
    log
  })
}

describe('nextPollDelay', () => {
  it('grows ×1.5 up to 60 s in the first hour, then on up to 5 minutes', () => {
    expect(nextPollDelay(5000, 0)).toBe(7500)
    expect(nextPollDelay(50_000, 3_599_999)).toBe(60_000)
    expect(
      [60_000, 90_000, 135_000, 202_500, 300_000].map(ms => nextPollDelay(ms, 3_600_000))
    ).toEqual([90_000, 135_000, 202_500, 300_000, 300_000])
  })
})

describe('waitForJob', () => {
  it.each([
    [1, 65],
    [5, 120],
    [24, 350]
  ])('costs at most the budget for a %d-hour job: %d status calls', async (hours, calls) => {
    const clock = steppingClock()
    const job = jobRunning(clock, hours * 3_600_000)
    const result = await poll(job.readStatus, { ...DEFAULTS, timeoutMs: 48 * 3_600_000 }, clock)
    expect(result.end).toBe('finished')
    expect(result.polls).toBeLessThanOrEqual(calls)
    // Noticed within one delay: 60 s in the first hour, 5 minutes after.
    expect((job.reads.at(-1) ?? Infinity) - hours * 3_600_000).toBeLessThanOrEqual(
      hours === 1 ? 60_000 : 300_000
    )
  })

  it('costs at most 65 status calls for a one-hour job with the defaults, and notices its end within one delay', async () => {
    const clock = steppingClock()
    const job = jobRunning(clock, 3_600_000 - 1)
    const result = await poll(job.readStatus, { ...DEFAULTS, timeoutMs: 2 * 3_600_000 }, clock)

    expect(result.end).toBe('finished')
    expect(result.polls).toBe(job.reads.length)
    expect(job.reads.length).toBeLessThanOrEqual(65)
    const noticedAt = job.reads.at(-1) ?? Infinity
    expect(noticedAt - (3_600_000 - 1)).toBeLessThanOrEqual(60_000)
  })

  it.each([1000, 30_000, 600_000, 3_599_000])(
    'notices a job that ends at %d ms within one poll delay of its end',
    async endsAt => {
      const clock = steppingClock()
      const job = jobRunning(clock, endsAt)
      await poll(job.readStatus, DEFAULTS, clock)
      const last = job.reads.at(-1) ?? Number.NaN
      const previous = job.reads.at(-2) ?? 0 // the job started at 0
      expect(previous).toBeLessThan(endsAt)
      expect(last).toBeGreaterThanOrEqual(endsAt)
      expect(last - previous).toBeLessThanOrEqual(60_000)
    }
  )

  it('stops at wait-timeout with the last state seen, polling once at the deadline', async () => {
    const clock = steppingClock()
    const job = jobRunning(clock, Number.POSITIVE_INFINITY)
    const result = await poll(job.readStatus, { timeoutMs: 20_000, firstDelayMs: 5000 }, clock)
    expect(result).toEqual({
      status: { state: 'In-progress', records: {} },
      end: 'timed-out',
      polls: 3
    })
    expect(job.reads).toEqual([5000, 12_500, 20_000])
  })

  it('goes on polling through an outage, logging each failed poll, and keeps the last state seen', async () => {
    const clock = steppingClock()
    const outage = new TransportError('Could not reach x: ECONNRESET.', {
      retryable: true,
      sent: true
    })
    const reads: (JobStatus | Error)[] = [
      { state: 'In-progress', records: { total: 10 } },
      outage,
      outage,
      { state: 'Completed', records: { total: 10, success: 10 } }
    ]
    const lines: string[] = []
    const result = await poll(
      () => {
        const next = reads.shift()
        return next instanceof Error
          ? Promise.reject(next)
          : Promise.resolve(next ?? { records: {} })
      },
      DEFAULTS,
      clock,
      line => lines.push(line)
    )
    expect(result).toEqual({
      end: 'finished',
      status: { state: 'Completed', records: { total: 10, success: 10 } },
      polls: 4
    })
    expect(lines.slice(1, 3)).toEqual([
      'Poll 2 failed: Could not reach x: ECONNRESET. Next poll in 11.3 s.',
      'Poll 3 failed: Could not reach x: ECONNRESET. Next poll in 16.9 s.'
    ])
  })

  it('fails at wait-timeout with the last state seen when the outage lasts', async () => {
    const clock = steppingClock()
    let reads = 0
    const result = await poll(
      () =>
        reads++ === 0
          ? Promise.resolve({ state: 'In-progress', records: { total: 7 } })
          : Promise.reject(new TransportError('down', { retryable: true, sent: false })),
      { timeoutMs: 60_000, firstDelayMs: 5000 },
      clock
    )
    expect(result).toEqual({
      end: 'timed-out',
      status: { state: 'In-progress', records: { total: 7 } },
      polls: expect.any(Number) as unknown as number
    })
    expect(clock.now()).toBe(60_000)
  })

  it('ends the wait on a failure that is not passing, and on a cancel', async () => {
    const clock = steppingClock()
    const refusal = new ActionError('Zoho did not read the job status (HTTP 401, code 2945)')
    expect(await poll(() => Promise.reject(refusal), DEFAULTS, clock)).toEqual({
      end: 'failed',
      error: refusal,
      polls: 1
    })
    const cancel = new CancelledError('The step was cancelled (SIGINT).')
    expect(await poll(() => Promise.reject(cancel), DEFAULTS, clock)).toEqual({
      end: 'cancelled',
      error: cancel,
      polls: 1
    })
  })

  it('keeps polling a job waiting for its file (Ready-to-upload): it is not a final state', async () => {
    const clock = steppingClock()
    const states: JobStatus[] = [
      { state: 'Ready-to-upload', records: {} },
      { state: 'In-progress', records: {} },
      { state: 'Completed', records: {} }
    ]
    const result = await poll(
      () => Promise.resolve(states.shift() ?? { records: {} }),
      DEFAULTS,
      clock
    )
    expect(result).toEqual({
      end: 'finished',
      status: { state: 'Completed', records: {} },
      polls: 3
    })
  })

  it('logs one line a poll, and an unknown state once, taking it as still running', async () => {
    const clock = steppingClock()
    const states: JobStatus[] = [
      { raw: 'QUEUED', records: {} },
      { raw: 'QUEUED', records: {} },
      { state: 'In-progress', records: { total: 100, success: 40, failed: 2 } },
      { state: 'Completed', records: { total: 100, success: 98, failed: 2, unprocessed: 0 } }
    ]
    const lines: string[] = []
    const result = await poll(
      () => Promise.resolve(states.shift() ?? { records: {} }),
      DEFAULTS,
      clock,
      line => lines.push(line)
    )
    expect(result.end).toBe('finished')
    expect(lines).toEqual([
      'Zoho reported a job state this action does not know ("QUEUED"); taking it as still running.',
      'Poll 1: the job is "QUEUED"; next poll in 7.5 s.',
      'Poll 2: the job is "QUEUED"; next poll in 11.3 s.',
      'Poll 3: the job is In-progress, 100 records (40 succeeded, 2 failed); next poll in 16.9 s.',
      'Poll 4: the job is Completed, 100 records (98 succeeded, 2 failed, 0 unprocessed).'
    ])
  })
})

describe('describeStatus', () => {
  it('says what Zoho reported and no more', () => {
    expect(describeStatus({ state: 'Completed', records: {} })).toBe('Completed')
    expect(describeStatus({ state: 'Failed', records: { failed: 3 } })).toBe('Failed, 3 failed')
    expect(describeStatus({ records: {} })).toBe('in an unknown state')
  })
})

describe('failedButPassed', () => {
  const completed = (records: JobStatus['records']): JobStatus => ({ state: 'Completed', records })

  it('says how many records failed, of how many, when the step passes all the same', () => {
    const said = ', and the step passes all the same, as fail-on-failed-records is false'
    expect(failedButPassed(completed({ total: 12, failed: 3 }), false)).toBe(
      `3 of 12 records failed${said}`
    )
    expect(failedButPassed(completed({ failed: 1 }), false)).toBe(`1 record failed${said}`)
  })

  it('says nothing when the step fails on them, none failed, or the job did not complete', () => {
    expect(failedButPassed(completed({ total: 12, failed: 3 }), true)).toBeUndefined()
    expect(failedButPassed(completed({ total: 12, failed: 0 }), false)).toBeUndefined()
    expect(failedButPassed(completed({ total: 12 }), false)).toBeUndefined()
    expect(
      failedButPassed({ state: 'System Aborted', records: { failed: 3 } }, false)
    ).toBeUndefined()
    expect(failedButPassed(undefined, false)).toBeUndefined()
  })
})

describe('jobFailure', () => {
  const wait: WaitForJob = {
    ...DEFAULTS,
    downloads: ['failure'],
    failOnFailedRecords: true,
    resultRoot: '/tmp'
  }
  const ended = (state: JobState, failed = 0): WaitResult => ({
    status: { state, records: { total: 10, success: 10 - failed, failed } },
    end: 'finished',
    polls: 1
  })

  it('passes a start that completed without failed records', () => {
    expect(jobFailure(ended('Completed'), 'start', wait)).toBeUndefined()
  })

  it('fails a start that completed with failed records, unless told not to', () => {
    expect(jobFailure(ended('Completed', 2), 'start', wait)).toBe(
      'The job completed, but 2 of 10 records failed: see failure.zip in result-dir and the job summary, ' +
        'or set fail-on-failed-records: false.'
    )
    expect(
      jobFailure(ended('Completed', 2), 'start', { ...wait, failOnFailedRecords: false })
    ).toBeUndefined()
  })

  it.each([
    ['Failed', 'Zoho could not process the file.'],
    ['System Aborted', 'over 5% of its batches of 200 records fail'],
    ['Expired', 'not started within 3 hours'],
    ['User Aborted', 'Someone aborted it.'],
    ['Aborted', 'Someone aborted it.']
  ] as const)('fails a start that ended %s, saying why', (state, why) => {
    const failure = jobFailure(ended(state), 'start', wait)
    expect(failure).toMatch(new RegExp(`^The job ended ${state}, 10 records`))
    expect(failure).toContain(why)
  })

  it.each(['Aborted', 'User Aborted', 'System Aborted', 'Completed'] as const)(
    'passes an abort that ended %s',
    state => {
      expect(jobFailure(ended(state), 'abort', wait)).toBeUndefined()
    }
  )

  it('says no more than the state of an ending it has no reason for', () => {
    const waited: WaitResult = {
      status: { raw: 'ARCHIVED', records: {} },
      end: 'finished',
      polls: 1
    }
    expect(jobFailure(waited, 'start', wait)).toBe('The job ended "ARCHIVED".')
  })

  it('counts the failed records of a job whose total Zoho did not give', () => {
    const waited: WaitResult = {
      status: { state: 'Completed', records: { failed: 2 } },
      end: 'finished',
      polls: 1
    }
    expect(jobFailure(waited, 'start', wait)).toMatch(
      /^The job completed, but 2 of its records failed: /
    )
  })

  it('passes an abort of a job that had completed, whatever its failed records', () => {
    expect(jobFailure(ended('Completed', 3), 'abort', wait)).toBeUndefined()
  })

  it('fails a wait a status read ended, with what ended it', () => {
    const waited: WaitResult = {
      status: { state: 'In-progress', records: {} },
      end: 'failed',
      error: new ActionError('Zoho did not read the job status (HTTP 401, code 2945).'),
      polls: 2
    }
    expect(jobFailure(waited, 'start', wait)).toBe(
      'The wait for the job ended: Zoho did not read the job status (HTTP 401, code 2945). (it was last In-progress).'
    )
    expect(jobFailure({ end: 'failed', polls: 1 }, 'start', wait)).toBe(
      'The wait for the job ended: a status read failed (it was last in a state no poll could read).'
    )
  })

  it('fails a wait that timed out, with the last state, saying the job goes on', () => {
    const waited: WaitResult = {
      status: { state: 'In-progress', records: {} },
      end: 'timed-out',
      polls: 3
    }
    expect(jobFailure(waited, 'start', wait)).toBe(
      'The job did not finish within 3600 s (wait-timeout); it was last In-progress. The job goes on in Zoho.'
    )
  })
})
