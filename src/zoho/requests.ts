// The requests this action sends to the Creator API, built as plain data from where the API is and
// which job (zoho-bulk-api.md, "Common request parts" and the endpoints). The access token is added
// as each attempt goes out (api.ts), since a long wait renews it.
import type { Multipart } from '../http/multipart.ts'
import type { HttpRequest } from '../http/send.ts'
import {
  formFieldsUrl,
  type FormRef,
  insertUrl,
  type JobRef,
  jobUrl,
  type ReadJobRef,
  readJobUrl,
  type ReportRef,
  readUrl,
  type UploadUrlForm,
  uploadUrl
} from './endpoints.ts'

export type JobAction = 'start' | 'abort'
/** Creator's environments; production is the default and sends no header. */
export type Environment = 'production' | 'development' | 'stage'

/** Where API calls go. */
export interface ApiPlace {
  /** The API host's base URL, without a trailing slash. */
  readonly apiBaseUrl: string
  readonly environment: Environment
}

function commonHeaders(place: ApiPlace): Record<string, string> {
  return {
    Accept: 'application/json',
    ...(place.environment === 'production' ? {} : { environment: place.environment })
  }
}

/** POST …/form/<form>/insert, no body: a new job for the form (scope ZohoCreator.bulk.CREATE). */
export function createJobRequest(place: ApiPlace, form: FormRef): HttpRequest {
  return {
    method: 'POST',
    url: insertUrl(place.apiBaseUrl, form),
    headers: commonHeaders(place),
    body: ''
  }
}

/** POST the job's file as multipart/form-data, its one part named "file" (scope ZohoCreator.bulk.CREATE). */
export function uploadRequest(
  place: ApiPlace,
  job: JobRef,
  file: Multipart,
  urlForm: UploadUrlForm
): HttpRequest {
  return {
    method: 'POST',
    url: uploadUrl(place.apiBaseUrl, job, urlForm),
    headers: { ...commonHeaders(place), 'Content-Type': file.contentType },
    body: file.body
  }
}

/** GET …/meta/…/form/<form>/fields: the form's fields (scope ZohoCreator.meta.form.READ). */
export function formFieldsRequest(place: ApiPlace, form: FormRef): HttpRequest {
  return {
    method: 'GET',
    url: formFieldsUrl(place.apiBaseUrl, form),
    headers: commonHeaders(place)
  }
}

/** GET …/insert/<job-id>: the job's state (scope ZohoCreator.bulk.READ). */
export function jobStatusRequest(place: ApiPlace, job: JobRef): HttpRequest {
  return { method: 'GET', url: jobUrl(place.apiBaseUrl, job), headers: commonHeaders(place) }
}

export const RESULT_FILTERS = ['success', 'failure', 'unprocessed'] as const
export type ResultFilter = (typeof RESULT_FILTERS)[number]

/** GET …/insert/<job-id>/result?filter=…: a ZIP holding one CSV (scope ZohoCreator.bulk.READ). */
export function resultRequest(place: ApiPlace, job: JobRef, filter: ResultFilter): HttpRequest {
  return {
    method: 'GET',
    url: `${jobUrl(place.apiBaseUrl, job)}/result?filter=${filter}`,
    headers: { ...commonHeaders(place), Accept: 'application/zip, application/json' }
  }
}

/** PATCH …/insert/<job-id> with {"data":{"action":"start"}} (or "abort"). */
export function jobActionRequest(place: ApiPlace, job: JobRef, action: JobAction): HttpRequest {
  return {
    method: 'PATCH',
    url: jobUrl(place.apiBaseUrl, job),
    headers: { ...commonHeaders(place), 'Content-Type': 'application/json' },
    body: JSON.stringify({ data: { action } })
  }
}

/** What a read job reads: the first batch's fields and size, or the cursor to the next batch. */
export type ReadQuery =
  { readonly fields: readonly string[]; readonly maxRecords: number } | { readonly cursor: string }

/**
 * POST …/report/<report>/read: a read job (scope ZohoCreator.bulk.CREATE). A next batch sends its
 * cursor alone: Zoho refuses fields and max_records beside it (zoho-bulk-api.md, "Bulk Read").
 */
export function createReadRequest(
  place: ApiPlace,
  report: ReportRef,
  query: ReadQuery
): HttpRequest {
  const body =
    'cursor' in query
      ? { record_cursor: query.cursor }
      : { fields: query.fields, max_records: query.maxRecords }
  return {
    method: 'POST',
    url: readUrl(place.apiBaseUrl, report),
    headers: { ...commonHeaders(place), 'Content-Type': 'application/json' },
    body: JSON.stringify({ query: body })
  }
}

/** GET …/read/<job-id>: the read job's state, and once completed its count and cursor (READ). */
export function readStatusRequest(place: ApiPlace, job: ReadJobRef): HttpRequest {
  return { method: 'GET', url: readJobUrl(place.apiBaseUrl, job), headers: commonHeaders(place) }
}

/** GET …/read/<job-id>/result: a ZIP holding one CSV (scope ZohoCreator.bulk.READ). */
export function readResultRequest(place: ApiPlace, job: ReadJobRef): HttpRequest {
  return {
    method: 'GET',
    url: `${readJobUrl(place.apiBaseUrl, job)}/result`,
    headers: { ...commonHeaders(place), Accept: 'application/zip, application/json' }
  }
}
