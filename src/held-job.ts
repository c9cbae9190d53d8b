// The job this run holds: the one owner of whether a job is the run's to abort. A job is taken when
// the run creates it or is to watch it, claimed for an abort on a failure or a cancel while the
// claim lasts, let go when it ends or the run is done with it, and saved in the step's state so
// that the post step can abort it when the runner kills the main step first (actions/cache's state
// provider is the model). A load in parts takes each part's job in turn.
import * as core from '@actions/core'
import { ActionError, CancelledError } from './errors.ts'
import { startOrAbort } from './operations/start-abort.ts'
import type { Connection } from './zoho/api.ts'
import type { CallContext } from './zoho/call.ts'
import { JOB_ID_DIGITS, type JobRef } from './zoho/endpoints.ts'
import { isRecord, jsonObject } from './zoho/reply.ts'

/** Why the held job is aborted when the run ends on a failure, or on a cancel; none: it is not. */
export interface Claim {
  readonly onFailure?: string
  readonly onCancel?: string
}

/** Where the post step finds the job to abort (core.saveState and core.getState). */
export interface StepState {
  save(name: string, value: string): void
  read(name: string): string
}

const PENDING_JOB = 'pending-job'

export const RUNNER_STATE: StepState = {
  save: (name, value) => {
    core.saveState(name, value)
  },
  read: name => core.getState(name)
}

export const CREATED_NOT_STARTED = 'the job this step created was not started'
export const START_FAILED = 'its start failed'
export const CANCELLED_WHILE_RUNNING = 'the step was cancelled while the job it started ran'

type Life = 'idle' | 'starting' | 'running' | 'ended'

export class HeldJob {
  readonly #state: StepState
  #job: JobRef | undefined
  #claim: Claim = {}
  #life: Life = 'idle'

  constructor(state: StepState = RUNNER_STATE) {
    this.#state = state
  }

  /** The job the run works on now, or undefined before it has one. */
  get job(): JobRef | undefined {
    return this.#job
  }

  /** The run works on `job` from now on (its own, or one job-id names), with `claim`. */
  take(job: JobRef, claim: Claim = {}): void {
    this.#job = job
    this.#life = 'idle'
    this.claim(claim)
  }

  /** What the run would abort the job for, from now on. */
  claim(claim: Claim): void {
    this.#claim = claim
    // The post step runs only after a cancel: it needs the job only while a cancel would abort it.
    const pending = this.#job !== undefined && claim.onCancel !== undefined
    this.#state.save(PENDING_JOB, pending ? JSON.stringify(this.#job) : '')
  }

  /** A start of the job is under way: it may run, though Zoho has not said so. */
  starting(): void {
    if (this.#life === 'idle') this.#life = 'starting'
  }

  /** Zoho has the job running (it said so, or a status read showed it). */
  running(): void {
    if (this.#life !== 'ended') this.#life = 'running'
  }

  /** The job reached a final state: there is nothing left to abort. */
  ended(): void {
    this.#life = 'ended'
    this.release()
  }

  /** The run is done with the job: whatever becomes of it, it is not the run's to abort. */
  release(): void {
    this.claim({})
  }

  /** Why the job must be aborted after `error` ended the run, or undefined when it must not. */
  abortReason(error: unknown): string | undefined {
    if (this.#job === undefined || this.#life === 'ended') return undefined
    return error instanceof CancelledError ? this.#claim.onCancel : this.#claim.onFailure
  }

  /** Whether the job was running, as far as the run knows, when it let it go. */
  get goesOn(): boolean {
    return this.#life === 'running'
  }

  /** Whether the job may be running: it is, or a start of it may have reached Zoho. */
  get mayRun(): boolean {
    return this.#life === 'running' || this.#life === 'starting'
  }

  /** The job a main step left for the post step to abort, or undefined. */
  static pending(state: StepState = RUNNER_STATE): JobRef | undefined {
    const saved = jsonObject(state.read(PENDING_JOB))
    if (!isRecord(saved)) return undefined
    const { owner, app, form, jobId } = saved
    if (typeof owner !== 'string' || typeof app !== 'string' || typeof form !== 'string')
      return undefined
    if (typeof jobId !== 'string' || !JOB_ID_DIGITS.test(jobId)) return undefined
    return { owner, app, form, jobId }
  }
}

/** What came of an abort after a failure or a cancel, for the error the step ends with. */
export interface AbortNote {
  readonly aborted: boolean
  readonly note: string
}

/**
 * Aborts `job` for the reason `why` names, within `deadline` when the step is being cancelled.
 * Not under the step's own signal, which a cancel has aborted: this call is what the cancel needs.
 */
export async function abortJob(
  job: JobRef,
  why: string,
  connection: Connection,
  context: CallContext,
  deadline?: number
): Promise<AbortNote> {
  const quick: CallContext = {
    ...context,
    signal: new AbortController().signal,
    ...(deadline === undefined ? {} : { deadline })
  }
  const outcome = await startOrAbort(job, 'abort', connection, quick)
  if (outcome.error === undefined) {
    return {
      aborted: true,
      note: `The job was aborted, as ${why}, so that the form is free for the next job.`
    }
  }
  const message = context.redact(outcome.error.message)
  return {
    aborted: false,
    note:
      `The job could not be aborted (${why}): ${message} Abort it in Creator: until it ends, ` +
      'the form takes no other job.'
  }
}

/** The abort's note added to the error that ended the run, of the same kind. */
export function withNote(error: ActionError, note: string): ActionError {
  const message = `${error.message} ${note}`
  return error instanceof CancelledError ? new CancelledError(message) : new ActionError(message)
}
