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
import type { DialectAsked } from './csv/dialect.ts'
import { parseAuth, TOKEN_SCHEME } from './inputs/auth.ts'
import { parseDelimiter, parseEncoding } from './inputs/dialect.ts'
import { parseRetry, parseTimeout } from './inputs/calls.ts'
import {
  type ActionName,
  parseAction,
  parseFile,
  parseJobId,
  unusedForAction
} from './inputs/job.ts'
import { type LoadKey, parseKey, unusedKeyInputs } from './inputs/key.ts'
import { type Lookup, parseLookups, unusedLookups } from './inputs/lookups.ts'
import { type PartLimits, parseMaxRecords, parseSkipRecords } from './inputs/parts.ts'
import {
  LINK_NAME,
  OWNER,
  parseBaseUrl,
  parseDataCentre,
  parseEnvironment
} from './inputs/place.ts'
import { oneOf, parseBoolean, Problems, required } from './inputs/rules.ts'
import { type RunnerFacts, runnerFacts, TIME_SCALE_ENV } from './inputs/runner.ts'
import { parseWait, parseWaitFlag, unusedWaitInputs, type WaitForJob } from './inputs/wait.ts'

export type { ActionName } from './inputs/job.ts'
export type { LoadKey } from './inputs/key.ts'
export type { Lookup, LookupSource } from './inputs/lookups.ts'
export type { PartLimits } from './inputs/parts.ts'
export type { WaitForJob } from './inputs/wait.ts'

/** What every action works with: where the form is, how to reach Zoho, and how to report. */
interface CommonSettings {
  readonly dataCentre: DataCentre
  /** Where API calls go: the data centre's API host, or the `api-url` override. No trailing slash. */
  readonly apiBaseUrl: string
  readonly form: FormRef
  readonly auth: Auth
  readonly environment: Environment
  readonly retry: RetryPolicy
  /** The deadline of each attempt of each call. */
  readonly timeoutMs: number
  /** Whether the job ID is masked in the log (and so kept out of job outputs by the runner). */
  readonly maskJobId: boolean
  /** Which attempt of the workflow run this is: above 1 on a re-run. */
  readonly runAttempt: number
  /** What the user should know about the inputs, though they are valid. */
  readonly warnings: readonly string[]
}

/** The actions that work on a job they did not create, named by job-id. */
interface OnAJob {
  readonly jobId: string
}

/** The actions that send a file. */
interface SendsAFile {
  /** The absolute path of the file. */
  readonly file: string
  /** The file's encoding and delimiter, or auto. */
  readonly dialect: DialectAsked
  /** Where a copy of the file in Zoho's dialect goes, when it is in another (RUNNER_TEMP). */
  readonly copyRoot: string
  /** Whether the file's header is checked against the form's fields before anything is sent. */
  readonly checkHeader: boolean
  /** Whether every value is checked against its field (and the header), before anything is sent. */
  readonly checkValues: boolean
  /**
   * What a row whose values the form would refuse, or whose lookup finds no record, does: stop the
   * step, or stay out of the load.
   */
  readonly badRows: 'fail' | 'skip'
  /** Whether the run checks and plans only, sending nothing. */
  readonly dryRun: boolean
}

interface Waits<Wait extends WaitForJob | undefined> {
  /** How to wait for the job to end; undefined when the step does not wait. */
  readonly wait: Wait
  /** Whether a cancel while waiting on a job this step started aborts it. */
  readonly abortOnCancel: boolean
}

/** What each action adds to the common settings. */
interface ByAction {
  readonly create: object
  readonly upload: OnAJob & SendsAFile
  readonly start: OnAJob & Waits<WaitForJob | undefined>
  readonly abort: OnAJob & Waits<WaitForJob | undefined>
  readonly status: OnAJob & Waits<WaitForJob | undefined>
  /** A load always waits: it ends with the job's verdict. */
  readonly load: SendsAFile &
    Waits<WaitForJob> & {
      readonly parts: PartLimits
      /** The key that makes the load safe to run again; undefined without one. */
      readonly key: LoadKey | undefined
      /** The lookup columns whose source keys are replaced by Zoho IDs; none without. */
      readonly lookups: readonly Lookup[]
    }
}

/** The settings of one action (or of any of a union of actions). */
export type SettingsOf<A extends ActionName> = CommonSettings & ByAction[A] & { readonly action: A }

/** The settings of a step: one action's, told apart by `action`. */
export type Settings = { [A in ActionName]: SettingsOf<A> }[ActionName]

export const INPUT_NAMES = [
  'dc',
  'owner',
  'app',
  'form',
  'job-id',
  'action',
  'file',
  'encoding',
  'delimiter',
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
  'check-values',
  'bad-rows',
  'dry-run',
  'max-records-per-job',
  'skip-records',
  'key',
  'key-report',
  'id-map',
  'lookups'
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
  encoding: 'auto',
  delimiter: 'auto',
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
  'check-values': 'false',
  'bad-rows': 'fail',
  'dry-run': 'false',
  'skip-records': '0',
  'id-map': 'false'
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
  if (settings.maskJobId && 'jobId' in settings) secrets.add(settings.jobId)
  if (runner.timeScale !== 1) {
    core.info(
      `Retries wait ${runner.timeScale} times as long, as ${TIME_SCALE_ENV} says (a setting for tests).`
    )
  }
  return settings
}

