// The Bulk Insert and Bulk Read APIs' paths (zoho-bulk-api.md, "The endpoints of one bulk insert
// job" and "Bulk Read").

/** The form a bulk insert job loads. */
export interface FormRef {
  readonly owner: string
  readonly app: string
  readonly form: string
}

/** Identifies one bulk insert job: the form it loads and the job's ID. */
export interface JobRef extends FormRef {
  readonly jobId: string
}

/**
 * Zoho's job IDs are long decimal numbers (3888833000000114027), beyond what a JavaScript number
 * holds exactly: they are kept as text.
 */
export const JOB_ID_DIGITS = /^\d{10,30}$/

/** Where a job's file goes: Zoho's page names the job in the path; its own sample, in the query. */
export type UploadUrlForm = 'path' | 'query'

const segment = encodeURIComponent

/** The form's bulk insert URL: POST creates a job. */
export function insertUrl(apiBaseUrl: string, form: FormRef): string {
  return (
    `${apiBaseUrl}/creator/v2.1/bulk/${segment(form.owner)}/${segment(form.app)}` +
    `/form/${segment(form.form)}/insert`
  )
}

/** The URL of a job: PATCH starts or aborts it, GET reads its status, POST uploads its file. */
export function jobUrl(apiBaseUrl: string, job: JobRef): string {
  return `${insertUrl(apiBaseUrl, job)}/${segment(job.jobId)}`
}

/** Where a job's file is uploaded, in either of the forms Zoho documents. */
export function uploadUrl(apiBaseUrl: string, job: JobRef, form: UploadUrlForm): string {
  return form === 'path'
    ? jobUrl(apiBaseUrl, job)
    : `${insertUrl(apiBaseUrl, job)}?job_id=${segment(job.jobId)}`
}

/** The form's fields, as the meta API lists them. */
export function formFieldsUrl(apiBaseUrl: string, form: FormRef): string {
  return (
    `${apiBaseUrl}/creator/v2.1/meta/${segment(form.owner)}/${segment(form.app)}` +
    `/form/${segment(form.form)}/fields`
  )
}

/** A report of an application, which a Bulk Read reads. */
export interface ReportRef {
  readonly owner: string
  readonly app: string
  readonly report: string
}

/** Identifies one Bulk Read job: the report it reads and the job's ID. */
export interface ReadJobRef extends ReportRef {
  readonly jobId: string
}

/** The report's Bulk Read URL: POST creates a read job. */
export function readUrl(apiBaseUrl: string, report: ReportRef): string {
  return (
    `${apiBaseUrl}/creator/v2.1/bulk/${segment(report.owner)}/${segment(report.app)}` +
    `/report/${segment(report.report)}/read`
  )
}

/** The URL of a read job: GET reads its status; with /result, its ZIP. */
export function readJobUrl(apiBaseUrl: string, job: ReadJobRef): string {
  return `${readUrl(apiBaseUrl, job)}/${segment(job.jobId)}`
}
