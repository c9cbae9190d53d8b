// What the settings take from the runner's environment rather than from inputs.
import { tmpdir } from 'node:os'

export interface RunnerFacts {
  /** Where result folders go: RUNNER_TEMP, or the system's temporary folder outside a runner. */
  readonly resultRoot: string
  /** The backoff's base wait; see BACKOFF_BASE_ENV. */
  readonly backoffBaseMs: number
}

export const DEFAULT_BACKOFF_BASE_MS = 1000

/**
 * A setting for the project's own end-to-end tests, so that their retries wait milliseconds: the
 * base of the backoff in ms. It is not an input, and a run that uses it says so in its log.
 */
export const BACKOFF_BASE_ENV = 'ZOHO_BULK_ACTION_BACKOFF_BASE_MS'

export function runnerFacts(env: NodeJS.ProcessEnv = process.env): RunnerFacts {
  const backoff = Number(env[BACKOFF_BASE_ENV])
  return {
    resultRoot: env['RUNNER_TEMP'] || tmpdir(),
    backoffBaseMs: Number.isFinite(backoff) && backoff > 0 ? backoff : DEFAULT_BACKOFF_BASE_MS
  }
}