/** How a step waits for its job; undefined for the actions that never wait, or when it does not. */
export function waitOf(settings: Settings): WaitForJob | undefined {
  return 'wait' in settings ? settings.wait : undefined
}

/** Checks raw input values (already trimmed) into settings; an InputError names every problem. */
export function parseSettings(given: RawInputs, runner: RunnerFacts = runnerFacts({})): Settings {
  const raw = withoutDefaults(given)
  const problems = new Problems()
  // The action comes first: it decides what the other inputs must be.
  const action = problems.take(() => parseAction(raw.action))
  const known = typeof action === 'string' ? action : undefined
  const dataCentre = problems.take(() => parseDataCentre(raw.dc))
  const key = problems.take(() => parseKey(known, raw))
  const checked = problems.checked({
    action,
    dataCentre,
    owner: problems.take(() => required('owner', OWNER, raw.owner)),
    app: problems.take(() => required('app', LINK_NAME, raw.app)),
    form: problems.take(() => required('form', LINK_NAME, raw.form)),
    jobId: problems.take(() => parseJobId(known, raw['job-id'])),
    file: problems.take(() => parseFile(known, raw.file, runner.workspace)),
    encoding: problems.take(() => parseEncoding(raw.encoding)),
    delimiter: problems.take(() => parseDelimiter(raw.delimiter)),
    auth: problems.take(() => parseAuth(raw, Problems.valueOf(dataCentre))),
    environment: problems.take(() => parseEnvironment(raw.environment)),
    apiUrl: problems.take(() => parseBaseUrl('api-url', raw['api-url'])),
    retry: problems.take(() => parseRetry(raw.retries, runner.timeScale)),
    timeoutMs: problems.take(() => parseTimeout(raw.timeout)),
    waitOn: problems.take(() => parseWaitFlag(raw)),
    wait: problems.take(() => parseWait(raw, runner.resultRoot)),
    abortOnCancel: problems.take(() =>
      parseBoolean('abort-on-cancel', raw['abort-on-cancel'], true)
    ),
    maskJobId: problems.take(() => parseBoolean('mask-job-id', raw['mask-job-id'], true)),
    checkHeader: problems.take(() => parseBoolean('check-header', raw['check-header'], false)),
    checkValues: problems.take(() => parseBoolean('check-values', raw['check-values'], false)),
    badRows: problems.take(() =>
      oneOf('bad-rows', ['fail', 'skip'] as const, raw['bad-rows'] || 'fail')
    ),
    dryRun: problems.take(() => parseBoolean('dry-run', raw['dry-run'], false)),
    maxRecords: problems.take(() => parseMaxRecords(raw)),
    skipRecords: problems.take(() => parseSkipRecords(raw)),
    key,
    lookups: problems.take(() =>
      parseLookups(known, raw.lookups, Problems.valueOf(key), runner.workspace)
    )
  })
  const { owner, app, form, waitOn, wait, checkHeader, checkValues, badRows, dryRun } = checked
  const common: CommonSettings = {
    dataCentre: checked.dataCentre,
    apiBaseUrl: checked.apiUrl ?? `https://${checked.dataCentre.apiHost}`,
    form: { owner, app, form },
    auth: checked.auth,
    environment: checked.environment,
    retry: checked.retry,
    timeoutMs: checked.timeoutMs,
    maskJobId: checked.maskJobId,
    runAttempt: runner.runAttempt,
    warnings: [
      ...(waitOn || checked.action === 'load' ? [] : unusedWaitInputs(raw)),
      ...unusedForAction(checked.action, raw, { checkHeader, checkValues, dryRun, wait: waitOn }),
      ...unusedKeyInputs(checked.action, raw),
      ...unusedLookups(checked.action, raw.lookups),
      ...(raw['bad-rows'] !== '' && !checkValues && checked.lookups.length === 0
        ? [
            'Input "bad-rows" takes effect only with "check-values: true" or "lookups"; without ' +
              'them no row is checked.'
          ]
        : [])
    ]
  }
  const { jobId, file, abortOnCancel } = checked
  const { encoding, delimiter } = checked
  const sending = {
    file,
    dialect: { encoding, delimiter },
    copyRoot: runner.resultRoot,
    checkHeader,
    checkValues,
    badRows,
    dryRun
  }
  switch (checked.action) {
    case 'create':
      return { ...common, action: checked.action }
    case 'upload':
      return { ...common, action: checked.action, jobId, ...sending }
    case 'load': {
      const parts = { maxRecords: checked.maxRecords, skipRecords: checked.skipRecords }
      const { key, lookups } = checked
      return {
        ...common,
        action: checked.action,
        ...sending,
        wait,
        abortOnCancel,
        parts,
        key,
        lookups
      }
    }
    default:
      return {
        ...common,
        action: checked.action,
        jobId,
        wait: waitOn ? wait : undefined,
        abortOnCancel
      }
  }
}

/** The inputs with each value equal to its default made empty, as if it was not given. */
function withoutDefaults(raw: RawInputs): RawInputs {
  return Object.fromEntries(
    INPUT_NAMES.map(name => [name, raw[name] === DEFAULTS[name] ? '' : raw[name]])
  ) as RawInputs
}
