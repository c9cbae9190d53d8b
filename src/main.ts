// The action's flow: settings → access token → start or abort → (wait → results) → outputs,
// annotations and job summary.
import * as core from '@actions/core'
import { ActionError, failureMessage } from './errors.ts'
import { followJob } from './follow.ts'
import { readSettings } from './inputs.ts'
import { startOrAbort } from './job-action.ts'
import { reportJob, reportOutcome, type RunRecord, writeSummary } from './report.ts'
import { systemClock } from './retry.ts'
import { Secrets } from './secrets.ts'
import { accessToken } from './zoho/auth.ts'
import type { CallContext } from './zoho/client.ts'

export async function run(): Promise<void> {
  const secrets = new Secrets()
  const record: RunRecord = { startedMs: systemClock.now(), calls: { made: 0 } }
  try {
    await act(record, secrets)
  } catch (error) {
    // A stack trace helps only with a bug, and only when the user turns on debug logging.
    if (error instanceof Error && !(error instanceof ActionError))
      core.debug(secrets.redact(error.stack ?? ''))
    record.failure = secrets.redact(failureMessage(error))
    core.setFailed(record.failure)
  }
  await writeSummary(record, systemClock.now(), secrets)
}

async function act(record: RunRecord, secrets: Secrets): Promise<void> {
  const settings = (record.settings = readSettings(secrets))
  const context: CallContext = {
    policy: settings.retry,
    timeoutMs: settings.timeoutMs,
    clock: systemClock,
    calls: record.calls,
    log: line => {
      core.info(secrets.redact(line))
    }
  }
  const token = await accessToken(settings.auth, settings.dataCentre, secrets, context)
  const connection = { apiBaseUrl: settings.apiBaseUrl, token, environment: settings.environment }
  const outcome = (record.outcome = await startOrAbort(
    settings.job,
    settings.action,
    connection,
    context
  ))
  reportOutcome(outcome, secrets)
  if (outcome.error !== undefined) throw outcome.error
  context.log(`Zoho answered code ${outcome.reply?.code}: ${outcome.reply?.status ?? ''}`)
  if (settings.wait === undefined) return
  const job = (record.job = await followJob(
    settings.job,
    settings.action,
    settings.wait,
    connection,
    context
  ))
  reportJob(job, secrets)
  if (job.failure !== undefined) throw new ActionError(job.failure)
}
