// Splits a CSV into parts on record boundaries, each part with the header row: a quoted cell may
// hold commas, quotes ("") and line breaks, and stays whole. The stream is read once; a part is
// written, handed over, and only then is the stream read on, so that memory holds a chunk and one
// record whatever the file's size. A record ends at a line feed outside quotes (CRLF or LF).
import { type FileHandle, open } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { LocalFileError } from '../errors.ts'
import { BlankLines, BlankTail } from './blank-lines.ts'
import { Utf8Stream } from './utf8.ts'
import { RecordScanner } from './scanner.ts'

export interface PartLimits {
  /** The most data records in a part; undefined for no limit. */
  readonly maxRecords: number | undefined
  /** The most bytes in a part, the header included. */
  readonly maxBytes: number
  /** Data records at the start of the file to leave out of every part. */
  readonly skipRecords: number
  /** The bytes of the CSV to split: those after are blank lines, no records. */
  readonly bytes?: number
}

export interface Part {
  /** From 1. */
  readonly index: number
  readonly path: string
  readonly bytes: number
  readonly records: number
  /** The rows of the file the part holds, the header being row 1 (a record is one row). */
  readonly firstRow: number
  readonly lastRow: number
}

/** A CSV's data records, and its length without the blank lines at its end. */
export interface CsvMeasure {
  /** The rows after the header that are not blank. */
  readonly records: number
  /** The bytes up to the line break of the last row that is not blank (all when it has none). */
  readonly bytes: number
  /** The blank rows among the records (not those at the end), which only the split leaves out. */
  readonly blankRows: number
}

/** How a CSV is measured. */
export interface Measuring {
  /** A record longer than this fails the measure (a quote that never closed, surely). */
  readonly maxRecordBytes?: number
  /** Whether every byte must be UTF-8: the first that is not fails the measure, naming its row. */
  readonly utf8?: boolean
}

/** A byte that is not UTF-8, in a file read as UTF-8. */
export class NotUtf8Error extends LocalFileError {
  /** The row that holds it, the header being row 1. */
  readonly row: number
  /** Where it is, counted from the start of the file, from 1. */
  readonly byte: number
  constructor(row: number, byte: number) {
    super(`Row ${row} of the file holds a byte that is not UTF-8 (byte ${byte} of the file).`)
    this.row = row
    this.byte = byte
  }
}

/**
 * Counts the data records of a CSV stream (the rows after the header), in one pass that also fails
 * on a record longer than `maxRecordBytes`, on a quote that never closes, and when `utf8` on a byte
 * that is not UTF-8: a file is checked so before any request. Blank lines are no records.
 */
export async function measureCsv(
  source: Readable,
  { maxRecordBytes = Number.POSITIVE_INFINITY, utf8 = false }: Measuring = {}
): Promise<CsvMeasure> {
  const scanner = new RecordScanner()
  const tail = new BlankTail()
  const blank = new BlankLines()
  const utf8Stream = utf8 ? new Utf8Stream() : undefined
  let rows = 0
  let blankRows = 0
  let held = 0
  let seen = 0
  for await (const chunk of source) {
    const bytes = chunk as Buffer
    const bad = utf8Stream?.notUtf8At(bytes) ?? -1
    tail.see(bytes)
    let at = 0
    for (const piece of scanner.pieces(bytes)) {
      const quoted = scanner.quoted
      const to = bad === -1 ? piece.length : Math.min(piece.length, bad - at)
      scanner.scan(piece, 0, to)
      rows += scanner.found
      held = underWay(scanner, 0, to, held)
      blankRows += blank.find(scanner, piece, 0, to, quoted).length
      if (held > maxRecordBytes) throw recordTooLong(rows + 1, maxRecordBytes)
      at += to
      if (bad !== -1 && at >= bad) throw new NotUtf8Error(rows + 1, seen + bad + 1)
    }
    seen += bytes.length
  }
  if (utf8Stream?.endsWhole === false) throw new NotUtf8Error(rows + 1, seen)
  if (held > 0) rows += 1
  if (scanner.quoted) throw quoteNeverCloses(rows)
  if (held > 0 && blank.underWayBlank) blankRows += 1
  return {
    records: Math.max(0, rows - 1 - blankRows),
    bytes: tail.contentBytes,
    blankRows: Math.max(0, blankRows - tail.blankRows)
  }
}

