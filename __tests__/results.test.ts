import { afterAll, describe, expect, it } from '@jest/globals'
import { strToU8, zipSync } from 'fflate'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CsvReader, parseCsv } from '../src/csv/reader.ts'
import { appendResultCsv, morePreview, previewCsv } from '../src/results.ts'
import { zipBomb } from './support/zips.ts'

const dir = mkdtempSync(join(tmpdir(), 'zoho-results-'))
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

function zipFile(name: string, files: Record<string, string>, level: 0 | 6 = 6): string {
  const path = join(dir, name)
  const entries = Object.fromEntries(
    Object.entries(files).map(([file, text]) => [file, strToU8(text)])
  )
  writeFileSync(path, zipSync(entries, { level }))
  return path
}

describe('parseCsv', () => {
  it('reads quoted cells with commas, doubled quotes and line breaks', () => {
    expect(parseCsv('a,b,c\r\n"x, y","say ""hi""","line\nbreak"\n1,,3\n')).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'line\nbreak'],
      ['1', '', '3']
    ])
  })

  it('keeps a last row without a line break only once the text has ended', () => {
    expect(parseCsv('a,b\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2']
    ])
    const reader = new CsvReader()
    reader.push('a,b\n1,2')
    expect(reader.rows).toEqual([['a', 'b']])
  })

  it('drops a byte-order mark', () => {
    expect(parseCsv('\uFEFFName\nAda\n')).toEqual([['Name'], ['Ada']])
  })

  it.each([
    [
      'a quote, a doubled quote, CRLF inside and outside quotes',
      'a,"b ""q"", c"\r\n"x\r\ny",2\r\n3,4',
      [
        ['a', 'b "q", c'],
        ['x\r\ny', '2'],
        ['3', '4']
      ]
    ],
    // A blank row (nothing but spaces, tabs and CRs outside quotes) is no record: no cells. A row
    // with a quote, or a delimiter, is not blank.
    [
      'blank rows among the records',
      'a,b\n\n1,2\r\n \t\r\r\n""\n,\n"  \n"\n3,4\n  ',
      [['a', 'b'], [], ['1', '2'], [], [''], ['', ''], ['  \n'], ['3', '4'], []]
    ],
    // One dialect with the record scanner and the split: a record ends at LF or CRLF, not at a CR.
    [
      'a CR alone, which is data',
      'a,b\r\n1,x\ry\n2,z\r',
      [
        ['a', 'b'],
        ['1', 'x\ry'],
        ['2', 'z\r']
      ]
    ]
  ])('reads text cut anywhere as the whole text: %s', (_what, text, rows) => {
    for (let at = 0; at <= text.length; at++) {
      const reader = new CsvReader()
      reader.push(text.slice(0, at))
      reader.push(text.slice(at))
      reader.end()
      expect(reader.rows).toEqual(rows)
    }
  })
})

describe('previewCsv', () => {
  it('reads the header and rows of the CSV inside a ZIP', async () => {
    const path = zipFile('small.zip', {
      'failure.csv': 'Name,Error\nAda,"Invalid email, see row"\n'
    })
    expect(await previewCsv(path, 20)).toEqual({
      header: ['Name', 'Error'],
      rows: [['Ada', 'Invalid email, see row']],
      more: false
    })
  })

  it('stops after the rows asked for and says there are more', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `row${i},error ${i}`).join('\n')
    const path = zipFile('large.zip', { 'failure.csv': `Name,Error\n${rows}\n` })
    const preview = await previewCsv(path, 20)
    expect(preview?.rows).toHaveLength(20)
    expect(preview?.rows[19]).toEqual(['row19', 'error 19'])
    expect(preview?.more).toBe(true)
  })

  it('reads a stored (uncompressed) entry too, and skips files that are not CSV', async () => {
    const path = zipFile('stored.zip', { 'readme.txt': 'hello', 'result.CSV': 'A\n1\n' }, 0)
    expect(await previewCsv(path, 20)).toEqual({ header: ['A'], rows: [['1']], more: false })
  })

  it.each([
    [20, false, ''],
    [21, true, ''],
    [20, false, '\n'],
    [21, true, '\n']
  ])('says whether a complete file of %d rows has more than 20', async (count, more, end) => {
    const rows = Array.from({ length: count }, (_, i) => `row${i}`).join('\n') + end
    const name = `rows-${count}-${end.length}.zip`
    const preview = await previewCsv(zipFile(name, { 'f.csv': `A\n${rows}` }), 20)
    expect(preview?.rows).toHaveLength(20)
    expect(preview?.rows[19]).toEqual(['row19'])
    expect(preview?.more).toBe(more)
  })

  it('stops at the rows asked for when they come a piece at a time', async () => {
    // Stored, so that the CSV comes out in the pieces the ZIP is read in: 2 kB rows span several.
    const rows = Array.from({ length: 60 }, (_, i) => `row${i},${'x'.repeat(2000)}`).join('\n')
    const preview = await previewCsv(zipFile('pieces.zip', { 'f.csv': `A,B\n${rows}\n` }, 0), 20)
    expect(preview?.rows).toHaveLength(20)
    expect(preview?.rows.map(row => row[0])).toEqual(
      Array.from({ length: 20 }, (_, i) => `row${i}`)
    )
    expect(preview?.more).toBe(true)
  })

  it('inflates at most about 1 MiB: a row longer than that is not shown', async () => {
    const path = zipFile('long-row.zip', { 'f.csv': `A\n${'y'.repeat(3 * 1024 * 1024)}\nlast\n` })
    expect(await previewCsv(path, 20)).toEqual({ header: ['A'], rows: [], more: true })
  })

  it('reads characters cut between two pieces whole', async () => {
    // After "A\nx", each two-byte character starts at an odd offset: a piece's end cuts one.
    const text = `x${'é'.repeat(100_000)}`
    const path = zipFile('utf8.zip', { 'f.csv': `A\n${text}\n` }, 0)
    expect((await previewCsv(path, 20))?.rows).toEqual([[text]])
  })

  it('skips a file whose name only holds ".csv"', async () => {
    const path = zipFile('names.zip', { 'notes.csv.txt': 'X\nno\n', 'failure.csv': 'A\nyes\n' }, 0)
    expect((await previewCsv(path, 20))?.rows).toEqual([['yes']])
  })

  it('reads an empty CSV as nothing to show', async () => {
    expect(await previewCsv(zipFile('empty.zip', { 'f.csv': '' }), 20)).toEqual({
      header: [],
      rows: [],
      more: false
    })
  })

  it('finds nothing to preview in a ZIP without a CSV', async () => {
    expect(await previewCsv(zipFile('none.zip', { 'a.txt': 'x' }), 20)).toBeUndefined()
  })
})

