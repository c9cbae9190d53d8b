// The one ZIP reader (src/zip.ts), on ZIPs made byte by byte: comments, extra fields, several
// entries, and the damage it must name rather than read past.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { text } from 'node:stream/consumers'
import { deflateRawSync } from 'node:zlib'
import { entryData, startsAsZip, WORKBOOK, zipCsv, zipEntry } from '../src/zip.ts'
import { zipOfPieces } from './support/zips.ts'

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zip-test-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

let made = 0
async function file(bytes: Buffer): Promise<string> {
  const path = join(dir, `${++made}.zip`)
  await writeFile(path, bytes)
  return path
}

const fault = (what: string): Error => new Error(what)

/** The CSV of the ZIP `bytes` as `which` picks it, read whole; or the fault's message. */
async function csvOf(bytes: Buffer, which: 'only' | 'first-csv' = 'only'): Promise<string> {
  const path = await file(bytes)
  try {
    const entry = await zipEntry(path, bytes.length, fault, which)
    return entry === undefined ? '(none)' : await text(entryData(path, entry))
  } catch (error) {
    return `fault: ${(error as Error).message}`
  }
}

const CSV = Buffer.from('Name,Email\nAda,ada@example.com\n')

describe('startsAsZip', () => {
  it.each([
    ['a ZIP', zipOfPieces([{ name: 'a.csv', data: CSV }]), true],
    ['a CSV', CSV, false],
    ['three bytes of a ZIP', Buffer.from('PK\x03', 'latin1'), false],
    ['an empty file', Buffer.alloc(0), false]
  ])('knows %s by its first bytes', (_what, bytes, zip) => {
    expect(startsAsZip(bytes)).toBe(zip)
  })
})

describe('zipEntry', () => {
  it('reads a stored and a deflated CSV', async () => {
    expect(await csvOf(zipOfPieces([{ name: 'a.csv', data: CSV }]))).toBe(CSV.toString())
    const deflated = zipOfPieces([{ name: 'a.CSV', data: deflateRawSync(CSV), method: 8 }])
    expect(await csvOf(deflated)).toBe(CSV.toString())
  })

  it('reads an empty stored CSV as empty, not as the bytes after it', async () => {
    expect(await csvOf(zipOfPieces([{ name: 'a.csv', data: Buffer.alloc(0) }]))).toBe('')
  })

  it('finds the directory before a ZIP comment, and steps over extra fields', async () => {
    const zip = zipOfPieces(
      [{ name: 'a.csv', data: CSV, localExtra: 9, centralExtra: 5, comment: 'exported' }],
      'a comment of the ZIP, with PK in it'
    )
    expect(await csvOf(zip)).toBe(CSV.toString())
  })

  it('takes the first CSV of a ZIP from Zoho, past the entries before it', async () => {
    const zip = zipOfPieces([
      { name: 'readme.txt', data: Buffer.from('not this'), centralExtra: 4, comment: 'c' },
      { name: 'failure.csv', data: CSV, localExtra: 3 },
      { name: 'other.csv', data: Buffer.from('nor this') }
    ])
    expect(await csvOf(zip, 'first-csv')).toBe(CSV.toString())
    const path = await file(zip)
    const stream = await zipCsv(path)
    expect(stream === undefined ? 'none' : await text(stream)).toBe(CSV.toString())
  })

  it('finds no CSV in a ZIP from Zoho that holds none', async () => {
    const zip = zipOfPieces([{ name: 'readme.txt', data: CSV }])
    expect(await csvOf(zip, 'first-csv')).toBe('(none)')
    expect(await zipCsv(await file(zip))).toBeUndefined()
  })

  it.each([
    [
      'the entries of an Excel workbook',
      zipOfPieces([
        { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
        { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') }
      ]),
      WORKBOOK
    ],
    [
      'the entries of a binary Excel workbook',
      zipOfPieces([{ name: 'xl/workbook.bin', data: Buffer.from('x') }]),
      WORKBOOK
    ],
    [
      'the entries of an OpenDocument spreadsheet',
      zipOfPieces([
        { name: 'mimetype', data: Buffer.from('application/vnd.oasis.opendocument.spreadsheet') },
        { name: 'content.xml', data: Buffer.from('<office:document-content/>') }
      ]),
      WORKBOOK
    ],
    [
      'a mimetype but no content',
      zipOfPieces([{ name: 'mimetype', data: Buffer.from('x') }]),
      'holds "mimetype", not a .csv file: a ZIP for Zoho must hold exactly one CSV file.'
    ],
    [
      'two files',
      zipOfPieces([
        { name: 'a.csv', data: CSV },
        { name: 'b.csv', data: CSV }
      ]),
      'holds 2 files: a ZIP for Zoho must hold exactly one CSV file.'
    ],
    ['no file', zipOfPieces([]), 'holds 0 files: a ZIP for Zoho must hold exactly one CSV file.'],
    [
      'a file that is not a CSV',
      zipOfPieces([{ name: 'data.xlsx', data: CSV }]),
      'holds "data.xlsx", not a .csv file: a ZIP for Zoho must hold exactly one CSV file.'
    ],
    [
      'an encrypted CSV',
      zipOfPieces([{ name: 'a.csv', data: CSV, flags: 1 }]),
      'is encrypted: Zoho cannot read it.'
    ],
    [
      'a CSV compressed another way',
      zipOfPieces([{ name: 'a.csv', data: CSV, method: 12 }]),
      'is compressed with method 12: use a ZIP compressed with deflate (the usual), or stored.'
    ],
    ['no directory', CSV, 'is not a ZIP file Zoho can read: its directory is missing.']
  ])('refuses a ZIP with %s', async (_what, zip, message) => {
    expect(await csvOf(zip)).toBe(`fault: ${message}`)
  })

  it('refuses a directory that lists more entries than it holds', async () => {
    const zip = zipOfPieces([{ name: 'a.csv', data: CSV }])
    zip.writeUInt16LE(2, zip.length - 22 + 10)
    expect(await csvOf(zip, 'first-csv')).toBe(
      'fault: is not a ZIP file Zoho can read: its directory is damaged.'
    )
  })

  it('refuses a directory entry whose mark is wrong', async () => {
    const zip = zipOfPieces([{ name: 'a.csv', data: CSV }])
    zip.writeUInt8(0, zip.indexOf(Buffer.from('PK\x01\x02', 'latin1')) + 2)
    expect(await csvOf(zip)).toBe(
      'fault: is not a ZIP file Zoho can read: its directory is damaged.'
    )
  })

  it.each([
    ['a local header that is not one', 0],
    ['a local header past the end', 10_000]
  ])('refuses %s', async (_what, at) => {
    const zip = zipOfPieces([{ name: 'a.csv', data: CSV }])
    const central = zip.indexOf(Buffer.from('PK\x01\x02', 'latin1'))
    if (at === 0) zip.writeUInt8(0, 2)
    else zip.writeUInt32LE(at, central + 42)
    expect(await csvOf(zip)).toBe('fault: is not a ZIP file Zoho can read: its entry is damaged.')
  })
})
