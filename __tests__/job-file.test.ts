// The file a job loads, checked on disk before any request (src/job-file.ts).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { strToU8, zipSync } from 'fflate'
import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deflateRawSync } from 'node:zlib'
import { InputError } from '../src/errors.ts'
import {
  CHUNK_BYTES,
  checkJobFile,
  type FileReading,
  forEachRow,
  MAX_FILE_BYTES
} from '../src/job-file.ts'
import { zipOf } from './support/zips.ts'

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoho-job-file-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** How the action reads a file when encoding and delimiter are left as they are. */
function reading(overrides: Partial<FileReading> = {}): FileReading {
  return {
    splittable: false,
    dialect: { encoding: 'auto', delimiter: 'auto' },
    copyRoot: dir,
    ...overrides
  }
}

async function file(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, content)
  return path
}

async function problem(path: string): Promise<string> {
  try {
    await checkJobFile(path, reading())
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as InputError).message
  }
  throw new Error(`${path} passed`)
}

describe('checkJobFile', () => {
  it('reads a CSV header row: byte-order mark, quotes, subfields', async () => {
    const path = await file(
      'a.csv',
      '\uFEFF"Name.first_name","Note, with comma",Email\r\n1,2,3\r\n'
    )
    expect(await checkJobFile(path, reading())).toEqual({
      path,
      name: 'a.csv',
      size: Buffer.byteLength('\uFEFF"Name.first_name","Note, with comma",Email\r\n1,2,3\r\n'),
      kind: 'csv',
      columns: ['Name.first_name', 'Note, with comma', 'Email'],
      dialect: { encoding: 'utf-8', delimiter: ',' },
      measure: { records: 1, bytes: 54, blankRows: 0 }
    })
  })

  it('takes a last record without a line break after it', async () => {
    expect((await checkJobFile(await file('b.csv', 'A,B\r\n1,2'), reading())).columns).toEqual([
      'A',
      'B'
    ])
  })

  it.each([
    ['a header alone', 'A,B'],
    ['a header and its line break', 'A,B\n'],
    ['a header and blank lines', 'A,B\r\n\r\n\n\n'],
    ['a quoted header over two lines', '"A\nfirst",B\n\n'],
    ['a header and over 1 MiB of blank lines', `A,B\n${'\r\n'.repeat(600_000)}`]
  ])('refuses %s: no records', async (_what, text) => {
    const path = await file('header.csv', text)
    expect(await problem(path)).toBe(
      `Input "file": ${path} holds no records: only a header row, with nothing to load under it.`
    )
  })

  it.each([
    ['after blank lines', `A,B\n\n\n1,2\n`],
    ['in a later chunk', `A,B\n${'\n'.repeat(300_000)}1,2\n`]
  ])('takes a record %s', async (_what, text) => {
    expect((await checkJobFile(await file('late.csv', text), reading())).columns).toEqual([
      'A',
      'B'
    ])
  })

  it.each([
    ['deflated', zipSync({ 'x.csv': strToU8('A,B\n1,2\n') }, { level: 6 })],
    ['stored', zipSync({ 'x.csv': strToU8('A,B\n1,2\n') }, { level: 0 })]
  ])('reads the header of the one CSV in a %s ZIP', async (_kind, zip) => {
    const checked = await checkJobFile(await file(`${_kind}.zip`, zip), reading())
    expect(checked).toMatchObject({ kind: 'zip', name: `${_kind}.zip`, columns: ['A', 'B'] })
  })

  it('reads the header of a ZIP entry past its first piece of data', async () => {
    const header = Array.from({ length: 5000 }, (_, i) => `Column_${i}`).join(',')
    const zip = zipOf('wide.csv', 8, deflateRawSync(Buffer.from(`${header}\n1\n`)))
    expect((await checkJobFile(await file('wide.zip', zip), reading())).columns).toHaveLength(5000)
  })

  it.each([
    ['in a file sent in one job', 'A,B\n1,"x\n2,3\n', 2],
    ['in its last record', 'A,B\n1,2\n3,"x', 3]
  ])('refuses a quote that never closes %s, naming its row', async (_where, text, row) => {
    const path = await file('open.csv', text)
    expect(await problem(path)).toBe(
      `Input "file": ${path} cannot be loaded: Row ${row} of the file opens a quote that never ` +
        'closes: the rest of the file would be one cell.'
    )
  })

  it('measures the records, blank lines left out and those among the records counted', async () => {
    const text = 'A,B\n1,"x\n\ny"\n \r\n2,3\n\n\r\n'
    expect((await checkJobFile(await file('m.csv', text), reading())).measure).toEqual({
      records: 2,
      bytes: Buffer.byteLength('A,B\n1,"x\n\ny"\n \r\n2,3\n'),
      blankRows: 1
    })
  })

  it('refuses a folder', async () => {
    const path = join(dir, 'folder.csv')
    await mkdir(path)
    expect(await problem(path)).toBe(
      `Input "file": ${path} is not a regular file: give the path of a CSV or ZIP file.`
    )
  })

  it('refuses a first line over 1 MiB', async () => {
    const path = await file('long.csv', 'A'.repeat(1024 * 1024 + 10))
    expect(await problem(path)).toBe(
      `Input "file": ${path} cannot be read: its first line is over 1 MiB long.`
    )
  })

  it('takes a first line of exactly 1 MiB, with a character cut between two pieces', async () => {
    const MiB = 1024 * 1024
    // "é" takes two bytes, the first of them the last byte of the first piece read.
    const first = `${'A'.repeat(CHUNK_BYTES - 1)}é`
    const header = `${first},${'B'.repeat(MiB - Buffer.byteLength(first) - 1)}`
    expect(Buffer.byteLength(header)).toBe(MiB)
    const checked = await checkJobFile(await file('mib.csv', `${header}\n1,2\n`), reading())
    expect(checked.columns.map(column => column.length)).toEqual([
      CHUNK_BYTES,
      MiB - CHUNK_BYTES - 2
    ])
    expect(checked.columns[0]?.endsWith('Aé')).toBe(true)
  })

  it('refuses a header row of blank names as no header row', async () => {
    const path = await file('blank-header.csv', '  , \r\n1,2\r\n')
    expect(await problem(path)).toBe(
      `Input "file": ${path} has no header row: its first line must name the form's fields (their link names).`
    )
  })

  it('refuses a header column whose name is only spaces', async () => {
    const path = await file('blank-column.csv', 'A, ,B\n1,2,3\n')
    expect(await problem(path)).toBe(
      `Input "file": ${path} has a header column with no name (column 2): each column must name a field by its link name.`
    )
  })

  it('refuses a column named twice, spaces aside, quoting at most 100 characters of it', async () => {
    const long = 'N'.repeat(150)
    const path = await file('twice.csv', `A,${long}, ${long} \n1,2,3\n`)
    expect(await problem(path)).toBe(
      `Input "file": ${path} names the column "${'N'.repeat(100)}" twice in its header (columns 2 and 3).`
    )
  })

  it('refuses a ZIP whose CSV is empty as having no header row', async () => {
    const path = await file('empty-entry.zip', zipSync({ 'x.csv': new Uint8Array() }, { level: 0 }))
    expect(await problem(path)).toContain('has no header row')
  })

  it('refuses a path it cannot read, saying why', async () => {
    const csv = await file('plain.csv', 'A\n1\n')
    const path = join(csv, 'inside.csv')
    expect(await problem(path)).toMatch(
      new RegExp(`^Input "file": ${path} cannot be read: ENOTDIR: not a directory.*\\.$`)
    )
  })

  it('refuses a path that does not exist, saying where relative paths start', async () => {
    const path = join(dir, 'missing.csv')
    expect(await problem(path)).toBe(
      `Input "file": ${path} does not exist: the path is relative to the workspace (GITHUB_WORKSPACE), or absolute.`
    )
  })

  it('takes a file of 100 MB for one job, and one a byte larger only for a load', async () => {
    const limit = await file('limit.csv', 'A\n1\n')
    const over = await file('over.csv', 'A\n1\n')
    // Sparse files: NUL characters after the first record.
    await truncate(limit, MAX_FILE_BYTES)
    await truncate(over, MAX_FILE_BYTES + 1)
    expect((await checkJobFile(limit, reading())).size).toBe(MAX_FILE_BYTES)
    expect(await problem(over)).toBe(
      `Input "file": ${over} is ${MAX_FILE_BYTES + 1} bytes, more than the ${MAX_FILE_BYTES} bytes ` +
        '(100 MB) Zoho takes in one job: action: load splits a larger file into several jobs.'
    )
    expect((await checkJobFile(over, reading({ splittable: true }))).size).toBe(MAX_FILE_BYTES + 1)
  })

  it.each([
    ['bzip2.zip', zipOf('x.csv', 12, Buffer.from('BZh9')), 'is compressed with method 12'],
    [
      'no-directory.zip',
      Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(40)]),
      'its directory is missing'
    ],
    ['empty-folder.zip', zipSync({ 'data/': new Uint8Array() }), 'not a .csv file']
  ])('refuses %s', async (name, zip, what) => {
    const path = await file(name, zip)
    expect(await problem(path)).toContain(what)
  })

  it('refuses an encrypted entry', async () => {
    const zip = zipOf('x.csv', 8, deflateRawSync(Buffer.from('A\n')))
    // The general-purpose flag of the central directory entry: bit 0, encrypted.
    const central = zip.indexOf(Buffer.from('PK\x01\x02', 'latin1'))
    zip.writeUInt16LE(1, central + 8)
    expect(await problem(await file('secret.zip', zip))).toContain('is encrypted')
  })
})

