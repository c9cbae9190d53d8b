// Reads every input of action.yml once, masks the secret ones, validates them all, and returns
// the settings the rest of the action works from. No other module calls core.getInput.
import * as core from '@actions/core'
import { InputError } from './errors.ts'
import type { Secrets } from './secrets.ts'
import { DATA_CENTRES, type DataCentre, findDataCentre } from './zoho/datacenters.ts'
import type { JobRef } from './zoho/endpoints.ts'

export type JobAction = 'start' | 'abort'
export type Environment = 'production' | 'development' | 'stage'

export interface Settings {
  readonly dataCentre: DataCentre
  /** Where API calls go: the data centre's API host, or the `api-url` override. No trailing slash. */
  readonly apiBaseUrl: string
  readonly job: JobRef
  readonly action: JobAction
  /** The bare OAuth access token, without a `Zoho-oauthtoken ` prefix. */
  readonly token: string
  readonly environment: Environment
}

export const INPUT_NAMES = [
  'dc',
  'owner',
  'app',
  'form',
  'job-id',
  'action',
  'token',
  'environment',
  'api-url'
] as const

export type InputName = (typeof INPUT_NAMES)[number]
export type RawInputs = Readonly<Record<InputName, string>>

const TOKEN_SCHEME = /^zoho-oauthtoken\s+/i

/** Reads the inputs as the runner passes them, masking the secret ones before anything is logged. */
export function readSettings(secrets: Secrets): Settings {
  const raw = Object.fromEntries(INPUT_NAMES.map(name => [name, core.getInput(name)])) as RawInputs
  secrets.add(raw.token)
  secrets.add(raw.token.replace(TOKEN_SCHEME, ''))
  secrets.add(raw['job-id'])
  return parseSettings(raw)
}

/** Validates raw input values (already trimmed) into settings; throws InputError on the first bad one. */
export function parseSettings(raw: RawInputs): Settings {
  const dataCentre = parseDataCentre(raw.dc)
  const job: JobRef = {
    owner: required('owner', OWNER, raw.owner),
    app: required('app', LINK_NAME, raw.app),
    form: required('form', LINK_NAME, raw.form),
    jobId: required('job-id', JOB_ID, raw['job-id'])
  }
  const action = oneOf('action', ['start', 'abort'] as const, raw.action)
  const token = required('token', TOKEN, raw.token.replace(TOKEN_SCHEME, ''))
  const environment = oneOf('environment', ENVIRONMENTS, raw.environment || 'production', ' (or empty)')
  const apiBaseUrl = parseApiUrl(raw['api-url']) ?? `https://${dataCentre.apiHost}`
  return { dataCentre, apiBaseUrl, job, action, token, environment }
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
const TOKEN: Rule = {
  test: value => /^[\x21-\x7e]+$/.test(value),
  allowed: 'a Zoho OAuth access token: one line of printable characters without spaces',
  echo: false
}
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

/** The `api-url` override: https, or http to this machine only (a local emulator). */
function parseApiUrl(value: string): string | undefined {
  if (value === '') return undefined
  const url = URL.parse(value)
  if (url === null) {
    throw new InputError(
      `Input "api-url" must be an absolute URL such as https://gateway.example.com; got ${quote(value)}.`
    )
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new InputError(
      'Input "api-url" must be a base URL without user name, password, query or fragment.'
    )
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new InputError(
      'Input "api-url" must use https:// (http:// is allowed only for a loopback host such as ' +
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
