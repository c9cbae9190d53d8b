// The step's outputs, and which action sets which: what a workflow may read after each action.
// `npm run validate` checks that every `steps.<id>.outputs.<name>` an example or a README block reads
// is set by that step's action, and the end-to-end tests that no run sets one this table leaves out.
import type { ActionName } from './inputs/job.ts'

/** Set whenever Zoho answered the action's own call. */
const ANSWER = ['code', 'status', 'http-status', 'response'] as const
/** Set by a wait on the job, or by a status read. */
const COUNTS = [
  'job-status',
  'total-records',
  'success-records',
  'failed-records',
  'unprocessed-records'
] as const

/** Set by a dry run: the plan. */
const PLAN = ['total-records', 'rejected-records', 'parts'] as const

export const OUTPUTS_OF: Readonly<Record<ActionName, readonly string[]>> = {
  create: ['job-id', ...ANSWER],
  upload: ['job-id', ...ANSWER, ...PLAN, 'result-dir'],
  start: ['job-id', ...ANSWER, ...COUNTS, 'result-dir'],
  abort: ['job-id', ...ANSWER, ...COUNTS, 'result-dir'],
  status: ['job-id', ...ANSWER, ...COUNTS, 'result-dir'],
  load: [
    'job-id',
    'job-ids',
    ...ANSWER,
    ...COUNTS,
    'rejected-records',
    'parts',
    'result-dir',
    'skipped-records',
    'id-map'
  ]
}
