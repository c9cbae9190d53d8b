// What the step does and to which job: the action, the job ID it needs (or must not be given), and
// the file it uploads.
import { isAbsolute, resolve } from 'node:path'
import { JOB_ID } from './place.ts'
import { oneOf, problem, required, type Rule } from './rules.ts'

export const ACTIONS = ['create', 'upload', 'start', 'abort', 'status', 'load'] as const
export type ActionName = (typeof ACTIONS)[number]

/** The actions that work on an existing job, named by job-id. */
const ON_A_JOB: ReadonlySet<ActionName> = new Set(['upload', 'start', 'abort', 'status'])
/** The actions that send a file. */
export const WITH_A_FILE: ReadonlySet<ActionName> = new Set(['upload', 'load'])
/** The actions after which the step may wait for the job. */
export const MAY_WAIT: ReadonlySet<ActionName> = new Set(['start', 'abort', 'status', 'load'])

export function parseAction(value: string): ActionName {
  return oneOf('action', ACTIONS, value, ' (any case)')
}

/**
 * The job ID, required by the actions on a job and refused by those that create one (for which it
 * is empty).
 */
export function parseJobId(action: ActionName | undefined, value: string): string {
  if (action !== undefined && !ON_A_JOB.has(action)) {
    if (value === '') return ''
    throw problem(
      `Input "job-id" must be empty with action "${action}": it creates the job, and sets the job-id output.`
    )
  }
  if (action === undefined && value === '') return ''
  return required('job-id', JOB_ID, value)
}

const FILE: Rule = {
  test: value => !value.includes('\0'),
  allowed: 'the path of a CSV file, or of a ZIP holding one CSV, relative to the workspace',
  echo: true
}

/**
 * The file to upload, as an absolute path: relative ones are in the workspace. Empty for the
 * actions that send no file.
 */
export function parseFile(
  action: ActionName | undefined,
  value: string,
  workspace: string
): string {
  if (action === undefined || !WITH_A_FILE.has(action)) return ''
  const path = required('file', FILE, value)
  return isAbsolute(path) ? path : resolve(workspace, path)
}

/**
 * Warnings for the inputs the action does not use: `raw` as given (a default counts as not given),
 * and whether check-header, check-values, dry-run and wait were asked for.
 */
export function unusedForAction(
  action: ActionName,
  raw: Readonly<
    Record<'file' | 'encoding' | 'delimiter' | 'max-records-per-job' | 'skip-records', string>
  >,
  asked: {
    readonly checkHeader: boolean
    readonly checkValues: boolean
    readonly dryRun: boolean
    readonly wait: boolean
  }
): string[] {
  const warnings: string[] = []
  for (const name of ['max-records-per-job', 'skip-records'] as const) {
    if (raw[name] !== '' && action !== 'load')
      warnings.push(
        `Input "${name}" takes effect only with action "load"; "${action}" loads no file.`
      )
  }
  for (const [name, on] of [
    ['check-header', asked.checkHeader],
    ['check-values', asked.checkValues],
    ['dry-run', asked.dryRun]
  ] as const) {
    if (on && !WITH_A_FILE.has(action))
      warnings.push(
        `Input "${name}" takes effect only with action "upload" or "load"; "${action}" sends no file.`
      )
  }
  for (const name of ['file', 'encoding', 'delimiter'] as const) {
    if (raw[name] !== '' && !WITH_A_FILE.has(action))
      warnings.push(
        `Input "${name}" takes effect only with action "upload" or "load"; "${action}" does not send a file.`
      )
  }
  if (asked.wait && !MAY_WAIT.has(action))
    warnings.push(
      `Input "wait" takes effect only with action "start", "abort", "status" or "load"; "${action}" does not wait.`
    )
  return warnings
}
