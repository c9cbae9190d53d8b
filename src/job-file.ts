// The file a job loads, checked on disk before any request: a CSV, or a ZIP holding exactly one
// CSV, at most 100 MB, whose header row names each column once (zoho-bulk-api.md, "Create and
// upload"). Only the header row is read (and, for a ZIP, its directory), so that a check costs the
// same whatever the file's size.
import { createReadStream } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { pipeline, type Readable } from 'node:stream'
import { createInflateRaw } from 'node:zlib'
import { CsvReader } from './csv/reader.ts'
import { InputError, LocalFileError, messageOf } from './errors.ts'

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

/** The one CSV in a ZIP: where its data starts, how long it is, and how it is compressed. */
export interface ZipEntry {
  readonly offset: number
  readonly compressed: number
  readonly method: number
}

// A header row longer than this is surely not one.
const MAX_HEADER_BYTES = 1024 * 1024
const ZIP_LOCAL = 0x04034b50
const ZIP_CENTRAL = 0x02014b50
const ZIP_END = 0x06054b50
const STORED = 0
const DEFLATED = 8

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
  const kind = (await startsWithZipSignature(path)) ? 'zip' : 'csv'
  try {
    const entry = kind === 'zip' ? await zipEntry(path, size, fault) : undefined
    const columns = await headerRow(csvText({ path, entry }))
    checkColumns(columns, fault)
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
  if (entry === undefined) return createReadStream(path, { highWaterMark: 256 * 1024 })
  const data = createReadStream(path, {
    start: entry.offset,
    end: entry.offset + Math.max(entry.compressed, 1) - 1,
    highWaterMark: 64 * 1024
  })
  return entry.method === STORED ? data : pipeline(data, createInflateRaw(), () => {})
}

/**
 * The bytes of the file's CSV, as `csvText`, for a reader that is done with a chunk once it asks
 * for the chunk after next: a CSV file is read into the buffers `into` in turn (two, so that a
 * reader may ask for the next chunk while it works on this one), which makes no garbage whatever
 * the file's size.
 */
export async function* csvChunks(file: JobFile, into: readonly Buffer[]): AsyncGenerator<Buffer> {
  if (file.entry !== undefined) {
    for await (const chunk of csvText(file)) yield chunk as Buffer
    return
  }
  const handle = await open(file.path, 'r')
  try {
    for (let turn = 0; ; turn = (turn + 1) % into.length) {
      const buffer = into[turn] ?? Buffer.alloc(0)
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null)
      if (bytesRead === 0) return
      yield buffer.subarray(0, bytesRead)
    }
  } finally {
    await handle.close()
  }
}

/**
 * The CSV inside the ZIP at `path` (one of Zoho's result files), as a stream of its bytes: its
 * first .csv file, whatever else the ZIP holds.
 */
export async function zipCsv(path: string): Promise<Readable> {
  const { size } = await stat(path)
  const fault = (what: string): Error => new LocalFileError(`${path} ${what}`)
  const entry = await zipEntry(path, size, fault, 'first-csv')
  return csvText({ path, entry })
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

async function startsWithZipSignature(path: string): Promise<boolean> {
  const file = await open(path)
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(4), 0, 4, 0)
    return bytesRead === 4 && buffer.readUInt32LE(0) === ZIP_LOCAL
  } finally {
    await file.close()
  }
}

/** The first row of a CSV stream, read no further than it ends (and at most 1 MiB). */
async function headerRow(stream: Readable): Promise<string[]> {
  const reader = new CsvReader()
  const decoder = new TextDecoder()
  let bytes = 0
  try {
    for await (const chunk of stream) {
      // A line at a time: the records after the header are not parsed (a line feed is never
      // inside a UTF-8 character).
      const buffer = chunk as Buffer
      for (let at = 0; at < buffer.length && reader.rows.length === 0;) {
        const lineFeed = buffer.indexOf(0x0a, at)
        const end = lineFeed === -1 ? buffer.length : lineFeed + 1
        reader.push(decoder.decode(buffer.subarray(at, end), { stream: true }))
        bytes += end - at
        at = end
      }
      if (reader.rows.length > 0) break
      if (bytes > MAX_HEADER_BYTES) throw new Error('its first line is over 1 MiB long')
    }
  } finally {
    stream.destroy()
  }
  if (reader.rows.length === 0) reader.end()
  return reader.rows[0] ?? []
}

