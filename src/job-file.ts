// The file a job loads, checked on disk before any request: a CSV, or a ZIP holding exactly one
// CSV, at most 100 MB, whose header row names each column once (zoho-bulk-api.md, "Create and
// upload"). Only the header row is read (and, for a ZIP, its directory), so that a check costs the
// same whatever the file's size.
import { mkdtemp, open, rm, stat } from 'node:fs/promises'
import { basename, dirname, extname, join } from 'node:path'
import { Readable } from 'node:stream'
import { CsvReader } from './csv/reader.ts'
import {
  decoderOf,
  type Dialect,
  type DialectAsked,
  delimiterOf,
  encodingOf,
  firstRow,
  writeInZohoDialect,
  ZOHO_DIALECT
} from './csv/dialect.ts'
import { type CsvMeasure, type CsvSource, measureCsv, NotUtf8Error } from './csv/split.ts'
import { ActionError, InputError, LocalFileError, messageOf } from './errors.ts'
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
  /** What the file given is: when not Zoho's dialect, this file is a copy in it. */
  readonly dialect: Dialect
  /** The file given, when this is its copy in Zoho's dialect (under RUNNER_TEMP). */
  readonly copyOf?: string
  /** Its records, read to its end before any request. */
  readonly measure: CsvMeasure
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
// Enough of a CSV to tell its encoding and its header row's delimiter.
const HEAD_BYTES = 64 * 1024

/** How the file is to be read, besides its path. */
export interface FileReading {
  /** A load may split the file into parts: it may be over the limit of one job. */
  readonly splittable: boolean
  readonly dialect: DialectAsked
  /** Where a copy in Zoho's dialect goes (RUNNER_TEMP), when the file is in another. */
  readonly copyRoot: string
}

/**
 * Checks the file at `path` (absolute); an InputError says what is wrong with it. A file in another
 * dialect than Zoho's (UTF-8, commas) is copied into it under `copyRoot`, and the copy is checked
 * and sent: the JobFile is the copy's, named as the file with ".csv".
 */
export async function checkJobFile(path: string, reading: FileReading): Promise<JobFile> {
  const fault = (what: string): InputError => new InputError([`Input "file": ${path} ${what}`])
  const size = await sizeOf(path, fault)
  try {
    const head = await firstBytes(path, OLE2.length)
    if (head.equals(OLE2)) throw fault(WORKBOOK)
    const kind: JobFile['kind'] = startsAsZip(head) ? 'zip' : 'csv'
    const entry = kind === 'zip' ? await zipEntry(path, size, fault) : undefined
    if (kind === 'zip' && entry === undefined) throw fault('holds no .csv file.')
    const source = { path, entry }
    const dialect = await dialectOf(source, reading.dialect, fault)
    if (
      dialect.encoding === ZOHO_DIALECT.encoding &&
      dialect.delimiter === ZOHO_DIALECT.delimiter
    ) {
      const file = { path, name: basename(path), size, kind, dialect, ...(entry && { entry }) }
      checkSize(file, reading.splittable, fault)
      const measure = await measured(file, true, fault)
      return { ...file, columns: await checkCsv(file, measure, fault), measure }
    }
    // Checked before the copy, which would turn a byte that is not UTF-8 into U+FFFD.
    if (dialect.encoding === 'utf-8') await measured(source, true, fault)
    const dir = await folderUnder(reading.copyRoot, 'zoho-bulk-file-', {
      what: `The copy of ${basename(path)} in UTF-8 with commas`,
      nothingDone: 'Nothing was sent to Zoho.'
    })
    const name = `${stemOf(path)}.csv`
    const copy = { path: join(dir, name), name, kind: 'csv' as const, dialect, copyOf: path }
    const file = { ...copy, size: await copied(source, dialect, copy.path, fault) }
    checkSize(file, reading.splittable, fault)
    const measure = await measured(file, false, fault)
    return { ...file, columns: await checkCsv(file, measure, fault), measure }
  } catch (error) {
    // An input error, or RUNNER_TEMP that cannot take the copy: told as they are.
    if (error instanceof ActionError) throw error
    throw fault(`cannot be read: ${messageOf(error)}.`)
  }
}

/** What the step writes under RUNNER_TEMP, and what it had not done yet when that failed. */
export interface TempWrite {
  readonly what: string
  readonly nothingDone: string
}

