// What the settings take from the runner's environment rather than from inputs.
import { tmpdir } from 'node:os'

export interface RunnerFacts {
  /** Where result folders go: RUNNER_TEMP, or the system's temporary folder outside a runner. */
  readonly resultRoot: string
  /** What the waits between retries are multiplied by; see TIME_SCALE_ENV. */
  readonly timeScale: number
  /** Where relative paths start: GITHUB_WORKSPACE, or the working folder outside a runner. */
  readonly workspace: string
  /** Which attempt of the workflow run this is (GITHUB_RUN_ATTEMPT): above 1 on a re-run. */
  readonly runAttempt: number
}

/**
 * A setting for the project's own end-to-end tests, so that their retries wait milliseconds: a
 * number above 0 and at most 1 that the backoff and Zoho's throttle windows are multiplied by
 * (Retry-After is kept as the server says). It is not an input, and a run that uses it says so.
 */
export const TIME_SCALE_ENV = 'ZOHO_BULK_ACTION_TIME_SCALE'

export function runnerFacts(env: NodeJS.ProcessEnv = process.env): RunnerFacts {
  const scale = Number(env[TIME_SCALE_ENV])
  return {
    resultRoot: env['RUNNER_TEMP'] || tmpdir(),
    timeScale: scale > 0 && scale <= 1 ? scale : 1,
    workspace: env['GITHUB_WORKSPACE'] || process.cwd(),
    runAttempt: Number(env['GITHUB_RUN_ATTEMPT']) || 1
  }
}
