// What the step hands back: outputs for later steps and a job summary for people. The runner
// masks secrets only in the log, so everything written here is redacted first, then cut to size:
// GitHub drops a whole job summary over 1 MiB, and a blank line inside its HTML lets the rest
// render as markdown. Each cell is at most 200 characters (about 1,200 once escaped), the preview
// at most 21 rows of 20 cells, and the failure 4,000 characters: the summary stays near half that
// limit, whatever Zoho sends (a test feeds it the worst case).
import * as core from '@actions/core'
import { messageOf } from './errors.ts'
import { type Settings, waitOf } from './inputs.ts'
import type { FollowedJob } from './operations/follow.ts'
import type { ValueReport } from './operations/check-values.ts'
import type { ActionOutcome } from './operations/start-abort.ts'
import type { CsvPreview } from './results.ts'
import { jobIdForLog, type Secrets } from './secrets.ts'
import { counted, cut } from './text.ts'
import { describeStatus, failedButPassed } from './poll.ts'
import { type JobStatus, stateName } from './zoho/job-status.ts'
import type { Counter } from './zoho/call.ts'
import type { ZohoReply } from './zoho/reply.ts'
import { VALUE_PROBLEMS } from './zoho/values.ts'

/** What a run did, gathered as it goes, for the job summary. */
export interface RunRecord {
  readonly startedMs: number
  /** Calls to the Creator API, which count against the user's daily budget. */
  readonly calls: Counter
  /** Requests to the accounts server for an access token. */
  readonly mints: Counter
  settings?: Settings
  /** What happened to the job, step by step, for the summary: [step, what came of it]. */
  readonly events: [step: string, detail: string][]
  /** The job worked on: the one job-id names, or the one this run created. */
  jobId?: string
  /** The status a status action read. */
  status?: JobStatus
  /** The job as the wait followed it (a load in parts: the part's). */
  job?: FollowedJob
  /** A load with a key: the records of the file Zoho holds already (skipped.csv), and the others. */
  keyed?: { readonly skipped: number; readonly toLoad: number }
  /** A load in parts: the folder of the parts' result files, merged. */
  resultDir?: string
  /** A load in parts: the first failed rows, with Zoho's reasons, over all its parts. */
  failedRows?: CsvPreview
  /** Zoho's last answer, as the outputs give it. */
  reply?: ZohoReply
  /** Why the step failed; undefined when it succeeded. */
  failure?: string
  /** The signal that cancelled the step, when one did. */
  cancelled?: string
  /** A load in parts: each part's job, in order. */
  parts?: PartReport[]
  /** A load in parts: the last part's state, with the counts of every part summed. */
  partsStatus?: JobStatus
  /** A dry run: what the load or upload would do. */
  plan?: LoadPlan
  /** With check-values, when rows hold values the form would refuse: what they are. */
  values?: ValueReport
  /** With lookups, when rows hold a value that matches no record: the rows left out. */
  lookups?: { readonly rejected: number }
  /** Where problems.csv (and rejected.csv) are, while no job's result folder holds them. */
  checkDir?: string
}

/** The records of a file a load would send in one job. */
export interface PlannedPart {
  readonly index: number
  /** The rows of the file, the header being row 1 (a record is one row). */
  readonly firstRow: number
  readonly lastRow: number
  readonly records: number
}

/** What a dry run found a load would do. */
export interface LoadPlan {
  readonly records: number
  /** The jobs it would take, in order. */
  readonly parts: readonly PlannedPart[]
}

/** One part of a load in parts, for the summary. */
export interface PartReport extends PlannedPart {
  /** Whether the load got to this part. */
  tried?: boolean
  jobId?: string
  status?: JobStatus
}

const DAILY_BUDGET = '250 to 1000 calls'
const MAX_CELL_CHARS = 200
/** The longest paragraph: a line of the failure, in the log and the summary, or a warning there. */
export const MAX_PARAGRAPH_CHARS = 4000
const MAX_PREVIEW_COLUMNS = 20
const MAX_STATUS_OUTPUT_CHARS = 1000
const MAX_RESPONSE_OUTPUT_CHARS = 64 * 1024
const CUT_MARK = '… (cut)'

