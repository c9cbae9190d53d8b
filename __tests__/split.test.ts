// The splitter: parts on record boundaries (quoted commas, quotes and line breaks stay whole, also
// across chunk boundaries), each with the header, within the byte and record limits, skipping the
// records asked, one part at a time.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { parseCsv } from '../src/csv/reader.ts'
import { checkJobFile, csvSource, MAX_FILE_BYTES } from '../src/job-file.ts'
import { partsNeeded } from '../src/load.ts'
import { SCAN_CHUNK_BYTES } from '../src/csv/scanner.ts'
import { seededRandom } from './support/seeded-random.ts'
import {
  measureCsv,
  type Part,
  type PartLimits,
  splitCsv,
  withoutHeader
} from '../src/csv/split.ts'

let dir = ''
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoho-split-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const HEADER = '\uFEFFEmployee_ID,Name.first_name,Note\r\n'
const RECORDS: readonly string[] = [
  'E-1,Ada,plain\r\n',
  'E-2,"Grace ""Amazing"", Hopper","two\r\nlines"\r\n',
  'E-3,"Line\nbreak","a, comma"\r\n',
  'E-4,"""quoted""",\r\n',
  'E-5,Eve,last\n'
]
const CSV = HEADER + RECORDS.join('')
/** The header, then the records numbered (from 1). */
const withRecords = (...numbers: number[]): string =>
  HEADER + numbers.map(number => RECORDS[number - 1] ?? '').join('')

/** The text in chunks of `size` bytes, so that chunk boundaries fall everywhere. */
function chunked(text: string, size: number): Readable {
  const bytes = Buffer.from(text)
  const chunks: Buffer[] = []
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size))
  return Readable.from(chunks)
}

async function split(
  text: string,
  limits: Partial<PartLimits>,
  size = 7
): Promise<{ part: Part; text: string }[]> {
  const parts: { part: Part; text: string }[] = []
  for await (const part of splitCsv({ stream: chunked(text, size) }, 'rows', dir, {
    maxRecords: undefined,
    maxBytes: 1000,
    skipRecords: 0,
    ...limits
  })) {
    parts.push({ part, text: await readFile(part.path, 'utf8') })
  }
  return parts
}