describe('forEachRow', () => {
  it('gives each data row with its number, the header being row 1, as a stream', async () => {
    // A record over two lines is one row; a character split across chunks is read whole.
    const text = `Name,Note\nAda,"two\nlines"\n${'Zoë,é\n'.repeat(60_000)}Bo,x\n`
    const checked = await checkJobFile(await file('rows.csv', text), reading())
    const rows: [readonly string[], number][] = []
    await forEachRow(checked, (cells, row) => rows.push([cells, row]))
    expect(rows[0]).toEqual([['Ada', 'two\nlines'], 2])
    expect(rows[1]).toEqual([['Zoë', 'é'], 3])
    expect(rows).toHaveLength(60_002)
    expect(rows.filter(([cells]) => cells.join('').includes('\uFFFD'))).toEqual([])
    expect(rows.at(-1)).toEqual([['Bo', 'x'], 60_003])
  })

  it('stops once told there is no need for more', async () => {
    const checked = await checkJobFile(
      await file('many.csv', `A\n${'1\n'.repeat(400_000)}`),
      reading()
    )
    let seen = 0
    await forEachRow(
      checked,
      () => {
        seen += 1
      },
      () => seen < 10
    )
    expect(seen).toBeGreaterThanOrEqual(10)
    expect(seen).toBeLessThan(400_000)
  })
})
