// The job a run holds (src/held-job.ts): what it would abort the job for, what it saves for the
// post step, and what the post step reads back.
import { describe, expect, it } from '@jest/globals'
import { ActionError, CancelledError } from '../src/errors.ts'
import type { Connection } from '../src/zoho/api.ts'
import type { CallContext } from '../src/zoho/call.ts'
import { systemClock } from '../src/clock.ts'
import {
  abortJob,
  CANCELLED_WHILE_RUNNING,
  CREATED_NOT_STARTED,
  HeldJob,
  START_FAILED,
  type StepState,
  withNote
} from '../src/held-job.ts'

const JOB = {
  owner: 'jason18',
  app: 'zylker-store',
  form: 'Employee_Details',
  jobId: '3888833000000114027'
}
const failure = new ActionError('Zoho did not take the file.')
const cancel = new CancelledError('The step was cancelled (SIGINT).')

function memoryState(): StepState & { saved: Map<string, string> } {
  const saved = new Map<string, string>()
  return {
    saved,
    save: (name, value) => saved.set(name, value),
    read: name => saved.get(name) ?? ''
  }
}

describe('HeldJob', () => {
  it('holds nothing to abort before it takes a job, nor a job it was given without a claim', () => {
    const state = memoryState()
    const held = new HeldJob(state)
    expect(held.abortReason(failure)).toBeUndefined()
    held.take(JOB)
    expect(held.job).toEqual(JOB)
    expect(held.abortReason(failure)).toBeUndefined()
    expect(held.abortReason(cancel)).toBeUndefined()
    expect(HeldJob.pending(state)).toBeUndefined()
  })

  it('aborts a job it created on a failure or a cancel, and saves it for the post step', () => {
    const state = memoryState()
    const held = new HeldJob(state)
    held.take(JOB, { onFailure: CREATED_NOT_STARTED, onCancel: CREATED_NOT_STARTED })
    expect(held.abortReason(failure)).toBe(CREATED_NOT_STARTED)
    expect(held.abortReason(cancel)).toBe(CREATED_NOT_STARTED)
    expect(HeldJob.pending(state)).toEqual(JOB)
  })

  it('aborts a watched job on a cancel only, and a job that has ended never', () => {
    const state = memoryState()
    const held = new HeldJob(state)
    held.take(JOB, { onFailure: START_FAILED, onCancel: CANCELLED_WHILE_RUNNING })
    held.running()
    held.claim({ onCancel: CANCELLED_WHILE_RUNNING })
    expect(held.abortReason(failure)).toBeUndefined()
    expect(held.abortReason(cancel)).toBe(CANCELLED_WHILE_RUNNING)
    expect(held.goesOn).toBe(true)
    held.ended()
    expect(held.abortReason(cancel)).toBeUndefined()
    expect(held.goesOn).toBe(false)
    expect(HeldJob.pending(state)).toBeUndefined()
  })

  it('saves nothing for the post step when a cancel would not abort the job', () => {
    const state = memoryState()
    const held = new HeldJob(state)
    held.take(JOB, { onFailure: START_FAILED })
    expect(state.saved.get('pending-job')).toBe('')
    held.claim({ onCancel: CANCELLED_WHILE_RUNNING })
    held.release()
    expect(held.abortReason(cancel)).toBeUndefined()
    expect(state.saved.get('pending-job')).toBe('')
  })

  it('knows whether the job may run: idle, starting, running, ended', () => {
    const held = new HeldJob(memoryState())
    held.take(JOB, { onFailure: START_FAILED })
    expect([held.mayRun, held.goesOn]).toEqual([false, false])
    held.starting()
    expect([held.mayRun, held.goesOn]).toEqual([true, false])
    held.running()
    expect([held.mayRun, held.goesOn]).toEqual([true, true])
    // A second start of a running job does not make it "starting" again.
    held.starting()
    expect([held.mayRun, held.goesOn]).toEqual([true, true])
    held.ended()
    held.running()
    held.starting()
    expect([held.mayRun, held.goesOn]).toEqual([false, false])
    expect(held.abortReason(failure)).toBeUndefined()
  })

  it('starts afresh with each job it takes, as a load in parts does', () => {
    const state = memoryState()
    const held = new HeldJob(state)
    held.take(JOB, { onCancel: CANCELLED_WHILE_RUNNING })
    held.running()
    held.ended()
    const next = { ...JOB, jobId: '3888833000000114099' }
    held.take(next, { onFailure: CREATED_NOT_STARTED, onCancel: CREATED_NOT_STARTED })
    expect(held.job).toEqual(next)
    expect([held.mayRun, held.goesOn]).toEqual([false, false])
    expect(held.abortReason(failure)).toBe(CREATED_NOT_STARTED)
    expect(HeldJob.pending(state)).toEqual(next)
  })

  it('saves nothing for the post step before it has a job, and aborts nothing', () => {
    const state = memoryState()
    const held = new HeldJob(state)
    held.claim({ onCancel: CANCELLED_WHILE_RUNNING, onFailure: START_FAILED })
    expect(state.saved.get('pending-job')).toBe('')
    expect(held.abortReason(cancel)).toBeUndefined()
    expect(held.abortReason(failure)).toBeUndefined()
  })

  it('aborts nothing once the job has ended, whatever is claimed after', () => {
    const held = new HeldJob(memoryState())
    held.take(JOB, { onCancel: CANCELLED_WHILE_RUNNING })
    held.ended()
    held.claim({ onCancel: CANCELLED_WHILE_RUNNING, onFailure: START_FAILED })
    expect(held.abortReason(cancel)).toBeUndefined()
    expect(held.abortReason(failure)).toBeUndefined()
  })

  it.each([
    ['no owner', JSON.stringify({ ...JOB, owner: 7 })],
    ['no app', JSON.stringify({ ...JOB, app: null })],
    ['a job ID that is a number', JSON.stringify({ ...JOB, jobId: 3888833000000114 })],
    ['nothing', ''],
    ['not JSON', 'x'],
    ['a job ID that is not one', JSON.stringify({ ...JOB, jobId: '0' })],
    ['no form', JSON.stringify({ ...JOB, form: 1 })],
    ['an array', '[]']
  ])('reads no pending job from %s', (_what, saved) => {
    const state = memoryState()
    state.save('pending-job', saved)
    expect(HeldJob.pending(state)).toBeUndefined()
  })
})