describe('splitCsv', () => {
  it.each([1, 2, 3, 7, 64 * 1024])(
    'cuts only between records, each part with the header (chunks of %d bytes)',
    async size => {
      const parts = await split(CSV, { maxRecords: 2 }, size)
      expect(parts.map(({ text }) => text)).toEqual([
        withRecords(1, 2),
        withRecords(3, 4),
        withRecords(5)
      ])
      expect(
        parts.map(({ part }) => [part.index, part.firstRow, part.lastRow, part.records])
      ).toEqual([
        [1, 2, 3, 2],
        [2, 4, 5, 2],
        [3, 6, 6, 1]
      ])
      for (const { part, text } of parts) {
        expect(part.bytes).toBe(Buffer.byteLength(text))
        expect(part.path).toBe(join(dir, `rows.part-${part.index}.csv`))
        expect(parseCsv(text)[0]).toEqual(['Employee_ID', 'Name.first_name', 'Note'])
      }
    }
  )

  it.each([1, 3, 64])(
    'reads no further than the bytes it is given: neither records nor blank lines after them (chunks of %d bytes)',
    async size => {
      // What was measured: a record written to the file since is not split, nor counted.
      const measured = 'A,B\n1,2\n3,4\n'
      for (const text of [`${measured}\n\n\n\n`, `${measured}5,6\n\n7,8`]) {
        const parts = await split(text, { maxRecords: 2, bytes: measured.length }, size)
        expect(parts.map(({ text }) => text)).toEqual([measured])
        expect(parts.map(({ part }) => part.records)).toEqual([2])
      }
    }
  )

  it.each([1, 2, 3, 7, 1024])(
    'leaves blank rows out of the parts, numbering rows as the file does (chunks of %d bytes)',
    async size => {
      const text = 'A,B\n\n1,2\r\n \t\r\n\n3,"x\n\ny"\n\r\n4,5\n\n6,7\n  '
      const parts = await split(text, { maxRecords: 2 }, size)
      expect(parts.map(({ text }) => text)).toEqual(['A,B\n1,2\r\n3,"x\n\ny"\n', 'A,B\n4,5\n6,7\n'])
      expect(
        parts.map(({ part }) => [part.firstRow, part.lastRow, part.records, part.bytes])
      ).toEqual([
        [3, 6, 2, 18],
        [8, 10, 2, 12]
      ])
      // skip-records counts records, not blank rows.
      const skipped = await split(text, { skipRecords: 3 }, size)
      expect(skipped.map(({ text }) => text)).toEqual(['A,B\n6,7\n'])
      expect(skipped.map(({ part }) => [part.firstRow, part.lastRow])).toEqual([[10, 10]])
      expect(await split('A,B\n\n\n \n', {}, size)).toEqual([])
    }
  )

  it('puts every record of a random file with blank rows in exactly one part, rows numbered as the file', async () => {
    const random = seededRandom(7)
    const blanks = ['', ' ', '\t', '\r', '  \r']
    const cells = ['a', '', '"q\n\n"', '"\r\n  \r\n"', ' ']
    const rows = Array.from({ length: 400 }, (_, i) =>
      random(3) === 0
        ? (blanks[random(blanks.length)] ?? '')
        : [`R-${i}`, cells[random(cells.length)]].join(',')
    )
    const text = `ID,A\n${rows.join(random(2) === 0 ? '\n' : '\r\n')}\nR-last,x\n`
    // The file's rows with their numbers (the header is row 1), blank ones left out.
    const numbered = parseCsv(text)
      .map((cells, index) => ({ cells, row: index + 1 }))
      .slice(1)
      .filter(({ cells }) => cells.length > 0)
    for (const size of [1, 4, 11, 4096]) {
      const parts = await split(text, { maxRecords: 1 + random(30), maxBytes: 300 }, size)
      const records = parts.flatMap(({ text: part }) => parseCsv(part).slice(1))
      expect(records).toEqual(numbered.map(({ cells }) => cells))
      let next = 0
      for (const { part } of parts) {
        expect(part.firstRow).toBe(numbered[next]?.row)
        next += part.records
        expect(part.lastRow).toBe(numbered[next - 1]?.row)
      }
    }
  })

  it('puts every record of a random file in exactly one part, in order', async () => {
    const random = seededRandom(42)
    const cells = ['a', '', '"q,uo""te"', '"multi\nline"', '"cr\r\nlf"', 'ü€', '""']
    const rows = Array.from({ length: 300 }, (_, i) =>
      [`R-${i}`, cells[random(cells.length)], cells[random(cells.length)]].join(',')
    )
    const text = `ID,A,B\r\n${rows.join('\r\n')}\r\n`
    for (const size of [1, 5, 13, 4096]) {
      const parts = await split(text, { maxRecords: 1 + random(40), maxBytes: 400 }, size)
      const records = parts.flatMap(({ text: part }) => parseCsv(part).slice(1))
      expect(records).toEqual(parseCsv(text).slice(1))
      for (const { part } of parts) expect(part.bytes).toBeLessThanOrEqual(400)
    }
  })

  it.each([
    ['bytes', undefined, 1_000_000],
    ['records', 7000, 10_000_000]
  ])(
    "splits a file read into the scanner's two buffers in turn, cut by %s",
    async (_cut, maxRecords, maxBytes) => {
      // Records of many lengths, so that the 1 MiB chunks end anywhere, inside quotes too.
      const rows = Array.from(
        { length: 40_000 },
        // A blank row now and then, so that some fall where a chunk ends.
        (_, i) =>
          `R-${i},"two\nlines ${'x'.repeat(i % 97)}","""q"", ${i}"\r\n${i % 89 === 0 ? ' \r\n' : ''}`
      )
      const text = `ID,Note,Quote\r\n${rows.join('')}`
      const path = join(dir, 'big.csv')
      await writeFile(path, text)
      const file = await checkJobFile(path, {
        splittable: true,
        dialect: { encoding: 'auto', delimiter: 'auto' },
        copyRoot: dir
      })
      const parts: string[] = []
      for await (const part of splitCsv(csvSource(file), 'big', dir, {
        maxRecords,
        maxBytes,
        skipRecords: 0
      })) {
        const partText = await readFile(part.path, 'utf8')
        expect(part.bytes).toBe(Buffer.byteLength(partText))
        expect(part.bytes).toBeLessThanOrEqual(maxBytes)
        expect(partText.startsWith('ID,Note,Quote\r\n')).toBe(true)
        if (maxRecords !== undefined) expect(part.records).toBeLessThanOrEqual(maxRecords)
        parts.push(partText)
      }
      expect(parts.length).toBeGreaterThan(2)
      expect(parts.flatMap(part => parseCsv(part).slice(1))).toEqual(
        parseCsv(text)
          .slice(1)
          .filter(cells => cells.length > 0)
      )
    }
  )

  it('keeps each part within the byte limit, header included', async () => {
    const maxBytes = Buffer.byteLength(HEADER) + 60
    const parts = await split(CSV, { maxBytes })
    expect(parts.length).toBeGreaterThan(1)
    for (const { part } of parts) expect(part.bytes).toBeLessThanOrEqual(maxBytes)
    expect(parts.map(({ text }) => text.slice(HEADER.length)).join('')).toBe(RECORDS.join(''))
  })

  it('leaves out the records to skip, and numbers rows as in the file', async () => {
    const parts = await split(CSV, { skipRecords: 3 })
    expect(parts).toHaveLength(1)
    expect(parts[0]?.text).toBe(withRecords(4, 5))
    expect(parts[0]?.part.firstRow).toBe(5)
  })

  it('takes a last record without a line break', async () => {
    const parts = await split('A,B\n1,2\n3,"x\ny"', { maxRecords: 1 })
    expect(parts.map(({ text }) => text)).toEqual(['A,B\n1,2\n', 'A,B\n3,"x\ny"'])
  })

  it.each([1, 3, 7, 1024])(
    'starts a part for a last record without a line break that the part under way cannot take (chunks of %d bytes)',
    async size => {
      const parts = await split('A\n123\n45678', { maxBytes: 10 }, size)
      expect(parts.map(({ text }) => text)).toEqual(['A\n123\n', 'A\n45678'])
    }
  )

  it('makes no part of a file with a header only, or all records skipped', async () => {
    expect(await split('A,B\r\n', {})).toEqual([])
    expect(await split('A,B', {})).toEqual([])
    expect(await split(CSV, { skipRecords: 5 })).toEqual([])
    expect(await split('A\n1\n2', { skipRecords: 2 })).toEqual([])
  })

  it('skips up to a last record without a line break', async () => {
    const parts = await split('A\n1\n2', { skipRecords: 1 })
    expect(parts.map(({ text }) => text)).toEqual(['A\n2'])
    expect(parts[0]?.part.firstRow).toBe(3)
  })

  it.each([
    ['the first record skipped', 'A\n"', 1],
    ['a record after one skipped', 'A\n1\n"', 5]
  ])(
    'follows the length of %s, to fail on a quote that never closes before the end of the file',
    async (_what, start, skipRecords) => {
      const text = start + 'x'.repeat(60)
      const row = skipRecords === 1 ? 2 : 3
      // The record's 61 bytes fit 61: the end of the file finds the quote open.
      await expect(split(text, { maxBytes: 61, skipRecords })).rejects.toThrow(
        `Row ${row} of the file opens a quote that never closes`
      )
      await expect(split(text, { maxBytes: 60, skipRecords })).rejects.toThrow(
        `Row ${row} of the file runs over 60 bytes without ending`
      )
    }
  )

  it('refuses a record that no part can hold, and a quote that never closes', async () => {
    await expect(split('A\n' + 'x'.repeat(50) + '\n', { maxBytes: 40 }, 1024)).rejects.toThrow(
      'Row 2 of the file is 51 bytes long: with the header, more than the 40 bytes a job takes.'
    )
    await expect(split('A\n' + 'x'.repeat(39), { maxBytes: 40 })).rejects.toThrow(
      'Row 2 of the file is 39 bytes long: with the header, more than the 40 bytes a job takes.'
    )
    await expect(split('A\n"' + 'x'.repeat(100), { maxBytes: 40 })).rejects.toThrow(
      'Row 2 of the file runs over 40 bytes without ending (a quote never closed?): more than a ' +
        'job takes.'
    )
  })

  it('refuses a quote still open at the end of the file', async () => {
    await expect(split('A\n1\n"2\n3\n', { maxRecords: 1 })).rejects.toThrow(
      'Row 3 of the file opens a quote that never closes'
    )
  })

  it('writes the next part only when it is asked for, and ends the reading when stopped', async () => {
    let reading = true
    async function* source(): AsyncGenerator<Buffer> {
      try {
        yield* chunked(CSV, 5)
      } finally {
        reading = false
      }
    }
    const parts = splitCsv({ stream: source() }, 'rows', dir, {
      maxRecords: 1,
      maxBytes: 1000,
      skipRecords: 0
    })
    await parts.next()
    expect(await readdir(dir)).toEqual(['rows.part-1.csv'])
    expect(reading).toBe(true)
    await parts.return(undefined)
    expect(reading).toBe(false)
  })
})

