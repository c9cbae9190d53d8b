// Reads what a report holds with Zoho's Bulk Read (zoho-bulk-api.md, "Bulk Read"): a read job for
// each batch of up to 200,000 records, followed as frugally as an insert job (poll.ts), its ZIP's
// CSV read streamed and handed over a row at a time; the next batch follows the cursor. Each ZIP is
// removed once read, and its CSV may inflate only so far: memory and disk stay a batch's at most.
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { CsvReader } from '../csv/reader.ts'
import { ActionError, LocalFileError, RetriesExhaustedError } from '../errors.ts'
import { describeStatus, waitForJob, type WaitSettings } from '../poll.ts'
import { counted } from '../text.ts'
import { zipCsv } from '../zip.ts'
import type { Connection } from '../zoho/api.ts'
import {
  createReadJob,
  downloadReadResult,
  fetchReadStatus,
  type ReadStatus
} from '../zoho/bulk-read.ts'
import type { CallContext } from '../zoho/call.ts'
import type { ReadJobRef, ReportRef } from '../zoho/endpoints.ts'
import type { ReadQuery } from '../zoho/requests.ts'
import { classify } from '../zoho/retry-table.ts'

/** The most records a read job reads: Zoho's largest batch, for the fewest calls. */
export const READ_BATCH_RECORDS = 200_000

// A batch's CSV holds the few fields asked for of at most READ_BATCH_RECORDS records: a record
// that runs on beyond this is no such record (a quote never closed, or a ZIP bomb).
const MAX_RECORD_BYTES = 1024 * 1024

// Zoho keeps a cursor 15 minutes, and a form holds far fewer records than this many batches read:
// a cursor that never ends is Zoho's fault, and stops the read.
const MAX_BATCHES = 1000

export interface ReportReading {
  /** The report and the fields to read: the CSV's columns, in this order, for `visit`. */
  readonly report: ReportRef
  readonly fields: readonly string[]
  /** Where each batch's ZIP is saved while it is read. */
  readonly dir: string
  /** How each read job is waited for. */
  readonly wait: WaitSettings
}

export interface ReportRead {
  readonly records: number
  readonly batches: number
}

/**
 * Reads every record of the report: `visit` has the values of the fields asked for, in their
 * order, record by record. A read that cannot be completed is an ActionError saying why.
 */
export async function readReport(
  reading: ReportReading,
  visit: (values: readonly string[]) => void,
  connection: Connection,
  context: CallContext
): Promise<ReportRead> {
  const { report, fields } = reading
  let query: ReadQuery = { fields, maxRecords: READ_BATCH_RECORDS }
  let records = 0
  for (let batch = 1; ; batch++) {
    if (batch > MAX_BATCHES)
      throw new ActionError(
        `Zoho gave a cursor to a next batch ${MAX_BATCHES} times when reading report ` +
          `${report.report}: the read stops there. Run the step again.`
      )
    const job = await createReadJob(connection, report, query, context)
    const done = await finished(job, reading.wait, connection, context)
    const path = join(reading.dir, `read-${batch}.zip`)
    try {
      await downloadReadResult(connection, job, path, context)
      const most = done.count ?? READ_BATCH_RECORDS
      const read = await readBatch(path, { fields, most, batch, report: report.report }, visit)
      if (done.count !== undefined && read !== done.count)
        throw new ActionError(
          `Zoho said batch ${batch} of report ${report.report} holds ${counted(done.count, 'record')}, ` +
            `and its CSV holds ${read}: the read is not trusted. Run the step again.`
        )
      records += read
    } finally {
      await rm(path, { force: true })
    }
    if (done.cursor === undefined) {
      context.log(
        `Read ${counted(records, 'record')} of report ${report.report} in ${counted(batch, 'batch', 'batches')}.`
      )
      return { records, batches: batch }
    }
    query = { cursor: done.cursor }
  }
}

/** Waits for the read job to complete: its last status, or an ActionError saying how it ended. */
async function finished(
  job: ReadJobRef,
  wait: WaitSettings,
  connection: Connection,
  context: CallContext
): Promise<ReadStatus> {
  let last: ReadStatus | undefined
  const waited = await waitForJob(wait, context.clock.now() + wait.timeoutMs, {
    readStatus: async () => {
      last = await fetchReadStatus(connection, job, context)
      return last.status
    },
    isPassing: error => error instanceof RetriesExhaustedError || classify(error).retry,
    clock: context.clock,
    log: line => {
      context.log(`Read of report ${job.report}: ${line}`)
    },
    ...(context.signal === undefined ? {} : { signal: context.signal })
  })
  if (waited.error !== undefined) throw waited.error
  if (waited.end === 'timed-out')
    throw new ActionError(
      `The read of report ${job.report} did not complete within wait-timeout (it was ` +
        `${describeStatus(waited.status)}): raise wait-timeout, or run the step again later.`
    )
  if (last === undefined || waited.status?.state !== 'Completed')
    throw new ActionError(
      `Zoho's read of report ${job.report} ended ${describeStatus(waited.status)}, not Completed: ` +
        'run the step again; if it ends so again, check the report in Creator.'
    )
  return last
}

interface Batch {
  readonly fields: readonly string[]
  /** The most records it may hold: Zoho's count, or a batch's size. */
  readonly most: number
  readonly batch: number
  readonly report: string
}

/**
 * Hands over each record of the batch's CSV: the values of `fields`, by the CSV's header. Memory
 * stays a piece of the CSV and a record, and the read stops at the first record too many.
 */
async function readBatch(
  path: string,
  { fields, most, batch, report }: Batch,
  visit: (values: readonly string[]) => void
): Promise<number> {
  const csv = await zipCsv(path)
  if (csv === undefined)
    throw new ActionError(`Zoho's read of report ${report} holds no CSV file: run the step again.`)
  const reader = new CsvReader()
  const decoder = new TextDecoder()
  let columns: number[] | undefined
  let records = 0
  /** The bytes read since a record last ended: the record under way is at most this long. */
  let underWay = 0
  const drain = (): void => {
    for (const row of reader.rows) {
      if (row.length === 0) continue
      if (columns === undefined) {
        columns = columnsOf(row, fields, report)
        continue
      }
      records += 1
      if (records > most)
        throw new ActionError(
          `Batch ${batch} of Zoho's read of report ${report} holds more than the ` +
            `${counted(most, 'record')} it can: the read is not trusted. Run the step again.`
        )
      visit(columns.map(column => row[column] ?? ''))
    }
  }
  try {
    for await (const chunk of csv) {
      reader.push(decoder.decode(chunk as Buffer, { stream: true }))
      underWay = reader.rows.length > 0 ? 0 : underWay + (chunk as Buffer).length
      if (underWay > MAX_RECORD_BYTES)
        throw new LocalFileError(
          `A record of Zoho's read of report ${report} runs over ${MAX_RECORD_BYTES} bytes: ` +
            'no record of the fields asked for is that long.'
        )
      drain()
      reader.rows.length = 0
    }
  } finally {
    csv.destroy()
  }
  reader.push(decoder.decode())
  reader.end()
  drain()
  return records
}

/** Where each field is among the CSV's columns; a field missing from them fails the read. */
function columnsOf(header: readonly string[], fields: readonly string[], report: string): number[] {
  const names = header.map(name => name.trim())
  return fields.map(field => {
    const column = names.indexOf(field)
    if (column === -1)
      throw new ActionError(
        `Zoho's read of report ${report} has no column ${JSON.stringify(field)} (its columns: ` +
          `${names.map(name => JSON.stringify(name)).join(', ')}): check that the report shows that field.`
      )
    return column
  })
}