/** Hands what Zoho answered to later steps, and warns of what the user should know. */
export function reportOutcome(outcome: ActionOutcome, secrets: Secrets): void {
  const { reply } = outcome
  if (reply !== undefined) {
    core.setOutput('http-status', String(reply.httpStatus))
    if (reply.data !== undefined) {
      const response = secrets.redactJson(reply.body)
      if (response.length <= MAX_RESPONSE_OUTPUT_CHARS) core.setOutput('response', response)
      else
        core.warning(
          `Zoho's response is ${response.length} characters long, more than the response output ` +
            `takes (${MAX_RESPONSE_OUTPUT_CHARS}); the output is left empty.`
        )
      if (reply.code !== undefined) core.setOutput('code', String(reply.code))
      // A status read may carry no message: its state, as Zoho wrote it, is its status text.
      const text = reply.message ?? outcome.status?.raw
      if (text !== undefined)
        core.setOutput('status', cut(secrets.redact(text), MAX_STATUS_OUTPUT_CHARS, CUT_MARK))
    }
  }
  if (outcome.status !== undefined) reportStatus(outcome.status, secrets)
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
  if (job.wait.status !== undefined) reportStatus(job.wait.status, secrets)
  if (job.resultDir !== undefined) core.setOutput('result-dir', job.resultDir)
  for (const warning of job.warnings) core.warning(secrets.redact(warning))
}

export function reportStatus(status: JobStatus, secrets: Secrets): void {
  core.setOutput('job-status', cut(secrets.redact(stateName(status)), MAX_CELL_CHARS, CUT_MARK))
  for (const [count, output] of Object.entries(COUNT_OUTPUTS)) {
    const value = status.records[count as keyof typeof COUNT_OUTPUTS]
    if (value !== undefined) core.setOutput(output, String(value))
  }
}

export async function writeSummary(
  record: RunRecord,
  now: number,
  secrets: Secrets
): Promise<void> {
  // Outside a runner (a local run) there is no summary file to write to.
  const { settings, failure } = record
  if (!process.env['GITHUB_STEP_SUMMARY'] || settings === undefined) return
  const cell = (text: string): string => summaryCell(text, secrets)
  // A paragraph is cut later than a table's cell: it says what happened, or what to do.
  const paragraph = (text: string): string => summaryCell(text, secrets, MAX_PARAGRAPH_CHARS)
  const status = record.partsStatus ?? record.job?.wait.status ?? record.status
  // What happened and what now first; the details after, folded away.
  let html = `<h3>${cell(headline(settings, record, status))}</h3>\n`
  if (failure !== undefined) html += `<p>${paragraph(failure)}</p>\n`
  const passed =
    failure === undefined
      ? failedButPassed(status, waitOf(settings)?.failOnFailedRecords ?? true)
      : undefined
  if (passed !== undefined)
    html += `<p>⚠️ ${paragraph(`${passed}: their rows and Zoho's reasons are below and in result-dir.`)}</p>\n`
  const again = rerun(settings)
  if (again !== undefined) html += `<p>⚠️ ${paragraph(again)}</p>\n`
  if (record.values !== undefined) html += valuesHtml(record.values, cell)
  const preview = record.failedRows ?? record.job?.preview
  if (preview !== undefined) html += previewHtml(preview, cell)
  const resultDir =
    (record.parts === undefined ? record.job?.resultDir : record.resultDir) ?? record.checkDir
  if (resultDir !== undefined) html += `<p>${paragraph(resultFilesNote(resultDir))}</p>\n`
  if (record.parts !== undefined && record.parts.length > 0)
    html += partsHtml(record.parts, settings, cell)
  if (record.plan !== undefined && record.plan.parts.length > 1) html += planHtml(record.plan, cell)
  html += recordsChart(status)
  const rows = [
    ...describeRun(settings, record, status),
    ...describeJob(status, record.job),
    ...describeCost(record, now)
  ]
  html +=
    '<details><summary>Details: the settings, each step, the API calls</summary>' +
    table(
      ['Field', 'Value'],
      rows.map(([field, value]) => [field, cell(value)])
    )
  if (record.events.length > 0)
    html += table(
      ['Step', 'What happened'],
      record.events.map(row => row.map(cell))
    )
  html += '</details>\n'
  core.summary.addRaw(html)
  try {
    await core.summary.write()
  } catch (error) {
    // The summary is a courtesy: failing to write it must not change the step's result.
    core.warning(`Could not write the job summary: ${messageOf(error)}`)
  }
}

/** The verdict, with the record counts when there are any: "load failed: 9 of 12 records loaded, 3 failed". */
function headline(settings: Settings, record: RunRecord, status: JobStatus | undefined): string {
  const icon = record.cancelled !== undefined ? '⚠️' : record.failure !== undefined ? '❌' : '✅'
  const verdict =
    record.cancelled !== undefined
      ? 'cancelled'
      : record.failure !== undefined
        ? 'failed'
        : 'succeeded'
  if ('dryRun' in settings && settings.dryRun) {
    const { plan } = record
    const what =
      plan === undefined
        ? ''
        : `: ${counted(plan.records, 'record')} in ${counted(plan.parts.length, 'job')}, nothing sent`
    return `${icon} Zoho Creator ${settings.action} dry run ${record.failure === undefined ? 'passed' : verdict}${what}`
  }
  const what =
    settings.action === 'status' && settings.wait === undefined && status !== undefined
      ? `the job is ${describeStatus(status)}`
      : [countsLine(status, record.parts), skippedLine(record)]
          .filter(part => part !== '')
          .join(', ')
  return `${icon} Zoho Creator ${settings.action} ${verdict}${what === '' ? '' : `: ${what}`}`
}