type Fault = (what: string) => Error

// A directory this long lists thousands of files: more than a ZIP of Zoho's, or for Zoho, holds.
const MAX_DIRECTORY_BYTES = 1024 * 1024

/**
 * The CSV entry of a ZIP, read from its central directory and the entry's own header: the only
 * file of a ZIP for Zoho, or the first .csv of a ZIP from Zoho (`first-csv`).
 */
async function zipEntry(
  path: string,
  size: number,
  fault: Fault,
  which: 'only' | 'first-csv' = 'only'
): Promise<ZipEntry> {
  const file = await open(path)
  try {
    const read = async (at: number, length: number): Promise<Buffer> => {
      const { buffer, bytesRead } = await file.read(Buffer.alloc(length), 0, length, at)
      return buffer.subarray(0, bytesRead)
    }
    // The end record is the last 22 bytes, or earlier by a comment of up to 64 KiB.
    const tailStart = Math.max(0, size - (22 + 0xffff))
    const tail = await read(tailStart, size - tailStart)
    let end = -1
    for (let at = tail.length - 22; at >= 0 && end === -1; at--)
      if (tail.readUInt32LE(at) === ZIP_END) end = at
    if (end === -1) throw fault('is not a ZIP file Zoho can read: its directory is missing.')
    const count = tail.readUInt16LE(end + 10)
    const directorySize = tail.readUInt32LE(end + 12)
    const directoryAt = tail.readUInt32LE(end + 16)
    if (count !== 1 && which === 'only') {
      throw fault(`holds ${count} files: a ZIP for Zoho must hold exactly one CSV file.`)
    }
    const directory = await read(directoryAt, Math.min(directorySize, MAX_DIRECTORY_BYTES))
    const entries = directoryEntries(directory, count)
    if (entries === undefined)
      throw fault('is not a ZIP file Zoho can read: its directory is damaged.')
    const entry = which === 'only' ? entries[0] : entries.find(each => /\.csv$/i.test(each.name))
    if (entry === undefined) throw fault('holds no .csv file.')
    if (!/\.csv$/i.test(entry.name)) {
      throw fault(
        `holds ${JSON.stringify(entry.name.slice(0, 100))}, not a .csv file: a ZIP for Zoho must hold exactly one CSV file.`
      )
    }
    if ((entry.flags & 1) !== 0) throw fault('is encrypted: Zoho cannot read it.')
    if (entry.method !== STORED && entry.method !== DEFLATED) {
      throw fault(
        `is compressed with method ${entry.method}: use a ZIP compressed with deflate (the usual), or stored.`
      )
    }
    const local = await read(entry.offset, 30)
    if (local.length < 30 || local.readUInt32LE(0) !== ZIP_LOCAL)
      throw fault('is not a ZIP file Zoho can read: its entry is damaged.')
    const offset = entry.offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28)
    return { offset, compressed: entry.compressed, method: entry.method }
  } finally {
    await file.close()
  }
}

interface DirectoryEntry {
  readonly name: string
  readonly flags: number
  readonly method: number
  readonly compressed: number
  readonly offset: number
}

/** The first `count` entries of a ZIP's central directory; undefined when it is damaged. */
function directoryEntries(directory: Buffer, count: number): DirectoryEntry[] | undefined {
  const entries: DirectoryEntry[] = []
  for (let at = 0; entries.length < count;) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== ZIP_CENTRAL) return undefined
    const nameLength = directory.readUInt16LE(at + 28)
    entries.push({
      name: directory.subarray(at + 46, at + 46 + nameLength).toString('utf8'),
      flags: directory.readUInt16LE(at + 8),
      method: directory.readUInt16LE(at + 10),
      compressed: directory.readUInt32LE(at + 20),
      offset: directory.readUInt32LE(at + 42)
    })
    at += 46 + nameLength + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32)
  }
  return entries
}

/** The header names each field once: no column without a name, none twice. */
function checkColumns(columns: readonly string[], fault: Fault): void {
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