/** The bytes of the record under way after a scan from `from` to `to`, `before` of it before. */
function underWay(scanner: RecordScanner, from: number, to: number, before: number): number {
  return scanner.found > 0 ? to - scanner.lastEnd : before + to - from
}

export function quoteNeverCloses(row: number): LocalFileError {
  return new LocalFileError(
    `Row ${row} of the file opens a quote that never closes: the rest of the file would be one cell.`
  )
}

function recordTooLong(row: number, maxBytes: number): LocalFileError {
  return new LocalFileError(
    `Row ${row} of the file runs over ${maxBytes} bytes without ending (a quote never closed?): ` +
      'more than a job takes.'
  )
}

function recordOverPart(row: number, bytes: number, maxBytes: number): LocalFileError {
  return new LocalFileError(
    `Row ${row} of the file is ${bytes} bytes long: with the header, more than the ${maxBytes} ` +
      'bytes a job takes.'
  )
}

/** What the planner asks of the writer: open a part, write bytes to it, close it. */
type Step =
  | { readonly kind: 'open'; readonly index: number }
  | { readonly kind: 'write'; readonly pieces: readonly Buffer[] }
  | { readonly kind: 'close'; readonly part: Omit<Part, 'path'> }

interface PartUnderWay {
  index: number
  firstRow: number
  lastRow: number
  records: number
  bytes: number
}

/**
 * Decides which part each record goes in, a run of records at a time; writes nothing itself. A
 * chunk's records go to the part under way up to its byte and record limits (the scanner stops
 * at either); a record that straddles chunks is held, copied, until it ends.
 */
class PartPlanner {
  readonly #limits: PartLimits
  readonly #scanner: RecordScanner
  header: Buffer | undefined
  /** Rows that ended so far, the header and blank rows included. */
  #rows = 0
  /** Data records that ended so far: rows after the header that are not blank. */
  #records = 0
  readonly #blank = new BlankLines()
  /** The record under way, from earlier chunks: copied, unless it is skipped or too long. */
  #held: Buffer[] = []
  #heldBytes = 0
  /** The record under way cannot go in any part: only its length is followed, for the error. */
  #tooLong = false
  #part: PartUnderWay | undefined
  #parts = 0
  #steps: Step[] = []

  constructor(limits: PartLimits, scanner: RecordScanner) {
    this.#limits = limits
    this.#scanner = scanner
  }

  /** The steps for a chunk in the scanner's memory. */
  take(chunk: Buffer): Step[] {
    this.#steps = []
    let at = 0
    while (this.header === undefined && at < chunk.length) at = this.#takeHeader(chunk, at)
    for (const [start, end] of this.#blanksIn(chunk, at)) {
      this.#takeRecords(chunk, at, start)
      this.#leaveOutBlank()
      at = end
    }
    this.#takeRecords(chunk, at, chunk.length)
    return this.#steps
  }

