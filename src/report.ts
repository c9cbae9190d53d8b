// What the step hands back: outputs for later steps and a job summary for people. The runner
// masks secrets only in the log, so everything written here goes through Secrets first.
import * as core from '@actions/core'
import type { Settings } from './inputs.ts'
import type { ActionOutcome } from './job-action.ts'
import { MASK, type Secrets } from './secrets.ts'
import type { ZohoReply } from './zoho/response.ts'

export interface Outcome {
  readonly settings: Settings
  /** Zoho's answer, when one came back. */
  readonly reply: ZohoReply | undefined
  /** Why the step failed; undefined when it succeeded. */
  readonly failure: string | undefined
}

/** Hands what Zoho answered to later steps, and warns of what the user should know. */
export function reportOutcome(outcome: ActionOutcome, secrets: Secrets): void {
  if (outcome.reply !== undefined) setOutputs(outcome.reply, secrets)
  if (outcome.warning !== undefined) core.warning(secrets.redact(outcome.warning))
}

function setOutputs(reply: ZohoReply, secrets: Secrets): void {
  core.setOutput('http-status', String(reply.httpStatus))
  if (reply.data === undefined) return
  core.setOutput('response', secrets.redactJson(reply.body))
  if (reply.code !== undefined) core.setOutput('code', String(reply.code))
  if (reply.status !== undefined) core.setOutput('status', secrets.redact(reply.status))
}

export async function writeSummary(outcome: Outcome, secrets: Secrets): Promise<void> {
  // Outside a runner (a local run) there is no summary file to write to.
  if (!process.env['GITHUB_STEP_SUMMARY']) return
  const { settings, reply, failure } = outcome
  const rows: [string, string][] = [
    ['Action', settings.action],
    ['Data centre', `${settings.dataCentre.code} (${settings.apiBaseUrl})`],
    ['App / form', `${settings.job.app} / ${settings.job.form}`],
    ['Job ID', MASK],
    ['Environment', settings.environment],
    [
      'Authentication',
      settings.auth.kind === 'token'
        ? 'access token'
        : `refresh token of client ${settings.auth.credentials.clientId}`
    ],
    ['HTTP status', reply === undefined ? 'no response' : String(reply.httpStatus)],
    ['Zoho code', reply?.code === undefined ? '—' : String(reply.code)],
    ['Zoho status', reply?.status ?? '—']
  ]
  const summary = core.summary
    .addHeading(
      `Zoho Creator bulk insert: ${settings.action} ${failure ? 'failed ❌' : 'succeeded ✅'}`,
      3
    )
    .addTable([
      [
        { data: 'Field', header: true },
        { data: 'Value', header: true }
      ],
      ...rows.map(([field, value]) => [field, escapeHtml(secrets.redact(value))])
    ])
  if (failure !== undefined) summary.addRaw(`<p>${escapeHtml(secrets.redact(failure))}</p>`, true)
  try {
    await summary.write()
  } catch (error) {
    // The summary is a courtesy: failing to write it must not change the step's result.
    core.warning(
      `Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`
    )
  }
}

function escapeHtml(text: string): string {
  const entities: Record<string, string> = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#39;'
  }
  return text.replace(/[&<>"']/g, char => entities[char] ?? char)
}
