// The one door for inputs: reads every input of action.yml once, masks the secret ones, checks
// them all (naming every problem at once), and returns the settings the rest of the action works
// from. No other module calls core.getInput. The rules for each concern live in inputs/.
import * as core from '@actions/core'
import type { RetryPolicy } from './retry.ts'
import type { Secrets } from './secrets.ts'
import type { Auth } from './zoho/auth.ts'
import type { DataCentre } from './zoho/datacenters.ts'
import type { FormRef } from './zoho/endpoints.ts'
import type { Environment } from './zoho/requests.ts'
import { parseAuth, TOKEN_SCHEME } from './inputs/auth.ts'
import {
  type ActionName,
  MAY_WAIT,
  parseAction,
  parseFile,
  parseJobId,
  unusedForAction,
  WITH_A_FILE
} from './inputs/job.ts'
import { LINK_NAME, OWNER, parseBaseUrl, parseDataCentre } from './inputs/place.ts'
import { oneOf, parseBoolean, parseNumber, Problems, required, seconds } from './inputs/rules.ts'
import { type RunnerFacts, runnerFacts, TIME_SCALE_ENV } from './inputs/runner.ts'
import { parseWait, parseWaitFlag, unusedWaitInputs, type WaitForJob } from './inputs/wait.ts'

export type { ActionName } from './inputs/job.ts'
export type { WaitForJob } from './inputs/wait.ts'

export interface Settings {
  readonly dataCentre: DataCentre
  /** Where API calls go: the data centre's API host, or the `api-url` override. No trailing slash. */
  readonly apiBaseUrl: string
  readonly form: FormRef
  /** The job named by job-id; undefined for the actions that create one. */
  readonly jobId: string | undefined
  readonly action: ActionName
  /** The absolute path of the file to upload, for upload and load. */
  readonly file: string | undefined
  readonly auth: Auth
  readonly environment: Environment
  readonly retry: RetryPolicy
  /** The deadline of each attempt of each call. */
  readonly timeoutMs: number
  /** Whether and how to wait for the job to finish; undefined when `wait` is false. */
  readonly wait: WaitForJob | undefined
  /** Whether a cancel while waiting on a job this step started aborts it. */
  readonly abortOnCancel: boolean
  /** Whether the job ID is masked in the log (and so kept out of job outputs by the runner). */
  readonly maskJobId: boolean
  /** Whether the file's header is checked against the form's fields before the upload. */
  readonly checkHeader: boolean
  /** How a load splits its file into jobs: the most records a job takes, and records to skip. */
  readonly parts: { readonly maxRecords: number | undefined; readonly skipRecords: number }
  /** Which attempt of the workflow run this is: above 1 on a re-run. */
  readonly runAttempt: number
  /** What the user should know about the inputs, though they are valid. */
  readonly warnings: readonly string[]
}

export const INPUT_NAMES = [
  'dc',
  'owner',
  'app',
  'form',
  'job-id',
  'action',
  'file',
  'token',
  'client-id',
  'client-secret',
  'refresh-token',
  'accounts-url',
  'environment',
  'api-url',
  'retries',
  'timeout',
  'wait',
  'wait-timeout',
  'poll-interval',
  'download-results',
  'fail-on-failed-records',
  'abort-on-cancel',
  'mask-job-id',
  'check-header',
  'max-records-per-job',
  'skip-records'
] as const

export type InputName = (typeof INPUT_NAMES)[number]
export type RawInputs = Readonly<Record<InputName, string>>

/**
 * The defaults action.yml states (a test keeps the two in step). The runner passes them when an
 * input is not given; a value equal to its default counts as not given, so that no warning says an
 * input the user never wrote has no effect.
 */
export const DEFAULTS: Readonly<Partial<RawInputs>> = {
  dc: 'us',
  environment: 'production',
  retries: '3',
  timeout: '30',
  wait: 'false',
  'wait-timeout': '3600',
  'poll-interval': '5',
  'download-results': 'failure',
  'fail-on-failed-records': 'true',
  'abort-on-cancel': 'true',
  'mask-job-id': 'true',
  'check-header': 'false',
  'skip-records': '0'
}

const DEFAULT_RETRIES = 3
const DEFAULT_TIMEOUT_SECONDS = 30
const MAX_RETRIES = 10
const MAX_TIMEOUT_SECONDS = 600
const BACKOFF_BASE_MS = 1000
const MAX_BACKOFF_MS = 20_000
const RETRIES = {
  pattern: /^\d+$/,
  min: 0,
  max: MAX_RETRIES,
  allowed: `a whole number of extra attempts from 0 to ${MAX_RETRIES}`
}
const TIMEOUT = seconds(MAX_TIMEOUT_SECONDS)
const ENVIRONMENTS = ['production', 'development', 'stage'] as const
const MAX_COUNT = 1_000_000_000
const RECORDS_PER_JOB = {
  pattern: /^\d+$/,
  min: 1,
  max: MAX_COUNT,
  allowed: 'a whole number of records from 1 (or empty for no limit)'
}
const SKIP_RECORDS = {
  pattern: /^\d+$/,
  min: 0,
  max: MAX_COUNT,
  allowed: 'a whole number of records from 0'
}

