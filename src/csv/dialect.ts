// What a CSV's bytes are as people export them (its encoding, and the character between its cells),
// and the copy in the one dialect Zoho reads: UTF-8, cells between commas, quoted as RFC 4180 says.
// Excel writes UTF-16 ("Unicode text"), Windows-1252 ("CSV" on Windows) and semicolons (in most of
// Europe); a file in any of them is rewritten, streamed, before the checks, the split and the upload.
import type { Readable } from 'node:stream'
import { CsvReader } from './reader.ts'
import { CsvWriter } from './writer.ts'
import { quoteNeverCloses } from './split.ts'

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
  const out = await CsvWriter.create(path)
  let rows = 0
  const drain = async (): Promise<void> => {
    for (const row of reader.rows) out.row(row)
    rows += reader.rows.length
    reader.rows.length = 0
    await out.flush()
  }
  try {
    for await (const chunk of source) {
      reader.push(decode(chunk as Buffer))
      await drain()
    }
    reader.push(decode())
    // The reader would end the file's last cell where the file ends: the copy would hide the fault.
    if (reader.quoted) throw quoteNeverCloses(rows + reader.rows.length + 1)
    reader.end()
    await drain()
  } finally {
    source.destroy()
    await out.close()
  }
  return out.bytes
}
