// The Bulk Insert API's paths (zoho-bulk-api.md, "The endpoints of one bulk insert job").

/** Identifies one bulk insert job: the form it loads and the job's ID. */
export interface JobRef {
  readonly owner: string
  readonly app: string
  readonly form: string
  readonly jobId: string
}

const segment = encodeURIComponent

/** The URL of a job: PATCH starts or aborts it, GET reads its status. */
export function jobUrl(apiBaseUrl: string, job: JobRef): string {
  return (
    `${apiBaseUrl}/creator/v2.1/bulk/${segment(job.owner)}/${segment(job.app)}` +
    `/form/${segment(job.form)}/insert/${segment(job.jobId)}`
  )
}
