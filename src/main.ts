// The action's flow: settings → the file checked → an access token → the operations the action names
// (the table below) → outputs, annotations and job summary, with a cancel heard all along. A job
// the run leaves behind after a failure or a cancel is aborted before the step ends.
import * as core from '@actions/core'
import { type Cancellation, cancelOnSignals } from './cancel.ts'
import { systemClock } from './clock.ts'
import { ActionError, CancelledError, InputError, failureMessage } from './errors.ts'
import { type ActionName, readSettings } from './inputs.ts'
import { discardCopy } from './job-file.ts'
import { load } from './load.ts'
import { unlessDryRun } from './dry-run.ts'
import { MAX_PARAGRAPH_CHARS, type RunRecord, rerun, writeSummary } from './report.ts'
import { abortJob, withNote } from './held-job.ts'
import {
  abort,
  checkHeader,
  create,
  follow,
  type JobRun,
  keepCheckFiles,
  openJobRun,
  readStatus,
  resolveLookups,
  start,
  type JobOperation,
  upload
} from './job-operations.ts'
import { Secrets } from './secrets.ts'
import { cut } from './text.ts'

const OPERATIONS: { readonly [A in ActionName]: readonly JobOperation<A>[] } = {
  create: [create],
  upload: [checkHeader, unlessDryRun(upload)],
  start: [start, follow],
  abort: [abort, follow],
  status: [readStatus, follow],
  load: [resolveLookups, checkHeader, unlessDryRun(load)]
}

const FAILURE_EXIT_CODE = 1

// After a cancel, the abort of a job left running has until about 8 s after the first signal:
// the runner kills the step at 10 s.
const ABORT_ON_CANCEL_MS = 6000

export async function runMain(): Promise<void> {
  const secrets = new Secrets()
  const cancellation = cancelOnSignals()
  const record: RunRecord = {
    startedMs: systemClock.now(),
    calls: { made: 0 },
    mints: { made: 0 },
    events: []
  }
  try {
    await act(record, secrets, cancellation)
  } catch (error) {
    fail(error, record, secrets)
  }
  await writeSummary(record, systemClock.now(), secrets)
  cancellation.dispose()
}

async function act(record: RunRecord, secrets: Secrets, cancellation: Cancellation): Promise<void> {
  const settings = (record.settings = readSettings(secrets))
  for (const warning of settings.warnings) core.warning(warning)
  const warning = rerun(settings)
  if (warning !== undefined) core.warning(warning)
  if ('jobId' in settings) {
    record.jobId = settings.jobId
    core.setOutput('job-id', settings.jobId)
  }
  const run = await openJobRun(settings, record, secrets, cancellation.signal)
  const given = run.file
  try {
    // Minted before the job is touched, so that an auth failure is told as one, with no API call.
    await run.connection.tokens.current(run.context)
    await performHeld(run, cancellation)
  } finally {
    // The copy in Zoho's dialect, and the copy of the rows to load that bad-rows: skip leaves
    // (when it left none, run.file is the given file again, and its second discard does nothing).
    await discardCopy(given)
    await discardCopy(run.file)
    await keepCheckFiles(record)
  }
}

/** The operations, with a job the run still holds at a failure or a cancel aborted. */
async function performHeld(run: JobRun, cancellation: Cancellation): Promise<void> {
  try {
    await perform(run)
  } catch (error) {
    throw await cleanUp(run, error, cancellation)
  }
  run.held.release()
}

/** The operations the run's action names, in turn. */
async function perform<A extends ActionName>(run: JobRun<A>): Promise<void> {
  const operations: readonly JobOperation<A>[] = OPERATIONS[run.settings.action]
  for (const operation of operations) await operation(run)
}

/** Aborts a job the failed run still holds, and says so in the error it ends with. */
async function cleanUp(run: JobRun, error: unknown, cancellation: Cancellation): Promise<unknown> {
  const { held, record, connection, context } = run
  const why = held.abortReason(error)
  const { job } = held
  if (why === undefined || job === undefined || !(error instanceof ActionError)) {
    held.release()
    const goesOn = error instanceof CancelledError && held.goesOn
    return goesOn ? withNote(error, 'The job goes on in Zoho.') : error
  }
  const cancelled = error instanceof CancelledError
  // Only after a cancel does an exit wait to be held (holdExit does nothing otherwise).
  cancellation.holdExit(ABORT_ON_CANCEL_MS + 1500)
  const deadline = cancelled ? systemClock.now() + ABORT_ON_CANCEL_MS : undefined
  const { aborted, note } = await abortJob(job, why, connection, context, deadline)
  // A job the abort did not reach stays saved for the post step, which tries again.
  if (aborted) held.ended()
  record.events.push(aborted ? ['Aborted', `as ${why}`] : ['Not aborted', note])
  return withNote(error, note)
}

/** One error line per problem, without a stack trace unless debug logging is on and it is a bug. */
function fail(error: unknown, record: RunRecord, secrets: Secrets): void {
  if (error instanceof Error && !(error instanceof ActionError))
    // Stryker disable next-line StringLiteral: unreachable, an Error made by a throw has a stack
    core.debug(secrets.redact(error.stack ?? ''))
  if (error instanceof CancelledError) record.cancelled = error.message
  const problems = error instanceof InputError ? error.problems : [failureMessage(error)]
  const lines = problems.map(problem => cut(secrets.redact(problem), MAX_PARAGRAPH_CHARS))
  record.failure = lines.join(' ')
  for (const line of lines) core.error(line)
  // Not core.ExitCode: @github/local-action's stand-in for @actions/core has none.
  process.exitCode = FAILURE_EXIT_CODE
}