const countRecords = async (...args: Parameters<typeof measureCsv>): Promise<number> =>
  (await measureCsv(...args)).records

describe('measureCsv', () => {
  it('takes a record as long as the bound', async () => {
    expect(await countRecords(chunked(`A\n${'x'.repeat(40)}`, 8), { maxRecordBytes: 40 })).toBe(1)
  })

  it('fails on a record longer than the bound, and on a quote that never closes', async () => {
    await expect(
      countRecords(chunked(`A\n${'x'.repeat(50)}`, 8), { maxRecordBytes: 40 })
    ).rejects.toThrow('Row 2 of the file runs over 40 bytes without ending')
    await expect(countRecords(chunked('A\n1\n"2\n3\n', 3))).rejects.toThrow(
      'Row 3 of the file opens a quote that never closes'
    )
  })

  it.each([
    [CSV, 5],
    ['A,B\n1,2\n3,"x\ny"', 2],
    ['A,B\n', 0],
    ['', 0]
  ])('counts the records of %j', async (text, records) => {
    expect(await countRecords(chunked(text, 3))).toBe(records)
  })

  it.each([
    ['A,B\r\n1,2\r\n', 1, 'A,B\r\n1,2\r\n'],
    ['A,B\r\n1,2\r\n\r\n\r\n', 1, 'A,B\r\n1,2\r\n'],
    ['A,B\n1,2\n\n  \n\t', 1, 'A,B\n1,2\n'],
    ['A,B\n1,2  \n\n', 1, 'A,B\n1,2  \n'],
    ['A,B\n1,2', 1, 'A,B\n1,2'],
    ['A,B\n1,"x\n\n"\n\n', 1, 'A,B\n1,"x\n\n"\n'],
    ['A,B\n\n\n', 0, 'A,B\n']
  ])(
    'leaves the blank lines at the end of %j out of its records and bytes',
    async (text, records, kept) => {
      for (const size of [1, 2, 3, 1024]) {
        expect(await measureCsv(chunked(text, size))).toEqual({
          records,
          bytes: Buffer.byteLength(kept),
          blankRows: 0
        })
      }
    }
  )

  it.each([
    ['A,B\n1,2\n\n3,4\n\n', 2, 1],
    // Each way a blank row may start, alone in the file.
    ['A\n1\n \n2\n', 2, 1],
    ['A\n1\n\t\n2\n', 2, 1],
    ['A\n1\n\r\n2\n', 2, 1],
    ['A\n\n1\n', 1, 1],
    ['A,B\n\n1,2\n  \t\r\n3,4\r\n\r\n5,6\n', 3, 3],
    ['A,B\r\n\r\n\r\n1,2', 1, 2],
    // Inside quotes a blank line is the cell's; a row with a quote or a delimiter is a record.
    ['A,B\n1,"x\n\n  \n"\n\n2,3\n', 2, 1],
    ['A\n""\n \n x\n,\n', 3, 1],
    ['A\n"\n"\n\n\r\n"\n\n"\n', 2, 2]
  ])(
    'counts the blank rows among the records of %j, and no record of them',
    async (text, records, blankRows) => {
      for (const size of [1, 2, 3, 5, 1024]) {
        expect(await measureCsv(chunked(text, size))).toMatchObject({ records, blankRows })
      }
    }
  )
})

