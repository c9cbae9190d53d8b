// Splits a CSV into parts on record boundaries, each part with the header row: a quoted cell may
// hold commas, quotes ("") and line breaks, and stays whole. The stream is read once; a part is
// written, handed over, and only then is the stream read on, so that memory holds a chunk and one
// record whatever the file's size. A record ends at a line feed outside quotes (CRLF or LF).
import { type FileHandle, open } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { LocalFileError } from './errors.ts'

export interface PartLimits {
  /** The most data records in a part; undefined for no limit. */
  readonly maxRecords: number | undefined
  /** The most bytes in a part, the header included. */
  readonly maxBytes: number
  /** Data records at the start of the file to leave out of every part. */
  readonly skipRecords: number
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

const QUOTE = 0x22
const LINE_FEED = 0x0a

/** Finds where records end in a stream of chunks; the quote state carries from chunk to chunk. */
class RecordScanner {
  #quoted = false
  /** Whether the bytes scanned so far end inside quotes. */
  get quoted(): boolean {
    return this.#quoted
  }

  /** Where the last record ended in the chunk being scanned. */
  #lastEnd = 0
  /** Bytes of the record under way that earlier chunks held. */
  held = 0

  /** Calls `onEnd` with the index just past each record's line feed in `chunk`. */
  scan(chunk: Buffer, onEnd: (end: number) => void): void {
    // A quote toggles the state ("" inside quotes toggles it twice); UTF-8 puts neither a quote
    // nor a line feed inside a character. The bytes go four at a time, as a 32-bit word (byte k
    // at bits 8k to 8k+7): masks mark the quotes and the line feeds, a prefix XOR of the quote
    // marks tells which bytes are inside quotes, and only the line feeds outside end a record.
    this.#lastEnd = 0
    const length = chunk.length
    const head = (4 - (chunk.byteOffset & 3)) & 3
    const count = length > head ? (length - head) >>> 2 : 0
    if (count === 0) this.#bytes(chunk, 0, length, onEnd)
    else {
      this.#bytes(chunk, 0, head, onEnd)
      const words = new Uint32Array(chunk.buffer, chunk.byteOffset + head, count)
      let quoted = this.#quoted
      for (let word = 0; word < count; word++) {
        const value = words[word] ?? 0
        const quotes = bytesEqual(value, QUOTES)
        const lineFeeds = bytesEqual(value, LINE_FEEDS)
        if ((quotes | lineFeeds) === 0) continue
        let parity = quotes ^ (quotes << 8)
        parity ^= parity << 16
        let ends = lineFeeds & (quoted ? parity : ~parity)
        // The word's last byte holds the parity of all its quotes.
        if (parity < 0) quoted = !quoted
        while (ends !== 0) {
          const bit = 31 - Math.clz32(ends & -ends)
          const end = head + word * 4 + (bit >>> 3) + 1
          this.#lastEnd = end
          onEnd(end)
          ends &= ends - 1
        }
      }
      this.#quoted = quoted
      this.#bytes(chunk, head + count * 4, length, onEnd)
    }
    if (this.#lastEnd > 0) this.held = 0
    this.held += length - this.#lastEnd
  }

  #bytes(chunk: Buffer, from: number, to: number, onEnd: (end: number) => void): void {
    for (let at = from; at < to; at++) {
      const value = chunk[at]
      if (value === QUOTE) this.#quoted = !this.#quoted
      else if (value === LINE_FEED && !this.#quoted) {
        this.#lastEnd = at + 1
        onEnd(at + 1)
      }
    }
  }
}

const QUOTES = 0x22222222
const LINE_FEEDS = 0x0a0a0a0a
const LOW_BITS = 0x7f7f7f7f

/** 0x80 in each byte of `value` that equals `pattern`'s byte there, 0 in every other bit. */
function bytesEqual(value: number, pattern: number): number {
  const differ = value ^ pattern
  return ~(((differ & LOW_BITS) + LOW_BITS) | differ | LOW_BITS)
}

/**
 * Counts the data records of a CSV stream (the rows after the header), and fails on a record
 * longer than `maxRecordBytes`, such as one whose quote never closes: a load checks its file so
 * before any job exists.
 */
export async function countRecords(
  source: Readable,
  maxRecordBytes = Number.POSITIVE_INFINITY
): Promise<number> {
  const scanner = new RecordScanner()
  let rows = 0
  for await (const chunk of source) {
    scanner.scan(chunk as Buffer, () => {
      rows += 1
    })
    if (scanner.held > maxRecordBytes) throw recordTooLong(rows + 1, maxRecordBytes)
  }
  if (scanner.held > 0) rows += 1
  if (scanner.quoted) throw quoteNeverCloses(rows)
  return Math.max(0, rows - 1)
}

function quoteNeverCloses(row: number): LocalFileError {
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

/**
 * Bytes to write: records held from earlier chunks, then the records of one chunk from `from` to
 * `to` (records that follow each other in a chunk are written as one piece).
 */
interface ChunkRun {
  readonly held: readonly Buffer[]
  readonly chunk: Buffer
  readonly from: number
  to: number
}

const NO_PIECES: readonly Buffer[] = Object.freeze([])

const piecesOf = (run: ChunkRun): Buffer[] => [...run.held, run.chunk.subarray(run.from, run.to)]

/** What the planner asks of the writer: open a part, write bytes to it, close it. */
type Step =
  | { readonly kind: 'open'; readonly index: number }
  | { readonly kind: 'write'; readonly run: ChunkRun }
  | { readonly kind: 'close'; readonly part: Omit<Part, 'path'> }

/** Decides, record by record, which part each goes in; writes nothing itself. */
class PartPlanner {
  readonly #limits: PartLimits
  readonly #scanner = new RecordScanner()
  #held: Buffer[] = []
  header: Buffer | undefined
  #row = 0
  #part:
    { index: number; firstRow: number; lastRow: number; records: number; bytes: number } | undefined
  #parts = 0
  /** The write the next record of the same chunk may extend. */
  #lastWrite: ChunkRun | undefined

  constructor(limits: PartLimits) {
    this.#limits = limits
  }

  take(chunk: Buffer): Step[] {
    const steps: Step[] = []
    let start = 0
    this.#scanner.scan(chunk, end => {
      this.#record(chunk, start, end, steps)
      start = end
    })
    if (start < chunk.length) {
      // Copied: the chunk's memory may be read over once the next chunk is asked for.
      this.#held.push(Buffer.from(chunk.subarray(start)))
      if (this.#scanner.held > this.#limits.maxBytes) {
        throw recordTooLong(this.#row + 1, this.#limits.maxBytes)
      }
    }
    return steps
  }

  end(): Step[] {
    const steps: Step[] = []
    if (this.#scanner.quoted) throw quoteNeverCloses(this.#row + 1)
    if (this.#held.length > 0) this.#record(Buffer.alloc(0), 0, 0, steps)
    if (this.#part !== undefined) steps.push({ kind: 'close', part: this.#part })
    return steps
  }

  /** The record that ends at `to` in `chunk`, from `from` on (and held from earlier chunks). */
  #record(chunk: Buffer, from: number, to: number, steps: Step[]): void {
    this.#row += 1
    // Most records: whole in this chunk, and fitting the part under way after the one before.
    const part = this.#part
    const { maxBytes, maxRecords, skipRecords } = this.#limits
    const length = to - from
    if (
      this.#held.length === 0 &&
      part !== undefined &&
      part.bytes + length <= maxBytes &&
      (maxRecords === undefined || part.records < maxRecords)
    ) {
      part.records += 1
      part.bytes += length
      part.lastRow = this.#row
      const last = this.#lastWrite
      if (last?.chunk === chunk && last.to === from) last.to = to
      else this.#write({ held: NO_PIECES, chunk, from, to }, steps)
      return
    }
    const held = this.#held
    if (held.length > 0) this.#held = []
    const bytes = held.reduce((sum, piece) => sum + piece.length, length)
    if (this.header === undefined) {
      this.header = Buffer.concat([...held, chunk.subarray(from, to)], bytes)
      return
    }
    if (this.#row - 1 <= skipRecords) return
    if (this.header.length + bytes > maxBytes) {
      throw new LocalFileError(
        `Row ${this.#row} of the file is ${bytes} bytes long: with the header, more than the ` +
          `${maxBytes} bytes a job takes.`
      )
    }
    if (
      part !== undefined &&
      (part.bytes + bytes > maxBytes || (maxRecords !== undefined && part.records >= maxRecords))
    ) {
      steps.push({ kind: 'close', part })
      this.#part = undefined
    }
    if (this.#part === undefined) {
      this.#parts += 1
      this.#part = {
        index: this.#parts,
        firstRow: this.#row,
        lastRow: this.#row,
        records: 0,
        bytes: this.header.length
      }
      steps.push({ kind: 'open', index: this.#parts })
      this.#lastWrite = undefined
    }
    this.#part.records += 1
    this.#part.bytes += bytes
    this.#part.lastRow = this.#row
    // Not the planner's own array when empty: take() adds to that one the next record's start.
    this.#write({ held: held.length > 0 ? held : NO_PIECES, chunk, from, to }, steps)
  }

  #write(run: ChunkRun, steps: Step[]): void {
    steps.push({ kind: 'write', run })
    this.#lastWrite = run
  }
}

/**
 * The parts of the CSV `source`, written one at a time in `dir` as `<stem>.part-<n>.csv`. A part
 * is complete when handed over; the source is read on only when the next is asked for, and each
 * of its chunks is written out before the next is asked for (so it may reuse a chunk's memory).
 */
export async function* splitCsv(
  source: AsyncIterable<Buffer>,
  stem: string,
  dir: string,
  limits: PartLimits
): AsyncGenerator<Part> {
  const planner = new PartPlanner(limits)
  const pathOf = (index: number): string => join(dir, `${stem}.part-${index}.csv`)
  let file: FileHandle | undefined
  async function* run(steps: readonly Step[]): AsyncGenerator<Part> {
    for (const step of steps) {
      if (step.kind === 'open') {
        file = await open(pathOf(step.index), 'w')
        await file.write(planner.header ?? Buffer.alloc(0))
      } else if (step.kind === 'write') await file?.writev(piecesOf(step.run))
      else {
        await file?.close()
        file = undefined
        yield { ...step.part, path: pathOf(step.part.index) }
      }
    }
  }
  try {
    for await (const chunk of source) yield* run(planner.take(chunk))
    yield* run(planner.end())
  } finally {
    await file?.close()
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
    let headerEnd = -1
    scanner.scan(buffer, end => {
      if (headerEnd === -1) headerEnd = end
    })
    if (headerEnd === -1) continue
    inHeader = false
    if (headerEnd < buffer.length) yield buffer.subarray(headerEnd)
  }
}
