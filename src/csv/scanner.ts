// Where the records of a CSV end (a line feed outside quotes), found by the WebAssembly scanner of
// scan.wat, 64 bytes at a time. A chunk is scanned in the scanner's own memory: read a file
// straight into one of its `buffers`, or let `pieces` copy a chunk there.
import { SCAN_WASM } from './scan-wasm.ts'

/** The most bytes of each of the scanner's two buffers. */
export const SCAN_CHUNK_BYTES = 1024 * 1024
/** No limit to the records a scan may find. */
const NO_LIMIT = 0xffffffff

// Node has WebAssembly as a global; TypeScript types it only in its DOM libraries.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object) => { readonly exports: object }
}

/** What scan.wat exports. */
interface ScanExports {
  readonly memory: { readonly buffer: ArrayBuffer }
  readonly quoted: { value: number }
  readonly found: { readonly value: number }
  readonly lastEnd: { readonly value: number }
  readonly blankMayStart: { readonly value: number }
  scan(from: number, to: number, limit: number): number
}

let compiled: object | undefined

export class RecordScanner {
  readonly #wasm: ScanExports
  /**
   * The scanner's memory, as two buffers of SCAN_CHUNK_BYTES: a file can be read into one while
   * a chunk in the other is scanned.
   */
  readonly buffers: readonly [Buffer, Buffer]
  /** Where the last chunk scanned starts in the memory. */
  #base = 0

  constructor() {
    compiled ??= new WebAssembly.Module(Buffer.from(SCAN_WASM, 'base64'))
    this.#wasm = new WebAssembly.Instance(compiled).exports as ScanExports
    const memory = this.#wasm.memory.buffer
    this.buffers = [
      Buffer.from(memory, 0, SCAN_CHUNK_BYTES),
      Buffer.from(memory, SCAN_CHUNK_BYTES, SCAN_CHUNK_BYTES)
    ]
  }

  /**
   * The bytes of `chunk` in the scanner's memory: the chunk itself when read into one of its
   * buffers, else copied into the first a piece at a time (each piece read over by the next).
   */
  *pieces(chunk: Buffer): Generator<Buffer> {
    if (this.#holds(chunk)) {
      yield chunk
      return
    }
    const [buffer] = this.buffers
    for (let at = 0; at < chunk.length; at += SCAN_CHUNK_BYTES) {
      const piece = chunk.subarray(at, at + SCAN_CHUNK_BYTES)
      piece.copy(buffer)
      yield buffer.subarray(0, piece.length)
    }
  }

  /**
   * Scans `chunk`, a piece of the scanner's memory, from `from` to `to`, carrying the quote state
   * from the scan before; stops just past the `limit`-th record that ends (at least 1), and
   * answers where it stopped.
   */
  scan(chunk: Buffer, from: number, to: number, limit = NO_LIMIT): number {
    if (!(this.#holds(chunk) && 0 <= from && from <= to && to <= chunk.length && limit >= 1)) {
      throw new RangeError(`No scan from ${from} to ${to} of this chunk for ${limit} records.`)
    }
    this.#base = chunk.byteOffset
    return (
      this.#wasm.scan(this.#base + from, this.#base + to, Math.min(limit, NO_LIMIT)) - this.#base
    )
  }

  /** Records that ended in the last scan. */
  get found(): number {
    return this.#wasm.found.value
  }

  /** Just past the last record that ended in the last scan, in its chunk; -1 if none did. */
  get lastEnd(): number {
    const end = this.#wasm.lastEnd.value
    return end < 0 ? end : end - this.#base
  }

  /**
   * Whether, in the last scan, a byte that may begin a blank row (a space, a tab, a CR or a line
   * feed, or another byte up to 0x20) came just after a record's end.
   */
  get blankMayStart(): boolean {
    return this.#wasm.blankMayStart.value === 1
  }

  /** Whether the bytes scanned so far end inside quotes. */
  get quoted(): boolean {
    return this.#wasm.quoted.value === 1
  }

  /** Scans on from a known state: false at a record's end. */
  set quoted(quoted: boolean) {
    this.#wasm.quoted.value = quoted ? 1 : 0
  }

  #holds(chunk: Buffer): boolean {
    return chunk.buffer === this.buffers[0].buffer
  }
}
