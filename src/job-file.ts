// The file a job loads, checked on disk before any request: a CSV, or a ZIP holding exactly one
// CSV, at most 100 MB, whose header row names each column once (zoho-bulk-api.md, "Create and
// upload"). Only the header row is read (and, for a ZIP, its directory), so that a check costs the
// same whatever the file's size.
import { createReadStream } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import type { Readable } from 'node:stream'
import { CsvReader } from './csv/reader.ts'
import type { CsvSource } from './csv/split.ts'
import { InputError, messageOf } from './errors.ts'
import { entryData, startsAsZip, WORKBOOK, type ZipEntry, zipEntry } from './zip.ts'

/** Zoho's limit for the file of one job. */
export const MAX_FILE_BYTES = 100 * 1024 * 1024

export interface JobFile {
  /** The absolute path. */
  readonly path: string
  /** The name Zoho is sent: the file's base name. */
  readonly name: string
  readonly size: number
  readonly kind: 'csv' | 'zip'
  /** The header row: the fields' link names. */
  readonly columns: readonly string[]
  /** For a ZIP, where its CSV's data is. */
  readonly entry?: ZipEntry
}

// How a file in Microsoft's compound format starts: an Excel workbook of before 2007 (.xls).
const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])

/** The first `length` bytes of the file, or fewer when it is shorter. */
async function firstBytes(path: string, length: number): Promise<Buffer> {
  const file = await open(path)
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(length), 0, length, 0)
    return buffer.subarray(0, bytesRead)
  } finally {
    await file.close()
  }
}

// A header row longer than this is surely not one.
const MAX_HEADER_BYTES = 1024 * 1024
/**
 * Checks the file at `path` (absolute); an InputError says what is wrong with it. A file that a
 * load may split into parts (`splittable`) may be over the limit of one job.
 */
export async function checkJobFile(path: string, splittable = false): Promise<JobFile> {
  const fault = (what: string): InputError => new InputError([`Input "file": ${path} ${what}`])
  let size: number
  try {
    const stats = await stat(path)
    if (!stats.isFile()) throw fault('is not a regular file: give the path of a CSV or ZIP file.')
    size = stats.size
  } catch (error) {
    if (error instanceof InputError) throw error
    const { code } = error as NodeJS.ErrnoException
    throw fault(
      code === 'ENOENT'
        ? 'does not exist: the path is relative to the workspace (GITHUB_WORKSPACE), or absolute.'
        : `cannot be read: ${messageOf(error)}.`
    )
  }
  if (size === 0) throw fault('is empty: it must hold a header row and the records to load.')
  if (size > MAX_FILE_BYTES && !splittable) {
    throw fault(
      `is ${size} bytes, more than the ${MAX_FILE_BYTES} bytes (100 MB) Zoho takes in one job: ` +
        'action: load splits a larger file into several jobs.'
    )
  }
  try {
    const head = await firstBytes(path, OLE2.length)
    if (head.equals(OLE2)) throw fault(WORKBOOK)
    const kind = startsAsZip(head) ? 'zip' : 'csv'
    const entry = kind === 'zip' ? await zipEntry(path, size, fault) : undefined
    if (kind === 'zip' && entry === undefined) throw fault('holds no .csv file.')
    const { columns, records } = await csvHead(csvText({ path, entry }))
    checkColumns(columns, fault)
    if (!records) throw fault('holds no records: only a header row, with nothing to load under it.')
    return {
      path,
      name: basename(path),
      size,
      kind,
      columns,
      ...(entry === undefined ? {} : { entry })
    }
  } catch (error) {
    if (error instanceof InputError) throw error
    throw fault(`cannot be read: ${messageOf(error)}.`)
  }
}

/** The bytes of the file's CSV: the file itself, or the ZIP's one entry inflated. */
export function csvText(file: {
  readonly path: string
  readonly entry?: ZipEntry | undefined
}): Readable {
  const { path, entry } = file
  // Stryker disable next-line ObjectLiteral: the size of the pieces read is speed, not behaviour
  if (entry === undefined) return createReadStream(path, { highWaterMark: 256 * 1024 })
  return entryData(path, entry)
}

/** Where the split reads the file's CSV: the file itself, or the ZIP's entry inflated. */
export function csvSource(file: JobFile): CsvSource {
  return file.entry === undefined ? { path: file.path } : { stream: csvText(file) }
}

/**
 * Calls `visit` with each data row of the file's CSV and its number (the header is row 1), read
 * as a stream, while `more()` says to go on.
 */
export async function forEachRow(
  file: JobFile,
  visit: (cells: readonly string[], row: number) => void,
  more: () => boolean = () => true
): Promise<void> {
  const reader = new CsvReader()
  const decoder = new TextDecoder()
  let row = 0
  const drain = (): void => {
    for (const cells of reader.rows) {
      row += 1
      if (row > 1) visit(cells, row)
    }
    reader.rows.length = 0
  }
  const stream = csvText(file)
  try {
    for await (const chunk of stream) {
      reader.push(decoder.decode(chunk as Buffer, { stream: true }))
      drain()
      if (!more()) return
    }
  } finally {
    stream.destroy()
  }
  reader.push(decoder.decode())
  reader.end()
  drain()
}

/** The start of a CSV: its header row, and whether a record follows it. */
interface CsvHead {
  readonly columns: string[]
  readonly records: boolean
}

/**
 * The first row of a CSV stream, and whether a record follows it (a line that is not blank), read
 * no further than that shows (and at most 1 MiB: a file with more blank lines is assumed to hold
 * records, which the load counts).
 */
async function csvHead(stream: Readable): Promise<CsvHead> {
  const reader = new CsvReader()
  const decoder = new TextDecoder()
  let bytes = 0
  try {
    for await (const chunk of stream) {
      // A line at a time until the header row is read, so that the records after it are not
      // parsed (a line feed is never inside a UTF-8 character).
      const buffer = chunk as Buffer
      let at = 0
      while (reader.rows.length === 0 && at < buffer.length) {
        const lineFeed = buffer.indexOf(0x0a, at)
        const end = lineFeed === -1 ? buffer.length : lineFeed + 1
        reader.push(decoder.decode(buffer.subarray(at, end), { stream: true }))
        at = end
      }
      const [columns] = reader.rows
      if (columns !== undefined && notBlank(buffer.subarray(at))) return { columns, records: true }
      bytes += buffer.length
      if (bytes > MAX_HEADER_BYTES) {
        if (columns !== undefined) return { columns, records: true }
        throw new Error('its first line is over 1 MiB long')
      }
    }
  } finally {
    stream.destroy()
  }
  reader.end()
  return { columns: reader.rows[0] ?? [], records: false }
}

/** Whether the bytes hold anything but line ends. */
function notBlank(bytes: Buffer): boolean {
  return bytes.some(byte => byte !== 0x0a && byte !== 0x0d)
}

/** The header names each field once: no column without a name, none twice. */
function checkColumns(columns: readonly string[], fault: (what: string) => Error): void {
  if (columns.every(column => column.trim() === ''))
    throw fault("has no header row: its first line must name the form's fields (their link names).")
  const seen = new Map<string, number>()
  for (const [index, column] of columns.entries()) {
    const name = column.trim()
    if (name === '') {
      throw fault(
        `has a header column with no name (column ${index + 1}): each column must name a field by its link name.`
      )
    }
    const first = seen.get(name)
    if (first !== undefined) {
      throw fault(
        `names the column ${JSON.stringify(name.slice(0, 100))} twice in its header (columns ${first + 1} and ${index + 1}).`
      )
    }
    seen.set(name, index)
  }
}