/** A new folder under `root` (RUNNER_TEMP) for `write`, or the error that says why there is none. */
export async function folderUnder(root: string, prefix: string, write: TempWrite): Promise<string> {
  try {
    return await mkdtemp(join(root, prefix))
  } catch (error) {
    throw noRoomUnder(root, write, error)
  }
}

/** RUNNER_TEMP could not take what the step writes there. */
export function noRoomUnder(
  root: string,
  { what, nothingDone }: TempWrite,
  error: unknown
): ActionError {
  return new ActionError(
    `${what} could not be written under ${root} (RUNNER_TEMP): ${messageOf(error)}. It must be a ` +
      `folder this step can write, with room for a copy of the file. ${nothingDone}`
  )
}

/** A file's name without its folder and its extension: what the files made from it are named by. */
export function stemOf(path: string): string {
  return basename(path, extname(path))
}

/** The file's size, checked: a regular file that is not empty. */
async function sizeOf(path: string, fault: (what: string) => InputError): Promise<number> {
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
  return size
}

/** The encoding and delimiter of the file's CSV: as asked, or found from its first bytes. */
async function dialectOf(
  source: CsvFile,
  asked: DialectAsked,
  fault: (what: string) => InputError
): Promise<Dialect> {
  const head = await headOf(csvText(source), HEAD_BYTES)
  const encoding = encodingOf(head, asked.encoding)
  const header = firstRow(decoderOf(encoding)(head))
  if (encoding === 'utf-8' && header.includes('\0')) {
    throw fault(
      'holds NUL characters in its header row, as a UTF-16 file without a byte-order mark does: ' +
        'set encoding: utf-16le (or utf-16be).'
    )
  }
  return { encoding, delimiter: delimiterOf(header, asked.delimiter) }
}

/**
 * The records of the file's CSV, read to its end: a quote that never closes, a record no job can
 * hold, or (when `utf8`) a byte that is not UTF-8 fails the check, naming the row.
 */
async function measured(
  source: CsvFile,
  utf8: boolean,
  fault: (what: string) => InputError
): Promise<CsvMeasure> {
  try {
    return await measureCsv(csvText(source), { maxRecordBytes: MAX_FILE_BYTES, utf8 })
  } catch (error) {
    throw malformed(error, fault)
  }
}

/** The copy of the file in Zoho's dialect, written to `path`: its bytes. */
async function copied(
  source: CsvFile,
  dialect: Dialect,
  path: string,
  fault: (what: string) => InputError
): Promise<number> {
  try {
    return await writeInZohoDialect(csvText(source), dialect, path)
  } catch (error) {
    throw malformed(error, fault)
  }
}

/** What a fault of the file's records is told as; any other error as it is. */
function malformed(error: unknown, fault: (what: string) => InputError): unknown {
  if (error instanceof NotUtf8Error) {
    return fault(
      `is not UTF-8: row ${error.row} holds a byte that is not (byte ${error.byte} of the file). ` +
        'Set the encoding input: windows-1252 for a file Excel saved as "CSV" on Windows, ' +
        'iso-8859-1 for Latin-1.'
    )
  }
  if (error instanceof LocalFileError) return fault(`cannot be loaded: ${error.message}`)
  return error
}

/** The first `length` bytes of a stream, or fewer when it is shorter. */
async function headOf(stream: Readable, length: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let bytes = 0
  try {
    for await (const chunk of stream) {
      // A copy: the next read may take the chunk's buffer.
      chunks.push(Buffer.from(chunk as Buffer))
      bytes += (chunk as Buffer).length
      if (bytes >= length) break
    }
  } finally {
    stream.destroy()
  }
  return Buffer.concat(chunks).subarray(0, length)
}

/** Fails when the file is too large for one job, unless a load may split it. */
function checkSize(
  file: { readonly size: number },
  splittable: boolean,
  fault: (what: string) => InputError
): void {
  if (file.size > MAX_FILE_BYTES && !splittable) {
    throw fault(
      `is ${file.size} bytes, more than the ${MAX_FILE_BYTES} bytes (100 MB) Zoho takes in one job: ` +
        'action: load splits a larger file into several jobs.'
    )
  }
}

/** The header of a CSV in Zoho's dialect, checked, with a record under it. */
async function checkCsv(
  file: CsvFile,
  measure: CsvMeasure,
  fault: (what: string) => InputError
): Promise<string[]> {
  const columns = await csvHead(csvText(file))
  checkColumns(columns, fault)
  if (measure.records === 0)
    throw fault('holds no records: only a header row, with nothing to load under it.')
  return columns
}

