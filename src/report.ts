// What the step hands back: outputs for later steps and a job summary for people. The runner
// masks secrets only in the log, so everything written here goes through Secrets first.
import * as core from '@actions/core'
import type { FollowedJob } from './follow.ts'
import type { Settings } from './inputs.ts'
import type { ActionOutcome } from './job-action.ts'
import type { CsvPreview } from './results.ts'
import { MASK, type Secrets } from './secrets.ts'
import { stateName } from './zoho/job-status.ts'
import type { ZohoReply } from './zoho/response.ts'

/** What a run did, gathered as it goes, for the job summary. */
export interface RunRecord {
  readonly startedMs: number
  readonly calls: { made: number }
  settings?: Settings
  outcome?: ActionOutcome
  job?: FollowedJob
  /** Why the step failed; undefined when it succeeded. */
  failure?: string
}

/** Hands what Zoho answered to later steps, and warns of what the user should know. */
export function reportOutcome(outcome: ActionOutcome, secrets: Secrets): void {
  const { reply } = outcome
  if (reply !== undefined) {
    core.setOutput('http-status', String(reply.httpStatus))
    if (reply.data !== undefined) {
      core.setOutput('response', secrets.redactJson(reply.body))
      if (reply.code !== undefined) core.setOutput('code', String(reply.code))
      if (reply.status !== undefined) core.setOutput('status', secrets.redact(reply.status))
    }
  }
  if (outcome.warning !== undefined) core.warning(secrets.redact(outcome.warning))
}

const COUNT_OUTPUTS = {
  total: 'total-records',
  success: 'success-records',
  failed: 'failed-records',
  unprocessed: 'unprocessed-records'
} as const

/** Hands the followed job's state, counts and result folder to later steps. */
export function reportJob(job: FollowedJob, secrets: Secrets): void {
  const { status } = job.wait
  core.setOutput('job-status', secrets.redact(stateName(status)))
  for (const [count, output] of Object.entries(COUNT_OUTPUTS)) {
    const value = status.records[count as keyof typeof COUNT_OUTPUTS]
    if (value !== undefined) core.setOutput(output, String(value))
  }
  if (job.resultDir !== undefined) core.setOutput('result-dir', job.resultDir)
  for (const file of job.files)
    if (file.warning !== undefined) core.warning(secrets.redact(file.warning))
}

export async function writeSummary(
  record: RunRecord,
  now: number,
  secrets: Secrets
): Promise<void> {
  // Outside a runner (a local run) there is no summary file to write to.
  if (!process.env['GITHUB_STEP_SUMMARY'] || record.settings === undefined) return
  const { settings, failure } = record
  const reply = record.outcome?.reply
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
      ...[
        ...describeRun(settings, reply),
        ...describeJob(record.job),
        ...describeCost(record, now)
      ].map(([field, value]) => [field, escapeHtml(secrets.redact(value))])
    ])
  if (failure !== undefined) summary.addRaw(`<p>${escapeHtml(secrets.redact(failure))}</p>`, true)
  const preview = record.job?.preview
  if (preview !== undefined) addPreview(summary, preview, secrets)
  try {
    await summary.write()
  } catch (error) {
    // The summary is a courtesy: failing to write it must not change the step's result.
    core.warning(
      `Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`
    )
  }
}

type Row = [field: string, value: string]

function describeRun(settings: Settings, reply: ZohoReply | undefined): Row[] {
  return [
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
}

function describeJob(job: FollowedJob | undefined): Row[] {
  if (job === undefined) return []
  const { status } = job.wait
  const count = (value: number | undefined): string => (value === undefined ? '—' : String(value))
  return [
    ['Final state', `${stateName(status)}${job.wait.finished ? '' : ' (still running)'}`],
    ['Total records', count(status.records.total)],
    ['Succeeded', count(status.records.success)],
    ['Failed', count(status.records.failed)],
    ['Unprocessed', count(status.records.unprocessed)]
  ]
}

function describeCost(record: RunRecord, now: number): Row[] {
  return [
    ['Wall time', `${((now - record.startedMs) / 1000).toFixed(1)} s`],
    ['API calls', String(record.calls.made)]
  ]
}

function addPreview(summary: typeof core.summary, preview: CsvPreview, secrets: Secrets): void {
  const cell = (text: string) => escapeHtml(secrets.redact(text))
  summary
    .addHeading(`Failed rows${preview.more ? ` (the first ${preview.rows.length})` : ''}`, 4)
    .addTable([
      preview.header.map(name => ({ data: cell(name), header: true })),
      ...preview.rows.map(row => row.map(cell))
    ])
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
