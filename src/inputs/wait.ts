// Whether and how to wait for the job: checked whether or not `wait` is on, since a typo should not
// wait to bite; given without `wait`, these inputs have no effect, and the user is told so.
import { MAX_POLL_DELAY_MS, type WaitSettings } from '../poll.ts'
import { RESULT_FILTERS, type ResultFilter } from '../zoho/requests.ts'
import { parseBoolean, parseNumber, problem, quote, seconds } from './rules.ts'

export interface WaitForJob extends WaitSettings {
  /** The result files to download once the job is over. */
  readonly downloads: readonly ResultFilter[]
  readonly failOnFailedRecords: boolean
  /** Where the folder of result files goes: the runner's temporary folder. */
  readonly resultRoot: string
}

export const WAIT_INPUTS = [
  'wait-timeout',
  'poll-interval',
  'download-results',
  'fail-on-failed-records'
] as const

type WaitInputs = Readonly<Record<'wait' | (typeof WAIT_INPUTS)[number], string>>

const DEFAULT_WAIT_TIMEOUT_SECONDS = 3600
const DEFAULT_POLL_INTERVAL_SECONDS = 5
const DEFAULT_DOWNLOADS = 'failure'
const MAX_WAIT_TIMEOUT_SECONDS = 5 * 24 * 3600
const WAIT_TIMEOUT = seconds(MAX_WAIT_TIMEOUT_SECONDS, ' (5 days)')
const POLL_INTERVAL = seconds(MAX_POLL_DELAY_MS / 1000)

export function parseWaitFlag(raw: WaitInputs): boolean {
  return parseBoolean('wait', raw.wait, false)
}

export function parseWait(raw: WaitInputs, resultRoot: string): WaitForJob {
  return {
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
}

/** The warning for the wait inputs given although `wait` is off: none when none is. */
export function unusedWaitInputs(raw: WaitInputs): string[] {
  const given = WAIT_INPUTS.filter(name => raw[name] !== '')
  if (given.length === 0) return []
  const names = given.map(name => `"${name}"`).join(', ')
  return [
    given.length > 1
      ? `Inputs ${names} take effect only with "wait: true"; without it they have no effect.`
      : `Input ${names} takes effect only with "wait: true"; without it it has no effect.`
  ]
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
    throw problem(
      'Input "download-results" must be any of "success", "failure" and "unprocessed" ' +
        `(comma or space separated), or "none"; got ${quote(value)}.`
    )
  }
  return RESULT_FILTERS.filter(filter => words.includes(filter))
}
