// Reads every input of action.yml once, masks the secret ones, validates them all, and returns
// the settings the rest of the action works from. No other module calls core.getInput.
import * as core from '@actions/core'
import { tmpdir } from 'node:os'
import { InputError } from './errors.ts'
import type { RetryPolicy } from './retry.ts'
import type { Secrets } from './secrets.ts'
import type { Auth } from './zoho/auth.ts'
import { DATA_CENTRES, type DataCentre, findDataCentre } from './zoho/datacenters.ts'
import type { JobRef } from './zoho/endpoints.ts'
import { MAX_POLL_DELAY_MS, type WaitSettings } from './poll.ts'
import {
  type Environment,
  type JobAction,
  RESULT_FILTERS,
  type ResultFilter
} from './zoho/requests.ts'

export interface Settings {
  readonly dataCentre: DataCentre
  /** Where API calls go: the data centre's API host, or the `api-url` override. No trailing slash. */
  readonly apiBaseUrl: string
  readonly job: JobRef
  readonly action: JobAction
  readonly auth: Auth
  readonly environment: Environment
  readonly retry: RetryPolicy
  /** The deadline of each attempt of each call. */
  readonly timeoutMs: number
  /** Whether and how to wait for the job to finish; undefined when `wait` is false. */
  readonly wait: WaitForJob | undefined
}

export interface WaitForJob extends WaitSettings {
  /** The result files to download once the job is over. */
  readonly downloads: readonly ResultFilter[]
  readonly failOnFailedRecords: boolean
  /** Where the folder of result files goes: the runner's temporary folder. */
  readonly resultRoot: string
}

export const INPUT_NAMES = [
  'dc',
  'owner',
  'app',
  'form',
  'job-id',
  'action',
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
  'fail-on-failed-records'
] as const

export type InputName = (typeof INPUT_NAMES)[number]
export type RawInputs = Readonly<Record<InputName, string>>

const DEFAULT_RETRIES = 3
const DEFAULT_TIMEOUT_SECONDS = 30
const DEFAULT_WAIT_TIMEOUT_SECONDS = 3600
const DEFAULT_POLL_INTERVAL_SECONDS = 5
const DEFAULT_DOWNLOADS = 'failure'
const MAX_RETRIES = 10
const MAX_TIMEOUT_SECONDS = 600
const MAX_WAIT_TIMEOUT_SECONDS = 5 * 24 * 3600
const BACKOFF = { baseDelayMs: 1000, maxDelayMs: 20_000 }
/** For tests of the bundle only: a shorter backoff, so that retries take milliseconds. */
export const BACKOFF_BASE_ENV = 'ZOHO_BULK_ACTION_BACKOFF_BASE_MS'

const TOKEN_SCHEME = /^zoho-oauthtoken\s+/i
const REFRESH_INPUTS = ['client-id', 'client-secret', 'refresh-token'] as const

/** What the settings take from the runner's environment rather than from inputs. */
export interface RunnerFacts {
  readonly backoffBaseMs: number
  readonly resultRoot: string
}

const DEFAULT_RUNNER: RunnerFacts = { backoffBaseMs: BACKOFF.baseDelayMs, resultRoot: tmpdir() }

/** Reads the inputs as the runner passes them, masking the secret ones before anything is logged. */
export function readSettings(secrets: Secrets): Settings {
  const raw = Object.fromEntries(INPUT_NAMES.map(name => [name, core.getInput(name)])) as RawInputs
  for (const secret of [
    raw.token,
    raw.token.replace(TOKEN_SCHEME, ''),
    raw['client-secret'],
    raw['refresh-token'],
    raw['job-id']
  ]) {
    secrets.add(secret)
  }
  return parseSettings(raw, {
    backoffBaseMs: Number(process.env[BACKOFF_BASE_ENV]) || BACKOFF.baseDelayMs,
    resultRoot: process.env['RUNNER_TEMP'] || tmpdir()
  })
}

/** Validates raw input values (already trimmed) into settings; throws InputError on the first bad one. */
export function parseSettings(raw: RawInputs, runner: RunnerFacts = DEFAULT_RUNNER): Settings {
  const dataCentre = parseDataCentre(raw.dc)
  const job: JobRef = {
    owner: required('owner', OWNER, raw.owner),
    app: required('app', LINK_NAME, raw.app),
    form: required('form', LINK_NAME, raw.form),
    jobId: required('job-id', JOB_ID, raw['job-id'])
  }
  const action = oneOf('action', ['start', 'abort'] as const, raw.action)
  const auth = parseAuth(raw, dataCentre)
  const environment = oneOf(
    'environment',
    ENVIRONMENTS,
    raw.environment || 'production',
    ' (or empty)'
  )
  const apiBaseUrl = parseBaseUrl('api-url', raw['api-url']) ?? `https://${dataCentre.apiHost}`
  const retries = parseNumber('retries', raw.retries, DEFAULT_RETRIES, RETRIES)
  const timeoutMs = parseNumber('timeout', raw.timeout, DEFAULT_TIMEOUT_SECONDS, TIMEOUT) * 1000
  return {
    dataCentre,
    apiBaseUrl,
    job,
    action,
    auth,
    environment,
    retry: { retries, ...BACKOFF, baseDelayMs: runner.backoffBaseMs },
    timeoutMs,
    wait: parseWait(raw, runner.resultRoot)
  }
}

