// Time as a parameter: everything that reads the clock or sleeps takes a Clock, so that tests of
// waiting and backing off run in milliseconds.
import { setTimeout as delay } from 'node:timers/promises'
import { CancelledError } from './errors.ts'

export interface Clock {
  now(): number
  /** Resolves after `ms`, or rejects with the signal's reason (a CancelledError) once it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /** A number in [0, 1). */
  random(): number
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    try {
      await delay(ms, undefined, { signal })
    } catch (error) {
      throw signal?.aborted === true ? cancelReason(signal) : error
    }
  },
  random: () => Math.random()
}

/** Why `signal` aborted, as the CancelledError the rest of the action expects. */
export function cancelReason(signal: AbortSignal): CancelledError {
  const reason: unknown = signal.reason
  return reason instanceof CancelledError ? reason : new CancelledError('The step was cancelled.')
}
