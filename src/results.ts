// Downloads the result files of a finished job into result-dir, and reads the first rows of the
// failure CSV for the job summary. fflate unzips (see the README's development notes for why);
// the CSV is read as a stream and only as far as the preview needs.
import { Unzip, UnzipInflate } from 'fflate'
import { createReadStream } from 'node:fs'
import { join } from 'node:path'
import { ActionError, ZohoError } from './errors.ts'
import { type CallContext, fetchFile } from './zoho/client.ts'
import type { JobRef } from './zoho/endpoints.ts'
import { type Connection, type ResultFilter, resultRequest } from './zoho/requests.ts'
import { excerpt, replyError } from './zoho/response.ts'

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
  for (const filter of filters)
    files.push(await downloadResult(filter, dir, job, connection, context))
  return files
}

async function downloadResult(
  filter: ResultFilter,
  dir: string,
  job: JobRef,
  connection: Connection,
  context: CallContext
): Promise<ResultFile> {
  const path = join(dir, `${filter}.zip`)
  try {
    await fetchFile(
      resultRequest(connection, job, filter),
      path,
      reply =>
        replyError(reply, `hand over the ${filter} results`) ??
        new ZohoError(
          `Zoho sent no ZIP for the ${filter} results (HTTP ${reply.httpStatus}): ${excerpt(reply.body)}.`,
          reply
        ),
      context
    )
    return { filter, path }
  } catch (error) {
    if (!(error instanceof ActionError)) throw error
    return { filter, warning: `No ${filter}.zip: ${error.message}` }
  }
}

export interface CsvPreview {
  readonly header: readonly string[]
  readonly rows: readonly (readonly string[])[]
  /** Whether the file has rows beyond those shown. */
  readonly more: boolean
}

// How much of the CSV to read at most for a preview, whatever its rows' length.
const MAX_PREVIEW_CHARS = 1024 * 1024

/** The header and first `maxRows` rows of the (first) CSV inside a ZIP file. */
export async function previewCsv(
  zipPath: string,
  maxRows: number
): Promise<CsvPreview | undefined> {
  const unzip = new Unzip()
  unzip.register(UnzipInflate)
  const decoder = new TextDecoder()
  const csv = { found: false, ended: false, text: '' }
  unzip.onfile = file => {
    if (csv.found || !/\.csv$/i.test(file.name)) return
    csv.found = true
    file.ondata = (error, chunk, final) => {
      if (error) throw error
      csv.text += decoder.decode(chunk, { stream: !final })
      csv.ended = final
    }
    file.start()
  }
  for await (const chunk of createReadStream(zipPath, { highWaterMark: 64 * 1024 })) {
    unzip.push(chunk as Buffer)
    const enough =
      csv.text.length > MAX_PREVIEW_CHARS || parseCsv(csv.text, false).length > maxRows + 1
    if (csv.ended || enough) break
  }
  if (!csv.found) return undefined
  const [header = [], ...rows] = parseCsv(csv.text, csv.ended)
  return { header, rows: rows.slice(0, maxRows), more: rows.length > maxRows || !csv.ended }
}

/**
 * RFC 4180 rows: quoted cells may hold commas, quotes ("") and line breaks. A last row that may
 * have been cut off is dropped unless the text is `complete`.
 */
export function parseCsv(text: string, complete: boolean): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text
  for (let i = 0; i < body.length; i++) {
    const char = body.charAt(i)
    if (quoted) {
      if (char !== '"') cell += char
      else if (body.charAt(i + 1) === '"') cell += body.charAt(++i)
      else quoted = false
    } else if (char === '"' && cell === '') {
      quoted = true
    } else if (char === ',') {
      row.push(cell)
      cell = ''
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && body.charAt(i + 1) === '\n') i++
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
    } else {
      cell += char
    }
  }
  if (complete && (cell !== '' || row.length > 0)) rows.push([...row, cell])
  return rows
}
