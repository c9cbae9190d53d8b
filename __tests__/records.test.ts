// The record scanner (src/csv/): the WebAssembly module against a byte-at-a-time reading of the
// same rule, a record ending at a line feed outside quotes; and the module in step with its text.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { assemble, WAT } from '../scripts/build-wasm.ts'
import { SCAN_WASM } from '../src/csv/scan-wasm.ts'
import { RecordScanner, SCAN_CHUNK_BYTES } from '../src/csv/scanner.ts'
import { seededRandom } from './support/seeded-random.ts'

/** What a scan should answer, a byte at a time. */
function expected(
  bytes: Buffer,
  from: number,
  to: number,
  limit: number,
  quotedBefore: boolean
): { stop: number; found: number; lastEnd: number; quoted: boolean } {
  let quoted = quotedBefore
  let found = 0
  let lastEnd = -1
  for (let at = from; at < to; at++) {
    if (bytes[at] === 0x22) quoted = !quoted
    else if (bytes[at] === 0x0a && !quoted) {
      found += 1
      lastEnd = at + 1
      if (found === limit) return { stop: at + 1, found, lastEnd, quoted }
    }
  }
  return { stop: to, found, lastEnd, quoted }
}

/** Whether a byte up to 0x20 comes just after a record end, both from `from` to `to`. */
function blankMayStart(bytes: Buffer, from: number, to: number, quotedBefore: boolean): boolean {
  let quoted = quotedBefore
  for (let at = from; at < to - 1; at++) {
    if (bytes[at] === 0x22) quoted = !quoted
    else if (bytes[at] === 0x0a && !quoted && (bytes[at + 1] ?? 0xff) <= 0x20) return true
  }
  return false
}

const random = seededRandom(7)

/** Random bytes, most of them letters, with quotes and line feeds often enough to matter. */
function randomBytes(length: number): Buffer {
  const alphabet = Buffer.from('ab,"\n\r"\n\u00e9')
  const bytes = Buffer.alloc(length)
  for (let at = 0; at < length; at++) bytes[at] = alphabet[random(alphabet.length)] ?? 0
  return bytes
}

describe('src/csv/scan-wasm.ts', () => {
  it('holds scan.wat assembled (run `npm run build:wasm` and commit it)', async () => {
    expect(SCAN_WASM).toBe(await assemble(readFileSync(WAT, 'utf8')))
  })
})

describe('RecordScanner', () => {
  it('finds what a byte-at-a-time reading finds, in either buffer, whatever lies past the end', () => {
    const scanner = new RecordScanner()
    for (let trial = 0; trial < 400; trial++) {
      const buffer = scanner.buffers[random(2)] ?? scanner.buffers[0]
      const length = 1 + random(300)
      const chunk = buffer.subarray(0, length)
      randomBytes(length + 64).copy(buffer)
      const from = random(length)
      const to = from + random(length - from + 1)
      const limit = random(3) === 0 ? undefined : 1 + random(6)
      const quotedBefore = random(2) === 1
      scanner.quoted = quotedBefore
      const want = expected(chunk, from, to, limit ?? Infinity, quotedBefore)
      const stop = scanner.scan(chunk, from, to, limit)
      expect({
        stop,
        found: scanner.found,
        lastEnd: scanner.lastEnd,
        quoted: scanner.quoted
      }).toEqual(want)
      if (limit === undefined) {
        expect(scanner.blankMayStart).toBe(blankMayStart(chunk, from, to, quotedBefore))
      }
    }
  })

  it('says whether a byte up to 0x20 follows a record end, past the end of a 64-byte block too', () => {
    const scanner = new RecordScanner()
    const [buffer] = scanner.buffers
    const scan = (text: string, to = Buffer.byteLength(text)): boolean => {
      buffer.fill(0x20)
      buffer.write(text)
      scanner.quoted = false
      scanner.scan(buffer.subarray(0, to), 0, to)
      return scanner.blankMayStart
    }
    expect(scan('a\n b\n')).toBe(true)
    expect(scan('a\nb\n')).toBe(false)
    expect(scan('"a\n b"\n')).toBe(false)
    expect(scan(`${'x'.repeat(63)}\n\tb`)).toBe(true)
    expect(scan(`${'x'.repeat(63)}\nb`)).toBe(false)
    // The byte after the last record end lies past `to`: not looked at.
    expect(scan('a\n ', 2)).toBe(false)
  })

  it('carries the quote state from chunk to chunk', () => {
    const scanner = new RecordScanner()
    const [first, second] = scanner.buffers
    second.write('A,"one\n')
    scanner.scan(second.subarray(0, 7), 0, 7)
    expect([scanner.found, scanner.lastEnd, scanner.quoted]).toEqual([0, -1, true])
    first.write('two"\nB\n')
    expect(scanner.scan(first.subarray(0, 7), 0, 7)).toBe(7)
    expect([scanner.found, scanner.lastEnd, scanner.quoted]).toEqual([2, 7, false])
  })

  it('stops at the record asked for when several end in one block of 64 bytes', () => {
    const scanner = new RecordScanner()
    const chunk = scanner.buffers[1].subarray(0, 128)
    chunk.fill('\n')
    expect(scanner.scan(chunk, 3, 128, 5)).toBe(8)
    expect([scanner.found, scanner.lastEnd]).toEqual([5, 8])
    expect(scanner.scan(chunk, 8, 128)).toBe(128)
    expect([scanner.found, scanner.lastEnd]).toEqual([120, 128])
  })

  it('scans to the end of its second buffer (a block reads up to 63 bytes past a chunk)', () => {
    const scanner = new RecordScanner()
    const chunk = scanner.buffers[1].subarray(SCAN_CHUNK_BYTES - 10)
    chunk.write('"a\nb"\nc\nd')
    expect(scanner.scan(chunk, 1, 10)).toBe(10)
    expect([scanner.found, scanner.lastEnd, scanner.quoted]).toEqual([1, 3, true])
  })

  it('copies a chunk of its own into its memory, a piece at a time', () => {
    const scanner = new RecordScanner()
    const chunk = Buffer.alloc(SCAN_CHUNK_BYTES + 10, 'x')
    chunk.write('\n', SCAN_CHUNK_BYTES + 4)
    const seen: number[] = []
    for (const piece of scanner.pieces(chunk)) {
      expect(piece.buffer).toBe(scanner.buffers[0].buffer)
      scanner.scan(piece, 0, piece.length)
      seen.push(piece.length, scanner.lastEnd)
    }
    expect(seen).toEqual([SCAN_CHUNK_BYTES, -1, 10, 5])
    const inPlace = scanner.buffers[1].subarray(0, 100)
    expect([...scanner.pieces(inPlace)]).toEqual([inPlace])
    expect([...scanner.pieces(Buffer.alloc(0))]).toEqual([])
  })

  it('refuses a chunk outside its memory, a range outside the chunk, and no record to find', () => {
    const scanner = new RecordScanner()
    const chunk = scanner.buffers[0].subarray(0, 10)
    expect(() => scanner.scan(Buffer.alloc(10), 0, 10)).toThrow(
      new RangeError('No scan from 0 to 10 of this chunk for 4294967295 records.')
    )
    expect(() => scanner.scan(chunk, -1, 5)).toThrow(RangeError)
    expect(() => scanner.scan(chunk, 0, 11)).toThrow(RangeError)
    expect(() => scanner.scan(chunk, 5, 4)).toThrow(RangeError)
    expect(() => scanner.scan(chunk, 0, 10, 0)).toThrow(RangeError)
  })
})