/** Reads the inputs as the runner passes them, masking the secret ones before anything is logged. */
export function readSettings(secrets: Secrets): Settings {
  const raw = Object.fromEntries(INPUT_NAMES.map(name => [name, core.getInput(name)])) as RawInputs
  for (const secret of [
    raw.token,
    raw.token.replace(TOKEN_SCHEME, ''),
    raw['client-secret'],
    raw['refresh-token']
  ]) {
    secrets.add(secret)
  }
  const runner = runnerFacts()
  const settings = parseSettings(raw, runner)
  // Only a valid job ID is masked: masking "0" would hide every zero in the log.
  if (settings.maskJobId && settings.jobId !== undefined) secrets.add(settings.jobId)
  if (runner.timeScale !== 1) {
    core.info(
      `Retries wait ${runner.timeScale} times as long, as ${TIME_SCALE_ENV} says (a setting for tests).`
    )
  }
  return settings
}

/** Checks raw input values (already trimmed) into settings; an InputError names every problem. */
export function parseSettings(given: RawInputs, runner: RunnerFacts = runnerFacts({})): Settings {
  const raw = withoutDefaults(given)
  const problems = new Problems()
  const dataCentre = problems.take(() => parseDataCentre(raw.dc))
  const waitOn = problems.take(() => parseWaitFlag(raw))
  // The action decides what job-id must be; its own problem is named in the order of the inputs.
  const action = new Problems().take(() => parseAction(raw.action))
  // A load always waits: it ends with the job's verdict.
  const unused = waitOn === false && action !== 'load' ? unusedWaitInputs(raw) : undefined
  const settled = problems.settle({
    dataCentre,
    owner: problems.take(() => required('owner', OWNER, raw.owner)),
    app: problems.take(() => required('app', LINK_NAME, raw.app)),
    form: problems.take(() => required('form', LINK_NAME, raw.form)),
    jobId: problems.take(() => parseJobId(action, raw['job-id']) ?? ''),
    action: problems.take(() => parseAction(raw.action)),
    file: problems.take(() => parseFile(action, raw.file, runner.workspace) ?? ''),
    auth: problems.take(() => parseAuth(raw, dataCentre)),
    environment: problems.take(() =>
      oneOf('environment', ENVIRONMENTS, raw.environment || 'production', ' (or empty)')
    ),
    apiUrl: problems.take(() => parseBaseUrl('api-url', raw['api-url']) ?? ''),
    retries: problems.take(() => parseNumber('retries', raw.retries, DEFAULT_RETRIES, RETRIES)),
    timeoutS: problems.take(() =>
      parseNumber('timeout', raw.timeout, DEFAULT_TIMEOUT_SECONDS, TIMEOUT)
    ),
    waitOn,
    wait: problems.take(() => parseWait(raw, runner.resultRoot)),
    abortOnCancel: problems.take(() =>
      parseBoolean('abort-on-cancel', raw['abort-on-cancel'], true)
    ),
    maskJobId: problems.take(() => parseBoolean('mask-job-id', raw['mask-job-id'], true)),
    checkHeader: problems.take(() => parseBoolean('check-header', raw['check-header'], false)),
    maxRecords: problems.take(() =>
      parseNumber('max-records-per-job', raw['max-records-per-job'], 0, RECORDS_PER_JOB)
    ),
    skipRecords: problems.take(() =>
      parseNumber('skip-records', raw['skip-records'], 0, SKIP_RECORDS)
    )
  })
  const { owner, app, form } = settled
  return {
    dataCentre: settled.dataCentre,
    apiBaseUrl: settled.apiUrl || `https://${settled.dataCentre.apiHost}`,
    form: { owner, app, form },
    jobId: settled.jobId || undefined,
    action: settled.action,
    file: settled.file || undefined,
    auth: settled.auth,
    environment: settled.environment,
    retry: {
      retries: settled.retries,
      baseDelayMs: BACKOFF_BASE_MS,
      maxDelayMs: MAX_BACKOFF_MS,
      timeScale: runner.timeScale
    },
    timeoutMs: settled.timeoutS * 1000,
    wait:
      (settled.waitOn && MAY_WAIT.has(settled.action)) || settled.action === 'load'
        ? settled.wait
        : undefined,
    abortOnCancel: settled.abortOnCancel,
    maskJobId: settled.maskJobId,
    checkHeader: settled.checkHeader && WITH_A_FILE.has(settled.action),
    parts: {
      maxRecords: settled.maxRecords === 0 ? undefined : settled.maxRecords,
      skipRecords: settled.action === 'load' ? settled.skipRecords : 0
    },
    runAttempt: runner.runAttempt,
    warnings: [...(unused === undefined ? [] : [unused]), ...unusedForAction(settled.action, raw)]
  }
}

/** The inputs with each value equal to its default made empty, as if it was not given. */
function withoutDefaults(raw: RawInputs): RawInputs {
  return Object.fromEntries(
    INPUT_NAMES.map(name => [name, raw[name] === DEFAULTS[name] ? '' : raw[name]])
  ) as RawInputs
}