describe('abortJob', () => {
  /** A connection whose every call fails before it is sent, keeping the context it was given. */
  function failingConnection(seen: CallContext[]): Connection {
    return {
      apiBaseUrl: 'https://www.zohoapis.com',
      environment: 'production',
      tokens: {
        current: context => {
          seen.push(context)
          return Promise.reject(new ActionError('Zoho Accounts refused the refresh token s3cret.'))
        },
        renew: () => Promise.resolve(false)
      }
    }
  }

  const stepCancelled = new AbortController()
  stepCancelled.abort()
  const context: CallContext = {
    policy: { retries: 0, baseDelayMs: 1, maxDelayMs: 1, timeScale: 1 },
    clock: systemClock,
    log: () => undefined,
    signal: stepCancelled.signal,
    timeoutMs: 1000,
    calls: { made: 0 },
    redact: text => text.replaceAll('s3cret', '***')
  }

  it("says the job could not be aborted, why it was to be, and Zoho's text redacted", async () => {
    const seen: CallContext[] = []
    const note = await abortJob(JOB, START_FAILED, failingConnection(seen), context)
    expect(note).toEqual({
      aborted: false,
      note:
        `The job could not be aborted (${START_FAILED}): Zoho Accounts refused the refresh token ` +
        '***. Abort it in Creator: until it ends, the form takes no other job.'
    })
    // Not under the step's signal, which the cancel has aborted; no deadline unless one is given.
    expect(seen[0]?.signal?.aborted).toBe(false)
    expect(seen[0]).not.toHaveProperty('deadline')
  })

  it('aborts within the deadline it is given', async () => {
    const seen: CallContext[] = []
    await abortJob(JOB, CANCELLED_WHILE_RUNNING, failingConnection(seen), context, 12_345)
    expect(seen[0]?.deadline).toBe(12_345)
  })
})

describe('withNote', () => {
  it('adds the note to the error, of the same kind', () => {
    const noted = withNote(cancel, 'The job was aborted.')
    expect(noted).toBeInstanceOf(CancelledError)
    expect(noted.message).toBe('The step was cancelled (SIGINT). The job was aborted.')
    expect(withNote(failure, 'x')).not.toBeInstanceOf(CancelledError)
    expect(withNote(failure, 'x').message).toBe('Zoho did not take the file. x')
  })
})