  /** The blank records of `chunk` from `at`, found in a scan of their own. */
  #blanksIn(chunk: Buffer, at: number): [number, number][] {
    const scanner = this.#scanner
    const quoted = scanner.quoted
    scanner.scan(chunk, at, chunk.length)
    const blanks = this.#blank.find(scanner, chunk, at, chunk.length, quoted)
    scanner.quoted = quoted
    return blanks
  }

  /** Takes the records of `chunk` from `at` to `to`, none of them blank. */
  #takeRecords(chunk: Buffer, at: number, to: number): void {
    while (at < to) {
      if (this.#tooLong) at = this.#measure(chunk, at, to)
      else if (this.#records < this.#limits.skipRecords) at = this.#skip(chunk, at, to)
      else at = this.#fill(chunk, at, to)
    }
  }

  /** A blank row ended, perhaps begun in the chunk before: no record, in no part. */
  #leaveOutBlank(): void {
    this.#rows += 1
    this.#tooLong = false
    this.#dropHeld()
  }

  end(): Step[] {
    this.#steps = []
    if (this.#scanner.quoted) throw quoteNeverCloses(this.#rows + 1)
    // A last record without a line break, unless blank or skipped, or the header itself.
    const last = this.#heldBytes > 0 && this.header !== undefined && !this.#blank.underWayBlank
    if (last && this.#records >= this.#limits.skipRecords) {
      if (this.#tooLong)
        throw recordOverPart(this.#rows + 1, this.#heldBytes, this.#limits.maxBytes)
      // The part under way has room for it: #fill holds a record only where it fits.
      this.#write(Buffer.alloc(0), 0, 0, 1)
    }
    this.#close()
    return this.#steps
  }

  #takeHeader(chunk: Buffer, at: number): number {
    const end = this.#scanner.scan(chunk, at, chunk.length, 1)
    if (this.#scanner.found === 0) return this.#hold(chunk, at, chunk.length)
    this.header = Buffer.concat([...this.#held, chunk.subarray(at, end)])
    this.#rows = 1
    this.#dropHeld()
    return end
  }

  #skip(chunk: Buffer, at: number, to: number): number {
    const skip = this.#limits.skipRecords - this.#records
    const scanner = this.#scanner
    const end = scanner.scan(chunk, at, to, skip)
    this.#rows += scanner.found
    this.#records += scanner.found
    // Nothing is held of a skipped record: only its length is followed (0 once the last ends).
    this.#count(underWay(scanner, at, end, this.#heldBytes))
    return end
  }

  /** The record under way is too long for a part: finds its end, for the error's sake. */
  #measure(chunk: Buffer, at: number, to: number): number {
    const end = this.#scanner.scan(chunk, at, to, 1)
    const bytes = this.#heldBytes + end - at
    if (this.#scanner.found > 0) throw recordOverPart(this.#rows + 1, bytes, this.#limits.maxBytes)
    this.#count(bytes)
    return end
  }

  /** Puts the records from `at` in the part under way, or in a new one, as far as they fit. */
  #fill(chunk: Buffer, at: number, to: number): number {
    const scanner = this.#scanner
    const part = this.#part
    // A part under way takes one record more at least (the one that reaches the limit closes it),
    // though perhaps not one more byte.
    const room = this.#limits.maxBytes - (part === undefined ? this.#headerBytes : part.bytes)
    const records =
      (this.#limits.maxRecords ?? Number.POSITIVE_INFINITY) -
      (part === undefined ? 0 : part.records)
    // Not before `at`: a record is held only where it fits the part under way.
    const until = Math.min(to, at + room - this.#heldBytes)
    const quotedAt = scanner.quoted
    const end = scanner.scan(chunk, at, until, records)
    const found = scanner.found
    if (found === records) {
      this.#write(chunk, at, end, found)
      this.#close()
      return end
    }
    if (found > 0) this.#write(chunk, at, scanner.lastEnd, found)
    if (until === to) return this.#hold(chunk, found > 0 ? scanner.lastEnd : at, to)
    // The part's bytes end inside the chunk: the record there goes on in a new part.
    if (found > 0) {
      scanner.quoted = false
      this.#close()
      return scanner.lastEnd
    }
    scanner.quoted = quotedAt
    if (part !== undefined) this.#close()
    else this.#tooLong = true
    return at
  }

  get #headerBytes(): number {
    return this.header?.length ?? 0
  }

  /** Writes the held bytes and `chunk` from `from` to `to`: `records` records that end there. */
  #write(chunk: Buffer, from: number, to: number, records: number): void {
    if (this.#part === undefined) {
      this.#parts += 1
      this.#part = {
        index: this.#parts,
        firstRow: this.#rows + 1,
        lastRow: this.#rows + 1,
        records: 0,
        bytes: this.#headerBytes
      }
      this.#steps.push({ kind: 'open', index: this.#parts })
    }
    const part = this.#part
    this.#steps.push({ kind: 'write', pieces: [...this.#held, chunk.subarray(from, to)] })
    part.bytes += this.#heldBytes + to - from
    part.records += records
    this.#rows += records
    this.#records += records
    part.lastRow = this.#rows
    this.#dropHeld()
  }

  #close(): void {
    const part = this.#part
    if (part !== undefined) {
      this.#steps.push({ kind: 'close', part: { ...part } })
    }
    this.#part = undefined
  }

  /** Holds the chunk from `at` to `to`, its end: the start of a record that ends in a later chunk. */
  #hold(chunk: Buffer, at: number, to: number): number {
    // Copied: the chunk's memory is read over by the next chunk.
    this.#held.push(Buffer.from(chunk.subarray(at, to)))
    this.#count(this.#heldBytes + to - at)
    return to
  }

  /** The bytes of the record under way, which fails once over what a part can take. */
  #count(bytes: number): void {
    this.#heldBytes = bytes
    if (bytes > this.#limits.maxBytes) throw recordTooLong(this.#rows + 1, this.#limits.maxBytes)
  }

  #dropHeld(): void {
    this.#held = []
    this.#heldBytes = 0
  }
}

