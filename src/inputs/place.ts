// Where the job is and which Zoho serves it: the data centre, the owner, app and form, the job ID,
// and the base URLs that may replace the data centre's hosts (https, or http to this machine only).
import type { DataCentre } from '../zoho/datacenters.ts'
import { DATA_CENTRES, findDataCentre } from '../zoho/datacenters.ts'
import { JOB_ID_DIGITS } from '../zoho/endpoints.ts'
import type { Environment } from '../zoho/requests.ts'
import { oneOf, problem, quote, type Rule } from './rules.ts'

export const OWNER: Rule = {
  test: value => /^[A-Za-z0-9._-]+$/.test(value) && value !== '.' && value !== '..',
  allowed: `the Creator account owner's user name: letters, digits, ".", "_" and "-" (not "." or "..")`,
  echo: true
}

export const LINK_NAME: Rule = {
  test: value => /^[A-Za-z0-9_-]+$/.test(value),
  allowed: 'a link name: letters, digits, "_" and "-"',
  echo: true
}

/**
 * Zoho's job IDs are long decimal numbers (3888833000000114027). A shorter one is surely a mistake,
 * and masking it would hide every "0" in the log: it is checked before it is masked, and shown.
 */
export const JOB_ID: Rule = {
  test: value => JOB_ID_DIGITS.test(value),
  allowed: 'the bulk job ID: 10 to 30 decimal digits, such as 3888833000000114027',
  echo: true
}

export function parseDataCentre(value: string): DataCentre {
  const dataCentre = findDataCentre(value || 'us')
  if (dataCentre === undefined) {
    const codes = DATA_CENTRES.map(dc => dc.code).join(', ')
    const suffixes = DATA_CENTRES.map(dc => dc.suffix).join(', ')
    throw problem(
      `Input "dc" must be a Zoho data centre: one of ${codes}, or its domain suffix ` +
        `(${suffixes}); got ${quote(value)}.`
    )
  }
  return dataCentre
}

const ENVIRONMENTS: readonly Environment[] = ['production', 'development', 'stage']

/** Which of the app's environments the calls go to. */
export function parseEnvironment(value: string): Environment {
  return oneOf('environment', ENVIRONMENTS, value || 'production', ' (or empty)')
}

/** An `api-url` or `accounts-url` override: https, or http to this machine only (an emulator). */
export function parseBaseUrl(name: string, value: string): string | undefined {
  if (value === '') return undefined
  const url = URL.parse(value)
  if (url === null) {
    throw problem(
      `Input "${name}" must be an absolute URL such as https://gateway.example.com; got ${quote(value)}.`
    )
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw problem(
      `Input "${name}" must be a base URL without user name, password, query or fragment.`
    )
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw problem(
      `Input "${name}" must use https:// (http:// is allowed only for a loopback host such as ` +
        `127.0.0.1 or localhost); got ${quote(url.origin)}.`
    )
  }
  return url.origin + url.pathname.replace(/\/+$/, '')
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname)
}
