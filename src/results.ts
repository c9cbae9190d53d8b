// Downloads the result files of a finished job into result-dir, and reads the first rows of the
// failure CSV for the job summary. The ZIPs are read by zip.ts as streams, and a reader stops once
// it has what it needs, so that no ZIP, however far it inflates, takes more than that.
import { createWriteStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import { join } from 'node:path'
import { ActionError, CancelledError, LocalFileError, messageOf } from './errors.ts'
import { CsvReader } from './csv/reader.ts'
import { MAX_FILE_BYTES } from './job-file.ts'
import { zipCsv } from './zip.ts'
import { withoutHeader } from './csv/split.ts'
import { type Connection, downloadApi } from './zoho/api.ts'
import type { CallContext } from './zoho/call.ts'
import type { JobRef } from './zoho/endpoints.ts'
import { replyError, ZohoError } from './zoho/reply.ts'
import { type ResultFilter, resultRequest } from './zoho/requests.ts'

export interface ResultFile {
  readonly filter: ResultFilter
  /** Where the ZIP was saved; undefined when there is none. */
  readonly path?: string
  /** Why there is no file, for a warning. */
  readonly warning?: string
}

/** Downloads each result file asked for as `<filter>.zip` in `dir`; a missing one is a warning. */
export async function downloadResults(
  filters: readonly ResultFilter[],
  dir: string,
  job: JobRef,
  connection: Connection,
  context: CallContext
): Promise<ResultFile[]> {
  const files: ResultFile[] = []
  for (const filter of filters) {
    const path = join(dir, `${filter}.zip`)
    try {
      await downloadApi(
        connection,
        resultRequest(connection, job, filter),
        path,
        reply =>
          replyError(reply, `hand over the ${filter} results`, 'result') ??
          new ZohoError(
            `Zoho sent no ZIP for the ${filter} results (HTTP ${reply.httpStatus}): ${reply.quoted.body}.`,
            reply
          ),
        context
      )
      files.push({ filter, path })
    } catch (error) {
      if (!(error instanceof ActionError) || error instanceof CancelledError) throw error
      files.push({ filter, warning: `No ${filter}.zip: ${error.message}` })
    }
  }
  return files
}

// A result file holds at most the rows of one job's file (100 MB) and Zoho's reasons: a CSV that
// inflates to more is no result file, and is not written out.
const MAX_RESULT_CSV_BYTES = 2 * MAX_FILE_BYTES

/**
 * Appends the CSV in the result ZIP `zipPath` to the CSV `into`: whole when `first`, else without
 * its header row, so that the parts of a load give one file per filter.
 */
export async function appendResultCsv(
  zipPath: string,
  into: string,
  first: boolean
): Promise<void> {
  const csv = await zipCsv(zipPath)
  if (csv === undefined) throw new LocalFileError(`${zipPath} holds no .csv file.`)
  const rows = first ? csv : Readable.from(withoutHeader(csv))
  const lineBreak = !first && !(await endsWithLineBreak(into))
  await pipeline(
    rows,
    capped(zipPath, lineBreak),
    createWriteStream(into, { flags: first ? 'w' : 'a' })
  )
}

/** Passes bytes on up to the cap, after a line break when one is needed first. */
function capped(path: string, lineBreakFirst: boolean) {
  return async function* (source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    if (lineBreakFirst) yield Buffer.from('\r\n')
    let bytes = 0
    for await (const chunk of source) {
      bytes += chunk.length
      if (bytes > MAX_RESULT_CSV_BYTES) {
        throw new LocalFileError(
          `${path} inflates to more than ${MAX_RESULT_CSV_BYTES} bytes: no result file of one job is that large.`
        )
      }
      yield chunk
    }
  }
}

async function endsWithLineBreak(path: string): Promise<boolean> {
  const file = await open(path, 'r')
  try {
    const { size } = await file.stat()
    if (size === 0) return true
    const { buffer } = await file.read(Buffer.alloc(1), 0, 1, size - 1)
    return buffer[0] === 0x0a
  } finally {
    await file.close()
  }
}

export interface CsvPreview {
  readonly header: readonly string[]
  readonly rows: readonly (readonly string[])[]
  /** Whether the file has rows beyond those shown. */
  readonly more: boolean
}

/** The rows of `more` after those of `preview`, up to `maxRows`; the header is the first's. */
export function morePreview(
  preview: CsvPreview | undefined,
  more: CsvPreview,
  maxRows: number
): CsvPreview {
  if (preview === undefined) return more
  const rows = [...preview.rows, ...more.rows]
  return {
    header: preview.header,
    rows: rows.slice(0, maxRows),
    more: preview.more || more.more || rows.length > maxRows
  }
}

// How much of the CSV to inflate at most for a preview, whatever its rows' length.
const MAX_PREVIEW_BYTES = 1024 * 1024

/**
 * The header and first `maxRows` rows of the (first) CSV inside a ZIP file, inflating no more than
 * about MAX_PREVIEW_BYTES of it. A ZIP that cannot be read (corrupt, or compressed in a way this
 * action does not know) is an ActionError naming the file.
 */
export async function previewCsv(
  zipPath: string,
  maxRows: number
): Promise<CsvPreview | undefined> {
  const reader = new CsvReader()
  const decoder = new TextDecoder()
  let bytes = 0
  let ended = true
  const enough = (): boolean => bytes > MAX_PREVIEW_BYTES || reader.rows.length > maxRows + 1
  let csv: Readable | undefined
  try {
    csv = await zipCsv(zipPath)
    if (csv === undefined) return undefined
    for await (const chunk of csv) {
      bytes += (chunk as Buffer).length
      reader.push(decoder.decode(chunk as Buffer, { stream: true }))
      if (enough()) {
        ended = false
        break
      }
    }
  } catch (error) {
    throw new ActionError(
      `Could not read ${zipPath} for the preview of failed rows: ${messageOf(error)}. The file is kept as Zoho sent it.`
    )
  } finally {
    csv?.destroy()
  }
  if (ended) {
    reader.push(decoder.decode())
    reader.end()
  }
  const [header = [], ...rows] = reader.rows
  return { header, rows: rows.slice(0, maxRows), more: rows.length > maxRows || !ended }
}