/** The wait inputs are checked whether or not `wait` is on: a typo should not wait to bite. */
function parseWait(raw: RawInputs, resultRoot: string): WaitForJob | undefined {
  const enabled = parseBoolean('wait', raw.wait, false)
  const wait: WaitForJob = {
    timeoutMs:
      parseNumber('wait-timeout', raw['wait-timeout'], DEFAULT_WAIT_TIMEOUT_SECONDS, WAIT_TIMEOUT) *
      1000,
    firstDelayMs:
      parseNumber(
        'poll-interval',
        raw['poll-interval'],
        DEFAULT_POLL_INTERVAL_SECONDS,
        POLL_INTERVAL
      ) * 1000,
    downloads: parseDownloads(raw['download-results'] || DEFAULT_DOWNLOADS),
    failOnFailedRecords: parseBoolean(
      'fail-on-failed-records',
      raw['fail-on-failed-records'],
      true
    ),
    resultRoot
  }
  return enabled ? wait : undefined
}

/** Booleans as YAML 1.2 (and so GitHub Actions) writes them. */
function parseBoolean(name: InputName, value: string, fallback: boolean): boolean {
  if (value === '') return fallback
  if (/^(true|True|TRUE)$/.test(value)) return true
  if (/^(false|False|FALSE)$/.test(value)) return false
  const yaml11 = /^(y|yes|n|no|on|off)$/i.test(value)
    ? ' (YAML 1.1 words such as yes and no are not booleans in GitHub Actions)'
    : ''
  throw new InputError(`Input "${name}" must be true or false; got ${quote(value)}${yaml11}.`)
}

/** Any of success, failure and unprocessed, comma or space separated, or none. */
function parseDownloads(value: string): ResultFilter[] {
  const words = value
    .toLowerCase()
    .split(/[\s,]+/)
    .filter(word => word !== '')
  if (words.length === 1 && words[0] === 'none') return []
  const allowed: readonly string[] = RESULT_FILTERS
  if (words.length === 0 || words.some(word => !allowed.includes(word))) {
    throw new InputError(
      'Input "download-results" must be any of "success", "failure" and "unprocessed" ' +
        `(comma or space separated), or "none"; got ${quote(value)}.`
    )
  }
  return RESULT_FILTERS.filter(filter => words.includes(filter))
}

/** Either a token, or all three refresh inputs to mint one: never both, never part. */
function parseAuth(raw: RawInputs, dataCentre: DataCentre): Auth {
  const given = REFRESH_INPUTS.filter(name => raw[name] !== '')
  if (given.length === 0) {
    if (raw['accounts-url'] !== '') {
      throw new InputError(
        'Input "accounts-url" applies only with "client-id", "client-secret" and "refresh-token".'
      )
    }
    if (raw.token === '') {
      throw new InputError(
        'Input "token" is required, or else all three of "client-id", "client-secret" and ' +
          '"refresh-token" to mint one.'
      )
    }
    return { kind: 'token', token: required('token', TOKEN, raw.token.replace(TOKEN_SCHEME, '')) }
  }
  if (raw.token !== '') {
    throw new InputError(
      'Give either "token", or "client-id", "client-secret" and "refresh-token", not both.'
    )
  }
  const missing = REFRESH_INPUTS.filter(name => raw[name] === '')
  if (missing.length > 0) {
    throw new InputError(
      'Inputs "client-id", "client-secret" and "refresh-token" go together; ' +
        `missing: ${missing.map(name => `"${name}"`).join(', ')}.`
    )
  }
  return {
    kind: 'refresh',
    credentials: {
      clientId: required('client-id', CLIENT_ID, raw['client-id']),
      clientSecret: required(
        'client-secret',
        credential('the client secret'),
        raw['client-secret']
      ),
      refreshToken: required(
        'refresh-token',
        credential('the refresh token'),
        raw['refresh-token']
      ),
      accountsBaseUrl:
        parseBaseUrl('accounts-url', raw['accounts-url']) ?? `https://${dataCentre.accountsHost}`
    }
  }
}

interface Rule {
  readonly test: (value: string) => boolean
  /** What is allowed, completing "Input "x" must be ...". */
  readonly allowed: string
  /** Whether a rejected value may be quoted back in the error (never for secrets). */
  readonly echo: boolean
}

