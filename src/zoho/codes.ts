// What Zoho's response codes mean and what the person reading the log should do about them
// (docs/zoho-bulk-api.md, "Response codes"; a test keeps the two in step). A hint depends on the
// operation that was refused: the scope a token lacks, and what 7130 means, differ by call.

export const SUCCESS_CODE = 3000
export const TOKEN_REFUSED_CODE = 1030
export const PER_MINUTE_LIMIT_CODE = 2955
export const DAILY_LIMIT_CODE = 4000
export const RESULT_NOT_READY_CODE = 11110
export const UNKNOWN_URL_CODE = 1000
export const FILE_EXISTS_CODE = 11070
export const SCOPE_MISSING_CODE = 2945
export const NOT_PERMITTED_CODE = 7130

/** The calls the action makes to the Creator API, each with the OAuth scope it needs. */
export type Operation =
  | 'create'
  | 'upload'
  | 'start'
  | 'abort'
  | 'status'
  | 'result'
  | 'fields'
  | 'read'
  | 'read-status'
  | 'read-result'

export const CREATE_SCOPE = 'ZohoCreator.bulk.CREATE'
export const UPDATE_SCOPE = 'ZohoCreator.bulk.UPDATE'
export const READ_SCOPE = 'ZohoCreator.bulk.READ'
export const META_SCOPE = 'ZohoCreator.meta.form.READ'

export const SCOPES: Readonly<Record<Operation, string>> = {
  create: CREATE_SCOPE,
  upload: CREATE_SCOPE,
  start: UPDATE_SCOPE,
  abort: UPDATE_SCOPE,
  status: READ_SCOPE,
  result: READ_SCOPE,
  fields: META_SCOPE,
  // A Bulk Read: created with the insert's CREATE scope, followed and downloaded with READ.
  read: CREATE_SCOPE,
  'read-status': READ_SCOPE,
  'read-result': READ_SCOPE
}

/** Every scope a load needs: it creates, uploads, starts, follows and downloads. */
export const LOAD_SCOPES = `${CREATE_SCOPE}, ${UPDATE_SCOPE} and ${READ_SCOPE}`

const CHECK_ROLE =
  'No permission on this application: the bulk API needs the admin or developer role.'

// Said of a start: a job runs once, so there is nothing to retry.
const ENDED =
  'The job has already ended, and a job runs only once: to load the file again, create a new job and upload the file to it.'

/**
 * Codes that say the request itself is wrong (the token, the URL, a permission, a limit) rather
 * than anything about the job's state: reading the job's status would not settle them.
 */
export const REQUEST_FAULT_CODES: ReadonlySet<number> = new Set([
  1000, 1030, 1040, 1060, 2892, 2893, 2933, 2945, 2955, 4000, 4070, 7120, 11330
])

const HINTS: ReadonlyMap<number, string> = new Map([
  [1000, 'The URL or a parameter is not valid: check owner, app and form.'],
  [1030, 'The access token is invalid or expired: mint a new one (access tokens live one hour).'],
  [1040, 'No such account owner: check owner (the user name of the account that owns the app).'],
  [1060, CHECK_ROLE],
  [2933, CHECK_ROLE],
  [2892, 'No such application: check app (its link name) and owner.'],
  [2893, 'No such form: check form (its link name) and app.'],
  [2894, 'No such report: check key-report (the link name of a report of the form) and app.'],
  [3020, 'Zoho could not use the request: please report it, with this message.'],
  [2955, "Zoho's per-minute API limit was reached: wait a minute and run again."],
  [4000, "The account's daily API limit is reached: running again today will not help."],
  [11080, ENDED],
  [11090, ENDED],
  [11100, ENDED],
  [11110, 'The result file is still being generated: try again in a while.'],
  [
    11130,
    'There is no result file of this kind for this job (for example, when no record failed).'
  ],
  [11330, 'No such job for this form: check job-id and form.'],
  [
    11070,
    "An input file already exists for this job, and a job's file cannot be replaced: abort the job, create a new one and upload the file to it."
  ],
  [
    11340,
    "The job's state does not take a file now: check the job's state (it takes one before it starts)."
  ],
  [11350, 'The file upload is not complete: upload the CSV before starting the job.'],
  [7120, 'The job ID is not valid: check job-id.'],
  [7130, 'This is not permitted on this job: check job-id and your role in the application.']
])

/** What a missing scope means for `operation`: the scope to add, and what else needs it. */
function scopeHint(operation: Operation): string {
  const scope = SCOPES[operation]
  if (operation === 'fields')
    return (
      `The token lacks the scope check-header needs: generate it again with ${scope} added, ` +
      'or set check-header: false to skip the check.'
    )
  return (
    `The token lacks ${scope}, the scope this call needs: generate it again with it added ` +
    `(a load needs ${LOAD_SCOPES}).`
  )
}

// 7130 on a create: Zoho takes one active bulk job per form (zoho-bulk-api.md, "Limits").
const FORM_BUSY =
  'Another bulk job of this form has not ended (a form takes one at a time): wait for it ' +
  '(action: status, wait: true) or abort it, then run again.'

/**
 * What to do after `operation` failed: by Zoho's code when it is known, else by the HTTP status.
 */
export function hintFor(
  code: number | undefined,
  httpStatus: number,
  operation?: Operation
): string {
  if (code === SCOPE_MISSING_CODE && operation !== undefined) return scopeHint(operation)
  if (code === NOT_PERMITTED_CODE && operation === 'create') return FORM_BUSY
  const byCode = code === undefined ? undefined : HINTS.get(code)
  if (byCode !== undefined) return byCode
  if (httpStatus === 401) {
    const scope = operation === undefined ? '' : ` and has scope ${SCOPES[operation]}`
    return `Zoho did not accept the token: check that it is current${scope}.`
  }
  if (httpStatus === 403) return CHECK_ROLE
  if (httpStatus === 404)
    return 'Nothing was found at this URL: check dc, owner, app, form and job-id.'
  if (httpStatus === 429) return "Zoho's API rate limit was reached: wait and run again."
  if (httpStatus >= 500) return 'Zoho, or a gateway in front of it, failed: run again later.'
  return "Check the inputs against Zoho's message."
}
