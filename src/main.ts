// The action's flow: settings → request → Zoho's reply → outputs, annotation and job summary.
import * as core from '@actions/core'
import { ActionError, failureMessage } from './errors.ts'
import { readSettings, type Settings } from './inputs.ts'
import { setOutputs, writeSummary } from './report.ts'
import { Secrets } from './secrets.ts'
import { send } from './zoho/client.ts'
import { jobActionRequest } from './zoho/requests.ts'
import { parseReply, replyError, type ZohoReply } from './zoho/response.ts'

export async function run(): Promise<void> {
  const secrets = new Secrets()
  let settings: Settings | undefined
  let reply: ZohoReply | undefined
  let failure: string | undefined
  try {
    settings = readSettings(secrets)
    const request = jobActionRequest(settings, settings.job, settings.action)
    core.info(`${request.method} ${secrets.redact(request.url)} (action: ${settings.action})`)
    reply = parseReply(await send(request))
    setOutputs(reply, secrets)
    const error = replyError(reply, `${settings.action} the job`)
    if (error !== undefined) throw error
    core.info(`Zoho answered code ${reply.code}: ${secrets.redact(reply.status ?? '')}`)
  } catch (error) {
    // A stack trace helps only with a bug, and only when the user turns on debug logging.
    if (error instanceof Error && !(error instanceof ActionError)) {
      core.debug(secrets.redact(error.stack ?? ''))
    }
    failure = secrets.redact(failureMessage(error))
    core.setFailed(failure)
  }
  if (settings !== undefined) await writeSummary({ settings, reply, failure }, secrets)
}
