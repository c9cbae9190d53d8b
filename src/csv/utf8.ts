// What UTF-8 allows (RFC 3629): whether a stream of bytes is UTF-8, judged by node:buffer's isUtf8
// a chunk at a time, and for the one byte that is not, where it is.
import { isUtf8 } from 'node:buffer'

/**
 * Whether a stream of bytes is UTF-8, a chunk at a time. A character cut between two chunks is
 * held (its first bytes, three at most) and judged whole with the next.
 */
export class Utf8Stream {
  /** The first bytes of a character cut at the end of the last chunk. */
  #cut = Buffer.alloc(0)

  /**
   * Where the first byte of `bytes` that is not UTF-8 is, or -1 (at the chunk's start, or near it,
   * when the character cut before does not go on as it must).
   */
  notUtf8At(bytes: Buffer): number {
    let from = 0
    if (this.#cut.length > 0) {
      const [length] = sequenceOf(this.#cut[0] ?? 0)
      from = Math.min(length - this.#cut.length, bytes.length)
      const character = Buffer.concat([this.#cut, bytes.subarray(0, from)])
      const whole = character.length === length
      this.#cut = whole ? Buffer.alloc(0) : character
      if (whole ? !isUtf8(character) : invalidUtf8At(character) !== -1) return firstNotUtf8(bytes)
    }
    const to = wholeUpTo(bytes, from)
    if (!isUtf8(bytes.subarray(from, to))) return firstNotUtf8(bytes)
    if (to < bytes.length) this.#cut = Buffer.from(bytes.subarray(to))
    return -1
  }

  /** Whether the bytes so far end with a whole character. */
  get endsWhole(): boolean {
    return this.#cut.length === 0
  }
}

const firstNotUtf8 = (bytes: Uint8Array): number => Math.max(0, invalidUtf8At(bytes))

/** Where a character cut at the end of `bytes` (after `from`) begins; their length when none is. */
function wholeUpTo(bytes: Uint8Array, from: number): number {
  let at = bytes.length - 1
  while (at > from && at > bytes.length - 4 && ((bytes[at] ?? 0) & 0xc0) === 0x80) at -= 1
  if (at < from) return bytes.length
  const [length] = sequenceOf(bytes[at] ?? 0)
  return length > bytes.length - at ? at : bytes.length
}

/**
 * The first byte of `bytes` that does not begin or continue a UTF-8 character (RFC 3629: no
 * overlong form, no surrogate, nothing above U+10FFFF), or -1. Bytes that continue a character
 * cut at the start are skipped; a character cut at the end is not judged.
 */
export function invalidUtf8At(bytes: Uint8Array): number {
  let at = 0
  while (at < bytes.length && at < 3 && ((bytes[at] ?? 0) & 0xc0) === 0x80) at += 1
  while (at < bytes.length) {
    const lead = bytes[at] ?? 0
    const [length, low, high] = sequenceOf(lead)
    if (length === 0) return at
    for (let next = 1; next < length; next++) {
      if (at + next >= bytes.length) return -1
      const byte = bytes[at + next] ?? 0
      const [min, max] = next === 1 ? [low, high] : [0x80, 0xbf]
      if (byte < min || byte > max) return at
    }
    at += length
  }
  return -1
}

/** A lead byte's sequence: its length (0 when it leads none), and the range of the byte after it. */
function sequenceOf(lead: number): readonly [number, number, number] {
  if (lead < 0x80) return [1, 0, 0]
  if (lead < 0xc2) return [0, 0, 0]
  if (lead < 0xe0) return [2, 0x80, 0xbf]
  if (lead === 0xe0) return [3, 0xa0, 0xbf]
  if (lead === 0xed) return [3, 0x80, 0x9f]
  if (lead < 0xf0) return [3, 0x80, 0xbf]
  if (lead === 0xf0) return [4, 0x90, 0xbf]
  if (lead < 0xf4) return [4, 0x80, 0xbf]
  if (lead === 0xf4) return [4, 0x80, 0x8f]
  return [0, 0, 0]
}
