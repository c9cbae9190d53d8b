// Downloads the result files of a finished job into result-dir, and reads the first rows of the
// failure CSV for the job summary. fflate unzips (see the README's development notes for why),
// fed a little at a time so that no ZIP, however far it inflates, takes more than the preview needs.
import { createReadStream, createWriteStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import { join } from 'node:path'
import { ActionError, CancelledError, LocalFileError, messageOf } from './errors.ts'
import { CsvReader } from './csv/reader.ts'
import { MAX_FILE_BYTES, zipCsv } from './job-file.ts'
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
// Deflate inflates at most about 1032 times: 1 KiB of ZIP gives at most about 1 MiB at a time.
const ZIP_PIECE_BYTES = 1024

/**
 * The header and first `maxRows` rows of the (first) CSV inside a ZIP file. A ZIP that cannot be
 * read (corrupt, or compressed in a way fflate does not know) is an ActionError naming the file.
 */
export async function previewCsv(
  zipPath: string,
  maxRows: number
): Promise<CsvPreview | undefined> {
  // Loaded when a preview is made: fflate builds its tables as it loads, which every run would pay.
  const { Unzip, UnzipInflate } = await import('fflate')
  const unzip = new Unzip()
  unzip.register(UnzipInflate)
  const decoder = new TextDecoder()
  const csv = { found: false, ended: false, bytes: 0, reader: new CsvReader() }
  const enough = () => csv.bytes > MAX_PREVIEW_BYTES || csv.reader.rows.length > maxRows + 1
  unzip.onfile = file => {
    if (csv.found || !/\.csv$/i.test(file.name)) return
    csv.found = true
    file.ondata = (error, chunk, final) => {
      if (error) throw error
      if (enough()) return
      csv.bytes += chunk.length
      csv.reader.push(decoder.decode(chunk, { stream: !final }))
      csv.ended = final
    }
    file.start()
  }
  try {
    for await (const chunk of createReadStream(zipPath, { highWaterMark: ZIP_PIECE_BYTES })) {
      unzip.push(chunk as Buffer)
      if (csv.ended || enough()) break
    }
  } catch (error) {
    throw new ActionError(
      `Could not read ${zipPath} for the preview of failed rows: ${messageOf(error)}. The file is kept as Zoho sent it.`
    )
  }
  if (!csv.found) return undefined
  if (csv.ended) csv.reader.end()
  const [header = [], ...rows] = csv.reader.rows
  return { header, rows: rows.slice(0, maxRows), more: rows.length > maxRows || !csv.ended }
}