/** "3 already in Zoho", or "all 12 records already in Zoho" when no job was needed. */
function skippedLine({ keyed }: RunRecord): string {
  if (keyed === undefined || keyed.skipped === 0) return ''
  return keyed.toLoad === 0
    ? `all ${counted(keyed.skipped, 'record')} already in Zoho`
    : `${keyed.skipped} already in Zoho (skipped)`
}

/** "9 of 12 records loaded, 3 failed", and the records of parts not attempted; empty without counts. */
function countsLine(
  status: JobStatus | undefined,
  parts: readonly PartReport[] | undefined
): string {
  const { total, success, failed, unprocessed } = status?.records ?? {}
  const notTried = (parts ?? []).filter(part => part.tried !== true)
  const untried = notTried.reduce((sum, part) => sum + part.records, 0)
  const phrases = [
    total === undefined ? '' : `${success ?? 0} of ${counted(total, 'record')} loaded`,
    failed === undefined || failed === 0 ? '' : `${failed} failed`,
    unprocessed === undefined || unprocessed === 0 ? '' : `${unprocessed} not processed`,
    notTried.length === 0
      ? ''
      : `${counted(untried, 'record')} in ${counted(notTried.length, 'part')} not attempted`
  ]
  return phrases.filter(phrase => phrase !== '').join(', ')
}

/** Where the result files are, and how to keep them past the job. */
function resultFilesNote(dir: string): string {
  return (
    `The result files are in result-dir (${dir}). The runner's temporary folder is wiped when ` +
    'the job ends: keep them with an actions/upload-artifact step whose path is the result-dir output.'
  )
}

function partsHtml(
  parts: readonly PartReport[],
  settings: Settings,
  cell: (text: string) => string
): string {
  const loaded = parts.filter(part => part.status?.state === 'Completed').length
  return (
    `<h4>${cell(`Parts: ${loaded} of ${parts.length} completed`)}</h4>\n` +
    table(
      ['Part', 'Job', 'Rows of the file', 'State', 'Succeeded', 'Failed', 'Unprocessed'],
      parts.map(part => partRow(part, settings.maskJobId).map(cell))
    )
  )
}

/** The values the form would refuse: a count per column and kind, then the first problems. */
function valuesHtml(values: ValueReport, cell: (text: string) => string): string {
  return (
    `<h4>${cell(`Values the form would refuse, in ${counted(values.rows, 'row')} (problems.csv in result-dir lists each)`)}</h4>\n` +
    table(
      ['Column', 'Problem', 'Rows', 'First rows'],
      values.kinds.map(kind =>
        [kind.column, VALUE_PROBLEMS[kind.problem], String(kind.rows), kind.first.join(', ')].map(
          cell
        )
      )
    ) +
    table(
      ['Row', 'Column', 'Value', 'Problem'],
      values.first.map(found =>
        [String(found.row), found.column, found.value, found.problem].map(cell)
      )
    )
  )
}

/** The jobs a dry run found the load would take. */
function planHtml(plan: LoadPlan, cell: (text: string) => string): string {
  return (
    `<h4>${cell(`The load would take ${counted(plan.parts.length, 'job')}`)}</h4>\n` +
    table(
      ['Part', 'Rows of the file', 'Records'],
      plan.parts.map(part =>
        [String(part.index), `${part.firstRow}–${part.lastRow}`, String(part.records)].map(cell)
      )
    )
  )
}

type Row = [field: string, value: string]

function partRow(part: PartReport, maskJobId: boolean): string[] {
  const count = (value: number | undefined): string => (value === undefined ? '—' : String(value))
  const { records } = part.status ?? { records: {} }
  return [
    String(part.index),
    part.jobId === undefined ? '—' : jobIdForLog(part.jobId, maskJobId),
    `${part.firstRow}–${part.lastRow} (${counted(part.records, 'record')})`,
    part.status !== undefined
      ? stateName(part.status)
      : part.tried === true
        ? 'not finished'
        : 'not attempted',
    count(records.success),
    count(records.failed),
    count(records.unprocessed)
  ]
}