/** Removes the copy of the file in Zoho's dialect, once the run is done with it. */
export async function discardCopy(file: JobFile | undefined): Promise<void> {
  if (file?.copyOf !== undefined) await rm(dirname(file.path), { recursive: true, force: true })
}

/** Where a CSV's bytes are: a file, or the one entry of a ZIP. */
interface CsvFile {
  readonly path: string
  readonly entry?: ZipEntry | undefined
}

// The size of the pieces a pass reads a file in. The text decoded from one stays under the 128 KiB
// above which V8 puts a string in its large-object space: measured with npm run bench, 256 KiB
// pieces made the value check's peak memory about 40 MiB higher, at the same speed.
export const CHUNK_BYTES = 64 * 1024

/**
 * The bytes of the file's CSV: the ZIP's one entry inflated, or the file itself, read into two
 * buffers in turn. A chunk holds its bytes until the next one is read: a pass uses each before it
 * asks for the next, and memory stays a few chunks whatever the file, where a new buffer for each
 * would wait for the garbage collector (which lets tens of MB of them gather).
 */
export function csvText(file: CsvFile): Readable {
  const { path, entry } = file
  if (entry !== undefined) return entryData(path, entry)
  const buffers = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)] as const
  return Readable.from(readInTurn(path, buffers), { objectMode: true, highWaterMark: 1 })
}

async function* readInTurn(
  path: string,
  buffers: readonly [Buffer, Buffer]
): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r')
  try {
    for (let [buffer, next] = buffers; ; [buffer, next] = [next, buffer]) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null)
      if (bytesRead === 0) return
      yield buffer.subarray(0, bytesRead)
    }
  } finally {
    await handle.close()
  }
}

/** Where the split reads the file's CSV: the file itself, or the ZIP's entry inflated. */
export function csvSource(file: JobFile): CsvSource {
  return file.entry === undefined ? { path: file.path } : { stream: csvText(file) }
}

/**
 * Calls `visit` with each data row of the file's CSV but the blank ones, and its number (the header
 * is row 1; a blank row has a number too), read as a stream, while `more()` says to go on;
 * `afterChunk` is awaited after the rows of each chunk (a writer drains there, so that memory stays
 * bounded).
 */
export async function forEachRow(
  file: JobFile,
  visit: (cells: readonly string[], row: number) => void,
  more: () => boolean = () => true,
  afterChunk: () => Promise<void> = () => Promise.resolve()
): Promise<void> {
  const reader = new CsvReader()
  const decoder = new TextDecoder()
  let row = 0
  const drain = (): void => {
    for (const cells of reader.rows) {
      row += 1
      // A blank row is no record, but a row of the file all the same.
      if (row > 1 && cells.length > 0) visit(cells, row)
    }
    reader.rows.length = 0
  }
  const stream = csvText(file)
  try {
    for await (const chunk of stream) {
      reader.push(decoder.decode(chunk as Buffer, { stream: true }))
      drain()
      await afterChunk()
      if (!more()) return
    }
  } finally {
    stream.destroy()
  }
  reader.push(decoder.decode())
  reader.end()
  drain()
  await afterChunk()
}

/** The first row of a CSV stream (its header), read no further, and at most 1 MiB of it. */
async function csvHead(stream: Readable): Promise<string[]> {
  const reader = new CsvReader()
  const decoder = new TextDecoder()
  let bytes = 0
  try {
    for await (const chunk of stream) {
      // A line at a time, so that the records after the header are not parsed (a line feed is
      // never inside a UTF-8 character).
      const buffer = chunk as Buffer
      for (let at = 0; at < buffer.length;) {
        const lineFeed = buffer.indexOf(0x0a, at)
        const end = lineFeed === -1 ? buffer.length : lineFeed + 1
        reader.push(decoder.decode(buffer.subarray(at, end), { stream: true }))
        const [columns] = reader.rows
        if (columns !== undefined) return columns
        bytes += end - at
        at = end
      }
      if (bytes > MAX_HEADER_BYTES) throw new Error('its first line is over 1 MiB long')
    }
  } finally {
    stream.destroy()
  }
  reader.end()
  return reader.rows[0] ?? []
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
