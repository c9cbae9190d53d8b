// The action's flow: settings → start or abort (with an access token) → (wait → results) →
// outputs, annotations and job summary, with a cancel heard all along.
import * as core from '@actions/core'
import { cancelOnSignals } from './cancel.ts'
import { systemClock } from './clock.ts'
import { ActionError, CancelledError, InputError, failureMessage } from './errors.ts'
import { followJob } from './follow.ts'
import { readSettings } from './inputs.ts'
import { startOrAbort } from './job-action.ts'
import {
  MAX_FAILURE_CHARS,
  reportJob,
  reportOutcome,
  type RunRecord,
  writeSummary
} from './report.ts'
import { Secrets } from './secrets.ts'
import { cut, logLine } from './text.ts'
import { accessTokens } from './zoho/auth.ts'
import type { CallContext } from './zoho/call.ts'

export async function run(): Promise<void> {
  const secrets = new Secrets()
  const cancellation = cancelOnSignals()
  const record: RunRecord = {
    startedMs: systemClock.now(),
    calls: { made: 0 },
    mints: { made: 0 }
  }
  try {
    await act(record, secrets, cancellation.signal)
  } catch (error) {
    fail(error, record, secrets)
  }
  await writeSummary(record, systemClock.now(), secrets)
  cancellation.dispose()
}

async function act(record: RunRecord, secrets: Secrets, signal: AbortSignal): Promise<void> {
  const settings = (record.settings = readSettings(secrets))
  for (const warning of settings.warnings) core.warning(warning)
  const context: CallContext = {
    policy: settings.retry,
    timeoutMs: settings.timeoutMs,
    clock: systemClock,
    calls: record.calls,
    log: line => {
      core.info(logLine(secrets.redact(line)))
    },
    redact: text => secrets.redact(text),
    signal
  }
  const connection = {
    apiBaseUrl: settings.apiBaseUrl,
    environment: settings.environment,
    tokens: accessTokens(settings.auth, settings.dataCentre, secrets, record.mints)
  }
  // Minted before the job is touched, so that an auth failure is told as one, with no API call.
  await connection.tokens.current(context)
  const outcome = (record.outcome = await startOrAbort(
    settings.job,
    settings.action,
    connection,
    context
  ))
  reportOutcome(outcome, secrets)
  if (outcome.error !== undefined) throw outcome.error
  if (outcome.warning === undefined)
    context.log(`Zoho answered code ${outcome.reply?.code}: ${outcome.reply?.message ?? ''}`)
  if (settings.wait === undefined) return
  const job = (record.job = await followJob(
    settings.job,
    settings.action,
    settings.wait,
    connection,
    context
  ))
  reportJob(job, secrets)
  if (job.failure === undefined) return
  throw job.wait.end === 'cancelled'
    ? new CancelledError(job.failure)
    : new ActionError(job.failure)
}

/** One error line per problem, without a stack trace unless debug logging is on and it is a bug. */
function fail(error: unknown, record: RunRecord, secrets: Secrets): void {
  if (error instanceof Error && !(error instanceof ActionError))
    core.debug(secrets.redact(error.stack ?? ''))
  if (error instanceof CancelledError) record.cancelled = error.message
  const problems = error instanceof InputError ? error.problems : [failureMessage(error)]
  const lines = problems.map(problem => cut(secrets.redact(problem), MAX_FAILURE_CHARS))
  record.failure = lines.join(' ')
  for (const line of lines) core.error(line)
  process.exitCode = core.ExitCode.Failure
}
