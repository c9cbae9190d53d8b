// The requests this action sends to Zoho, built from settings as plain data
// (zoho-bulk-api.md, "Common request parts" and the start/abort endpoint).
import { type JobRef, jobUrl } from './endpoints.ts'

export type JobAction = 'start' | 'abort'
/** Creator's environments; production is the default and sends no header. */
export type Environment = 'production' | 'development' | 'stage'

export interface ZohoRequest {
  readonly method: 'GET' | 'PATCH' | 'POST'
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string
}

/** Where and as whom a call is made. */
export interface Connection {
  /** The API host's base URL, without a trailing slash. */
  readonly apiBaseUrl: string
  readonly token: string
  readonly environment: Environment
}

function commonHeaders(connection: Connection): Record<string, string> {
  return {
    Authorization: `Zoho-oauthtoken ${connection.token}`,
    Accept: 'application/json',
    ...(connection.environment === 'production' ? {} : { environment: connection.environment })
  }
}

/** GET …/insert/<job-id>: the job's state (scope ZohoCreator.bulk.READ). */
export function jobStatusRequest(connection: Connection, job: JobRef): ZohoRequest {
  return {
    method: 'GET',
    url: jobUrl(connection.apiBaseUrl, job),
    headers: commonHeaders(connection)
  }
}

export const RESULT_FILTERS = ['success', 'failure', 'unprocessed'] as const
export type ResultFilter = (typeof RESULT_FILTERS)[number]

/** GET …/insert/<job-id>/result?filter=…: a ZIP holding one CSV (scope ZohoCreator.bulk.READ). */
export function resultRequest(
  connection: Connection,
  job: JobRef,
  filter: ResultFilter
): ZohoRequest {
  return {
    method: 'GET',
    url: `${jobUrl(connection.apiBaseUrl, job)}/result?filter=${filter}`,
    headers: { ...commonHeaders(connection), Accept: 'application/zip, application/json' }
  }
}

/** PATCH …/insert/<job-id> with {"data":{"action":"start"}} (or "abort"). */
export function jobActionRequest(
  connection: Connection,
  job: JobRef,
  action: JobAction
): ZohoRequest {
  return {
    method: 'PATCH',
    url: jobUrl(connection.apiBaseUrl, job),
    headers: { ...commonHeaders(connection), 'Content-Type': 'application/json' },
    body: JSON.stringify({ data: { action } })
  }
}