function describeRun(settings: Settings, record: RunRecord, status: JobStatus | undefined): Row[] {
  const { reply, jobId } = record
  return [
    ['Action', settings.action],
    ['Data centre', `${settings.dataCentre.code} (${settings.apiBaseUrl})`],
    ['App / form', `${settings.form.app} / ${settings.form.form}`],
    ['Job ID', jobId === undefined ? '—' : jobIdForLog(jobId, settings.maskJobId)],
    ['Environment', settings.environment],
    [
      'Authentication',
      settings.auth.kind === 'token'
        ? 'access token'
        : `refresh token of client ${settings.auth.credentials.clientId}`
    ],
    ['HTTP status', reply === undefined ? 'no response' : String(reply.httpStatus)],
    ['Zoho code', reply?.code === undefined ? '—' : String(reply.code)],
    // As the status output gives it: a status read's state in Zoho's words when it has no message.
    ['Zoho status', reply?.message ?? status?.raw ?? '—']
  ]
}

/** The job's state and counts: as the wait left them, or as a status read found them. */
function describeJob(status: JobStatus | undefined, job: FollowedJob | undefined): Row[] {
  if (job === undefined && status === undefined) return []
  const count = (value: number | undefined): string => (value === undefined ? '—' : String(value))
  const running = job === undefined || job.wait.end === 'finished' ? '' : ' (still running)'
  const state = status === undefined ? 'unknown' : stateName(status)
  return [
    [job === undefined ? 'State' : 'Final state', `${state}${running}`],
    ['Total records', count(status?.records.total)],
    ['Succeeded', count(status?.records.success)],
    ['Failed', count(status?.records.failed)],
    ['Unprocessed', count(status?.records.unprocessed)]
  ]
}

function describeCost(record: RunRecord, now: number): Row[] {
  return [
    ['Wall time', `${((now - record.startedMs) / 1000).toFixed(1)} s`],
    [
      'API calls',
      `${record.calls.made} (Zoho allows each user ${DAILY_BUDGET} a day, by plan, shared by every integration)`
    ],
    ...(record.settings?.auth.kind === 'refresh'
      ? [['Access tokens minted', String(record.mints.made)] as Row]
      : [])
  ]
}

/**
 * The warning for a re-run of a load: Zoho's bulk insert only inserts, so the records of the
 * first attempt may go in a second time.
 */
export function rerun(settings: Settings): string | undefined {
  // A load with a key leaves out what Zoho holds: running it again is what it is for.
  if (settings.action !== 'load' || settings.runAttempt <= 1 || settings.key !== undefined)
    return undefined
  return (
    `This is attempt ${settings.runAttempt} of the workflow run: Zoho's bulk insert only inserts, ` +
    'so records an earlier attempt loaded may go in again. A field set to "no duplicate values" ' +
    'in the form turns a second insert into failed rows (see the README).'
  )
}

// Success green, failure red, unprocessed amber: GitHub's own colours for them.
const SLICES = [
  ['Succeeded', 'success', '#2da44e'],
  ['Failed', 'failed', '#cf222e'],
  ['Unprocessed', 'unprocessed', '#bf8700']
] as const

/** The record counts as a pie chart GitHub draws (mermaid): only slices that hold records. */
function recordsChart(status: JobStatus | undefined): string {
  const slices = SLICES.flatMap(([name, count, colour]) => {
    const value = status?.records[count] ?? 0
    return value > 0 ? [{ name, value, colour }] : []
  })
  if (slices.length === 0) return ''
  const colours = slices.map(({ colour }, index) => `"pie${index + 1}": "${colour}"`).join(', ')
  const lines = slices.map(({ name, value }) => `    "${name}" : ${value}`)
  return (
    `\n\`\`\`mermaid\n%%{init: {"theme": "base", "themeVariables": {${colours}}}}%%\n` +
    `pie showData title Records\n${lines.join('\n')}\n\`\`\`\n\n`
  )
}

function previewHtml(preview: CsvPreview, cell: (text: string) => string): string {
  const columns = preview.header.length
  const shown = Math.min(columns, MAX_PREVIEW_COLUMNS)
  const notes = [
    preview.more ? `the first ${preview.rows.length}` : '',
    columns > shown ? `the first ${shown} of ${columns} columns` : ''
  ].filter(note => note !== '')
  return (
    `<h4>Failed rows${notes.length === 0 ? '' : ` (${notes.join('; ')})`}</h4>\n` +
    table(
      preview.header.slice(0, shown).map(cell),
      preview.rows.map(row => row.slice(0, shown).map(cell))
    )
  )
}

/** An HTML table on one line; cells are HTML already. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const row = (cells: readonly string[], tag: 'th' | 'td') =>
    `<tr>${cells.map(text => `<${tag}>${text}</${tag}>`).join('')}</tr>`
  return `<table>${row(header, 'th')}${rows.map(cells => row(cells, 'td')).join('')}</table>\n`
}

/** Text as one summary cell: redacted, cut, escaped, with its line breaks as <br>. */
function summaryCell(text: string, secrets: Secrets, max = MAX_CELL_CHARS): string {
  return escapeHtml(cut(secrets.redact(text), max, CUT_MARK)).replace(/\r\n|\r|\n/g, '<br>')
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