const OWNER: Rule = {
  test: value => /^[A-Za-z0-9._-]+$/.test(value) && value !== '.' && value !== '..',
  allowed: `the Creator account owner's user name: letters, digits, ".", "_" and "-" (not "." or "..")`,
  echo: true
}
const LINK_NAME: Rule = {
  test: value => /^[A-Za-z0-9_-]+$/.test(value),
  allowed: 'a link name: letters, digits, "_" and "-"',
  echo: true
}
const JOB_ID: Rule = {
  test: value => /^[0-9]+$/.test(value),
  allowed: 'the bulk job ID: decimal digits only, such as 3888833000000114027',
  echo: false
}
const PRINTABLE = /^[\x21-\x7e]+$/
const TOKEN: Rule = {
  test: value => PRINTABLE.test(value),
  allowed: 'a Zoho OAuth access token: one line of printable characters without spaces',
  echo: false
}
const CLIENT_ID: Rule = {
  test: value => PRINTABLE.test(value),
  allowed: "the Self Client's client ID: one line of printable characters without spaces",
  echo: true
}
function credential(what: string): Rule {
  return {
    test: value => PRINTABLE.test(value),
    allowed: `${what}: one line of printable characters without spaces`,
    echo: false
  }
}

interface NumberRule {
  readonly pattern: RegExp
  readonly min: number
  readonly max: number
  readonly allowed: string
}
const RETRIES: NumberRule = {
  pattern: /^\d+$/,
  min: 0,
  max: MAX_RETRIES,
  allowed: `a whole number of extra attempts from 0 to ${MAX_RETRIES}`
}
/** A number of seconds above 0 and at most `max`. */
function seconds(max: number, note = ''): NumberRule {
  return {
    pattern: /^\d+(\.\d+)?$/,
    min: Number.MIN_VALUE,
    max,
    allowed: `a number of seconds above 0 and at most ${max}${note}`
  }
}
const WAIT_TIMEOUT = seconds(MAX_WAIT_TIMEOUT_SECONDS, ' (5 days)')
const POLL_INTERVAL = seconds(MAX_POLL_DELAY_MS / 1000)
const TIMEOUT = seconds(MAX_TIMEOUT_SECONDS)
const ENVIRONMENTS = ['production', 'development', 'stage'] as const

function required(name: InputName, rule: Rule, value: string): string {
  if (value === '') throw new InputError(`Input "${name}" is required: ${rule.allowed}.`)
  if (!rule.test(value)) {
    const got = rule.echo ? `; got ${quote(value)}` : ''
    throw new InputError(`Input "${name}" must be ${rule.allowed}${got}.`)
  }
  return value
}

/** One of a few words, compared without case. */
function oneOf<T extends string>(
  name: InputName,
  allowed: readonly T[],
  value: string,
  note = ''
): T {
  const found = allowed.find(option => option === value.toLowerCase())
  if (found !== undefined) return found
  const quoted = allowed.map(option => `"${option}"`)
  const list = `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`
  if (value === '') throw new InputError(`Input "${name}" is required: ${list}.`)
  throw new InputError(`Input "${name}" must be ${list}${note}; got ${quote(value)}.`)
}

function parseDataCentre(value: string): DataCentre {
  const dataCentre = findDataCentre(value || 'us')
  if (dataCentre === undefined) {
    const codes = DATA_CENTRES.map(dc => dc.code).join(', ')
    const suffixes = DATA_CENTRES.map(dc => dc.suffix).join(', ')
    throw new InputError(
      `Input "dc" must be a Zoho data centre: one of ${codes}, or its domain suffix ` +
        `(${suffixes}); got ${quote(value)}.`
    )
  }
  return dataCentre
}

function parseNumber(name: InputName, value: string, fallback: number, rule: NumberRule): number {
  if (value === '') return fallback
  const number = Number(value)
  if (!rule.pattern.test(value) || number < rule.min || number > rule.max) {
    throw new InputError(`Input "${name}" must be ${rule.allowed}; got ${quote(value)}.`)
  }
  return number
}

/** An `api-url` or `accounts-url` override: https, or http to this machine only (an emulator). */
function parseBaseUrl(name: InputName, value: string): string | undefined {
  if (value === '') return undefined
  const url = URL.parse(value)
  if (url === null) {
    throw new InputError(
      `Input "${name}" must be an absolute URL such as https://gateway.example.com; got ${quote(value)}.`
    )
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new InputError(
      `Input "${name}" must be a base URL without user name, password, query or fragment.`
    )
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new InputError(
      `Input "${name}" must use https:// (http:// is allowed only for a loopback host such as ` +
        `127.0.0.1 or localhost); got ${quote(url.origin)}.`
    )
  }
  return url.origin + url.pathname.replace(/\/+$/, '')
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname)
}

/** Quotes a user's value for an error message: one line, and not a page long. */
function quote(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)
}
