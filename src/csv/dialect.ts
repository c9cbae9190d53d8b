// What a CSV's bytes are as people export them (its encoding, and the character between its cells),
// and the copy in the one dialect Zoho reads: UTF-8, cells between commas, quoted as RFC 4180 says.
// Excel writes UTF-16 ("Unicode text"), Windows-1252 ("CSV" on Windows) and semicolons (in most of
// Europe); a file in any of them is rewritten, streamed, before the checks, the split and the upload.
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import type { Readable } from 'node:stream'
import { CsvReader } from './reader.ts'

export const ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'iso-8859-1'] as const
export type Encoding = (typeof ENCODINGS)[number]

/** The characters a file's cells may be separated by, by the name the `delimiter` input gives. */
export const DELIMITERS = { ',': ',', ';': ';', tab: '\t', '|': '|' } as const
export type Delimiter = (typeof DELIMITERS)[keyof typeof DELIMITERS]

/** What the user said of the file: each is found from the file when `auto`. */
export interface DialectAsked {
  readonly encoding: Encoding | 'auto'
  readonly delimiter: Delimiter | 'auto'
}

/** What the file is. */
export interface Dialect {
  readonly encoding: Encoding
  readonly delimiter: Delimiter
}

/** Zoho's own: a file in it is sent as it is. */
export const ZOHO_DIALECT: Dialect = { encoding: 'utf-8', delimiter: ',' }

const BYTE_ORDER_MARKS: readonly (readonly [Encoding, Buffer])[] = [
  ['utf-8', Buffer.from([0xef, 0xbb, 0xbf])],
  ['utf-16le', Buffer.from([0xff, 0xfe])],
  ['utf-16be', Buffer.from([0xfe, 0xff])]
]

/** The encoding asked for, else the one the byte-order mark `head` starts with says, else UTF-8. */
export function encodingOf(head: Buffer, asked: Encoding | 'auto'): Encoding {
  if (asked !== 'auto') return asked
  const marked = BYTE_ORDER_MARKS.find(([, mark]) => head.subarray(0, mark.length).equals(mark))
  return marked?.[0] ?? 'utf-8'
}

/**
 * The delimiter asked for, else the one that separates the cells of the header row outside quotes
 * (the most often; a comma when none does, or on a tie with it).
 */
export function delimiterOf(headerRow: string, asked: Delimiter | 'auto'): Delimiter {
  if (asked !== 'auto') return asked
  const counts = new Map<string, number>()
  let quoted = false
  for (const char of headerRow) {
    if (char === '"') quoted = !quoted
    else if (!quoted) counts.set(char, (counts.get(char) ?? 0) + 1)
  }
  let found: Delimiter = ','
  for (const delimiter of Object.values(DELIMITERS)) {
    if ((counts.get(delimiter) ?? 0) > (counts.get(found) ?? 0)) found = delimiter
  }
  return found
}

/** The name a log line gives a dialect, such as "UTF-16LE, cells between semicolons". */
export function describeDialect({ encoding, delimiter }: Dialect): string {
  const between = { ',': 'commas', ';': 'semicolons', '\t': 'tabs', '|': 'pipes' }[delimiter]
  return `${encoding.toUpperCase()}, cells between ${between}`
}

/** Decodes a file's bytes, a chunk at a time (a character may be cut between two). */
export function decoderOf(encoding: Encoding): (bytes?: Buffer) => string {
  // ISO 8859-1 maps each byte to the character of that number; the WHATWG decoder TextDecoder
  // offers under its name is Windows-1252's.
  if (encoding === 'iso-8859-1') return bytes => bytes?.toString('latin1') ?? ''
  const decoder = new TextDecoder(encoding)
  return bytes => (bytes === undefined ? decoder.decode() : decoder.decode(bytes, { stream: true }))
}

/**
 * The first row of the text, as far as `text` goes: up to its first line feed outside quotes.
 * Quotes are counted as the reader counts them: each opens or closes, a doubled one twice.
 */
export function firstRow(text: string): string {
  let quoted = false
  for (let at = 0; at < text.length; at++) {
    const char = text[at]
    if (char === '"') quoted = !quoted
    else if (char === '\n' && !quoted) return text.slice(0, at)
  }
  return text
}

const NEEDS_QUOTES = /[",\r\n]/
const cell = (value: string): string =>
  NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value

/**
 * Writes `source`, in `dialect`, to `path` in Zoho's: UTF-8 without a byte-order mark, cells between
 * commas, rows ending with CRLF. Row for row, blank lines kept, so that row numbers stay the file's.
 * Memory holds a chunk and a row whatever the file's size. Answers the bytes written.
 */
export async function writeInZohoDialect(
  source: Readable,
  dialect: Dialect,
  path: string
): Promise<number> {
  const decode = decoderOf(dialect.encoding)
  const reader = new CsvReader(dialect.delimiter)
  const out = createWriteStream(path)
  const closed = once(out, 'close')
  // A write that fails is told by the drain or the close awaited below.
  closed.catch(() => undefined)
  const drain = async (): Promise<void> => {
    const text = reader.rows.map(row => `${row.map(cell).join(',')}\r\n`).join('')
    reader.rows.length = 0
    if (text !== '' && !out.write(text)) await once(out, 'drain')
  }
  try {
    for await (const chunk of source) {
      reader.push(decode(chunk as Buffer))
      await drain()
    }
    reader.push(decode())
    reader.end()
    await drain()
    out.end()
    await closed
    return out.bytesWritten
  } finally {
    source.destroy()
    out.destroy()
  }
}

/**
 * Where the first byte of `source` that is not UTF-8 is, counted from its start, or -1 when all
 * is. The decoder checks each chunk; only the chunk it refuses is walked byte by byte.
 */
export async function firstNonUtf8(source: Readable): Promise<number> {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let offset = 0
  try {
    for await (const chunk of source) {
      const bytes = chunk as Buffer
      try {
        decoder.decode(bytes, { stream: true })
      } catch {
        return offset + Math.max(0, invalidUtf8At(bytes))
      }
      offset += bytes.length
    }
    decoder.decode()
    return -1
  } catch {
    // The file ends inside a character.
    return offset
  } finally {
    source.destroy()
  }
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