/**
 * The parts splitCsv would write from `source`, planned in one read of it with nothing written:
 * what a dry run reports.
 */
export async function planParts(
  source: AsyncIterable<Buffer>,
  limits: PartLimits
): Promise<Omit<Part, 'path'>[]> {
  const scanner = new RecordScanner()
  const planner = new PartPlanner(limits, scanner)
  const parts: Omit<Part, 'path'>[] = []
  const keep = (steps: readonly Step[]): void => {
    for (const step of steps) if (step.kind === 'close') parts.push(step.part)
  }
  for await (const chunk of upTo(source, limits.bytes)) {
    for (const piece of scanner.pieces(chunk)) keep(planner.take(piece))
  }
  keep(planner.end())
  return parts
}

/** A CSV to split: a file, read straight into the scanner's memory, or a stream of its bytes. */
export type CsvSource = { readonly path: string } | { readonly stream: AsyncIterable<Buffer> }

/**
 * The parts of a CSV, written one at a time in `dir` as `<stem>.part-<n>.csv`. A part is complete
 * when handed over. The next chunk is read while this one is scanned and written out.
 */
export async function* splitCsv(
  source: CsvSource,
  stem: string,
  dir: string,
  limits: PartLimits
): AsyncGenerator<Part> {
  const scanner = new RecordScanner()
  const planner = new PartPlanner(limits, scanner)
  const pathOf = (index: number): string => join(dir, `${stem}.part-${index}.csv`)
  let file: FileHandle | undefined
  async function* run(steps: readonly Step[]): AsyncGenerator<Part> {
    for (const step of steps) {
      if (step.kind === 'open') {
        file = await open(pathOf(step.index), 'w')
        await file.write(planner.header ?? Buffer.alloc(0))
      } else if (step.kind === 'write') await file?.writev(step.pieces)
      else {
        await file?.close()
        file = undefined
        yield { ...step.part, path: pathOf(step.part.index) }
      }
    }
  }
  const read = 'path' in source ? fileChunks(source.path, scanner.buffers) : source.stream
  const chunks = upTo(read, limits.bytes)[Symbol.asyncIterator]()
  let next = chunks.next()
  try {
    for (let chunk = await next; chunk.done !== true; chunk = await next) {
      next = chunks.next()
      for (const piece of scanner.pieces(chunk.value)) yield* run(planner.take(piece))
    }
    yield* run(planner.end())
  } finally {
    // A read under way when the split stopped ends before its file is closed.
    await next.catch(() => undefined)
    await chunks.return(undefined)
    await file?.close()
  }
}

/**
 * The bytes of the file at `path`, read into the scanner's buffers `into` in turn (two, so that the
 * next chunk is read while this one is scanned; a buffer is read into again only once the chunk
 * after next is asked for), which spares a copy and makes no garbage whatever the file's size. The
 * scanner's memory stays inside this module.
 */
async function* fileChunks(path: string, into: readonly Buffer[]): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r')
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

/** The chunks of `source` up to `bytes` in all: the same buffers, so that no byte is copied. */
async function* upTo(
  source: AsyncIterable<Buffer>,
  bytes = Number.POSITIVE_INFINITY
): AsyncGenerator<Buffer> {
  let left = bytes
  for await (const chunk of source) {
    if (left <= 0) return
    yield chunk.length <= left ? chunk : chunk.subarray(0, left)
    left -= chunk.length
  }
}

/** The bytes of a CSV stream after its header row. */
export async function* withoutHeader(source: Readable): AsyncGenerator<Buffer> {
  const scanner = new RecordScanner()
  let inHeader = true
  for await (const chunk of source) {
    const buffer = chunk as Buffer
    if (!inHeader) {
      yield buffer
      continue
    }
    let start = 0
    for (const piece of scanner.pieces(buffer)) {
      const end = scanner.scan(piece, 0, piece.length, 1)
      if (scanner.found === 1) {
        inHeader = false
        yield buffer.subarray(start + end)
        break
      }
      start += piece.length
    }
  }
}