describe('appendResultCsv', () => {
  it('merges the CSVs of result ZIPs: the first whole, the next without header, a line break between', async () => {
    const into = join(dir, 'failure.csv')
    const header = 'ID,"Note, with\r\na break",Error\r\n'
    await appendResultCsv(zipFile('p1.zip', { 'f.csv': `${header}1,a,x` }), into, true)
    await appendResultCsv(zipFile('p2.zip', { 'f.csv': `${header}2,"b\nc",y\r\n` }, 0), into, false)
    await appendResultCsv(zipFile('p3.zip', { 'f.csv': `${header}3,d,z\r\n` }), into, false)
    expect(readFileSync(into, 'utf8')).toBe(`${header}1,a,x\r\n2,"b\nc",y\r\n3,d,z\r\n`)
  })

  it('adds no line break before the rows when the file so far is empty', async () => {
    const into = join(dir, 'empty-so-far.csv')
    writeFileSync(into, '')
    await appendResultCsv(zipFile('p4.zip', { 'f.csv': 'ID\r\n4\r\n' }), into, false)
    expect(readFileSync(into, 'utf8')).toBe('4\r\n')
  })

  it('stops a CSV that inflates beyond what one job can give (200 MiB)', async () => {
    const path = join(dir, 'bomb.zip')
    writeFileSync(path, zipBomb(202))
    const into = join(dir, 'bomb.csv')
    try {
      await expect(appendResultCsv(path, into, true)).rejects.toThrow(
        `${path} inflates to more than 209715200 bytes: no result file of one job is that large.`
      )
      expect(statSync(into).size).toBeLessThanOrEqual(209_715_200)
    } finally {
      rmSync(into, { force: true })
    }
  })

  it('fails on a file with no CSV in it', async () => {
    const path = zipFile('no-csv.zip', { 'readme.txt': 'x' })
    await expect(appendResultCsv(path, join(dir, 'y.csv'), true)).rejects.toThrow(
      `${path} holds no .csv file.`
    )
  })

  it('fails on a file that is no ZIP', async () => {
    const path = join(dir, 'not.zip')
    writeFileSync(path, 'ID\n1\n')
    await expect(appendResultCsv(path, join(dir, 'x.csv'), true)).rejects.toThrow(
      `${path} is not a ZIP file Zoho can read: its directory is missing.`
    )
  })
})

describe('morePreview', () => {
  const first = { header: ['A'], rows: [['1'], ['2']], more: false }

  it('adds the rows of the next part after those shown, up to the most asked', () => {
    expect(morePreview(undefined, first, 3)).toBe(first)
    expect(morePreview(first, { header: ['A'], rows: [['3']], more: false }, 3)).toEqual({
      header: ['A'],
      rows: [['1'], ['2'], ['3']],
      more: false
    })
  })

  it('says there are more when rows are left out, or either preview had more', () => {
    const next = { header: ['A'], rows: [['3'], ['4']], more: false }
    expect(morePreview(first, next, 3)).toEqual({
      header: ['A'],
      rows: [['1'], ['2'], ['3']],
      more: true
    })
    expect(morePreview({ ...first, more: true }, { ...next, rows: [] }, 3).more).toBe(true)
    expect(morePreview(first, { ...next, rows: [], more: true }, 3).more).toBe(true)
  })
})
