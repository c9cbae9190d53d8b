// The one ZIP reader of the action: a ZIP's directory read from its end, and the CSV entry's bytes
// inflated with node:zlib as a stream, so that a reader takes only what it needs, however far the
// entry inflates. It serves the file checks (a ZIP for Zoho holds exactly one CSV), the merge of
// result files and the preview of failed rows (a ZIP from Zoho: its first CSV).
import { createReadStream } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import { pipeline, Readable } from 'node:stream'
import { createInflateRaw } from 'node:zlib'
import { LocalFileError } from './errors.ts'

/** The CSV in a ZIP: where its data starts, how long it is, and how it is compressed. */
export interface ZipEntry {
  readonly offset: number
  readonly compressed: number
  readonly method: number
}

/** Makes the error for what is wrong with the ZIP: an input's, or a local file's. */
export type Fault = (what: string) => Error

const ZIP_LOCAL = 0x04034b50
const ZIP_CENTRAL = 0x02014b50
const ZIP_END = 0x06054b50
const STORED = 0
const DEFLATED = 8

/** Whether a file that starts with `head` is a ZIP, whatever its name. */
export function startsAsZip(head: Buffer): boolean {
  return head.length >= 4 && head.readUInt32LE(0) === ZIP_LOCAL
}

/**
 * What a spreadsheet workbook given for a CSV is told: an Excel (.xlsx, .xlsm) or OpenDocument
 * (.ods) workbook is a ZIP, known by the entries it holds; an older Excel one (.xls) by its start.
 */
export const WORKBOOK =
  'is a spreadsheet workbook, not a CSV file: save it as "CSV UTF-8" (in Excel: File > Save As) ' +
  'and give that file.'

/** Whether a ZIP's entries are those of a workbook: Excel's, or OpenDocument's. */
function isWorkbook(entries: readonly DirectoryEntry[]): boolean {
  const names = new Set(entries.map(entry => entry.name))
  return (
    names.has('xl/workbook.xml') ||
    names.has('xl/workbook.bin') ||
    (names.has('mimetype') && names.has('content.xml'))
  )
}

/** The entry's bytes, inflated when deflated, as a stream. */
export function entryData(path: string, entry: ZipEntry): Readable {
  // An empty entry has no bytes to read: a read from its offset would give the next header's.
  if (entry.compressed === 0) return Readable.from([])
  const data = createReadStream(path, {
    start: entry.offset,
    end: entry.offset + entry.compressed - 1,
    highWaterMark: 64 * 1024
  })
  return entry.method === STORED ? data : pipeline(data, createInflateRaw(), () => {})
}

/**
 * The first CSV inside the ZIP at `path` (one of Zoho's result files), as a stream of its bytes,
 * whatever else the ZIP holds; undefined when it holds none.
 */
export async function zipCsv(path: string): Promise<Readable | undefined> {
  const { size } = await stat(path)
  const fault = (what: string): Error => new LocalFileError(`${path} ${what}`)
  const entry = await zipEntry(path, size, fault, 'first-csv')
  return entry === undefined ? undefined : entryData(path, entry)
}

// A directory this long lists thousands of files: more than a ZIP of Zoho's, or for Zoho, holds.
const MAX_DIRECTORY_BYTES = 1024 * 1024

/**
 * The CSV entry of a ZIP, read from its central directory and the entry's own header: the only
 * file of a ZIP for Zoho, or the first .csv of a ZIP from Zoho (`first-csv`; undefined when there
 * is none). `fault` makes the error for a ZIP that cannot be read.
 */
export async function zipEntry(
  path: string,
  size: number,
  fault: Fault,
  which: 'only' | 'first-csv' = 'only'
): Promise<ZipEntry | undefined> {
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
    const directory = await read(directoryAt, Math.min(directorySize, MAX_DIRECTORY_BYTES))
    const entries = directoryEntries(directory, count)
    if (which === 'only' && entries !== undefined && isWorkbook(entries)) throw fault(WORKBOOK)
    if (count !== 1 && which === 'only') {
      throw fault(`holds ${count} files: a ZIP for Zoho must hold exactly one CSV file.`)
    }
    if (entries === undefined)
      throw fault('is not a ZIP file Zoho can read: its directory is damaged.')
    const entry = which === 'only' ? entries[0] : entries.find(each => /\.csv$/i.test(each.name))
    if (entry === undefined) return undefined
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