describe('withoutHeader', () => {
  it.each([1, 4, 1024])(
    'drops a header with a quoted line break (chunks of %d bytes)',
    async size => {
      const rest: Buffer[] = []
      for await (const piece of withoutHeader(chunked(CSV, size))) rest.push(piece)
      expect(Buffer.concat(rest).toString()).toBe(RECORDS.join(''))
      const quotedHeader: Buffer[] = []
      for await (const piece of withoutHeader(chunked('"A\nB",C\n1,2\n', size)))
        quotedHeader.push(piece)
      expect(Buffer.concat(quotedHeader).toString()).toBe('1,2\n')
    }
  )

  it('drops a header longer than the scanner takes at a time, in one chunk', async () => {
    const header = `"${'h\n'.repeat(SCAN_CHUNK_BYTES / 2 + 10)}",B\n`
    const rest: Buffer[] = []
    for await (const piece of withoutHeader(Readable.from([Buffer.from(`${header}1,2\n`)])))
      rest.push(piece)
    expect(Buffer.concat(rest).toString()).toBe('1,2\n')
  })
})

describe('partsNeeded', () => {
  const measure = { records: 10, bytes: 1000, blankRows: 0 }
  const limits = { maxRecords: 10, skipRecords: 0 }

  it('sends a file as it is when it fits one job', () => {
    expect(partsNeeded({ size: MAX_FILE_BYTES, measure }, limits)).toBeUndefined()
    expect(
      partsNeeded({ size: 1000, measure }, { ...limits, maxRecords: undefined })
    ).toBeUndefined()
  })

  it.each([
    ['larger than a job takes', { size: MAX_FILE_BYTES + 1, measure }, limits],
    ['with more records than a job takes', { size: 1000, measure }, { ...limits, maxRecords: 9 }],
    ['with records to skip', { size: 1000, measure }, { ...limits, skipRecords: 1 }],
    [
      'with blank rows among its records',
      { size: 1000, measure: { ...measure, blankRows: 1 } },
      limits
    ]
  ])('splits a file %s', (_why, file, partLimits) => {
    expect(partsNeeded(file, partLimits)).toBe(file.measure)
  })
})
