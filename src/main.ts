// The action's flow: settings → access token → start or abort → outputs, annotation and summary.
import * as core from '@actions/core'
import { ActionError, failureMessage } from './errors.ts'
import { readSettings, type Settings } from './inputs.ts'
import { type ActionOutcome, startOrAbort } from './job-action.ts'
import { reportOutcome, writeSummary } from './report.ts'
import { systemClock } from './retry.ts'
import { Secrets } from './secrets.ts'
import { accessToken } from './zoho/auth.ts'
import type { CallContext } from './zoho/client.ts'

export async function run(): Promise<void> {
  const secrets = new Secrets()
  let settings: Settings | undefined
  let outcome: ActionOutcome | undefined
  let failure: string | undefined
  try {
    settings = readSettings(secrets)
    const context: CallContext = {
      policy: settings.retry,
      timeoutMs: settings.timeoutMs,
      clock: systemClock,
      log: line => core.info(secrets.redact(line))
    }
    const token = await accessToken(settings.auth, settings.dataCentre, secrets, context)
    const connection = { apiBaseUrl: settings.apiBaseUrl, token, environment: settings.environment }
    outcome = await startOrAbort(settings.job, settings.action, connection, context)
    reportOutcome(outcome, secrets)
    if (outcome.error !== undefined) throw outcome.error
    core.info(
      secrets.redact(`Zoho answered code ${outcome.reply?.code}: ${outcome.reply?.status ?? ''}`)
    )
  } catch (error) {
    // A stack trace helps only with a bug, and only when the user turns on debug logging.
    if (error instanceof Error && !(error instanceof ActionError))
      core.debug(secrets.redact(error.stack ?? ''))
    failure = secrets.redact(failureMessage(error))
    core.setFailed(failure)
  }
  if (settings !== undefined)
    await writeSummary({ settings, reply: outcome?.reply, failure }, secrets)
}
