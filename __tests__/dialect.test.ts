// Files as people export them (src/csv/dialect.ts, and its use in src/job-file.ts): encodings,
// delimiters, and the copy in the dialect Zoho reads.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { zipSync } from 'fflate'
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readlinkSync } from 'node:fs'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Readable } from 'node:stream'
import {
  delimiterOf,
  describeDialect,
  encodingOf,
  firstRow,
  writeInZohoDialect
} from '../src/csv/dialect.ts'
import { measureCsv, NotUtf8Error } from '../src/csv/split.ts'
import { invalidUtf8At, Utf8Stream } from '../src/csv/utf8.ts'
import { seededRandom } from './support/seeded-random.ts'
import { NODE24, ROOT } from '../emulator/run-action.ts'
import { InputError } from '../src/errors.ts'
import { checkJobFile, discardCopy, type FileReading } from '../src/job-file.ts'

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoho-dialect-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const AUTO: FileReading['dialect'] = { encoding: 'auto', delimiter: 'auto' }

async function check(name: string, bytes: Buffer | string, dialect = AUTO) {
  const path = join(dir, name)
  await writeFile(path, bytes)
  const copyRoot = await mkdtemp(join(dir, 'temp-'))
  return {
    path,
    copyRoot,
    file: await checkJobFile(path, { splittable: false, dialect, copyRoot })
  }
}

async function refusal(name: string, bytes: Buffer | string, dialect = AUTO): Promise<string> {
  try {
    await check(name, bytes, dialect)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error(`${name} passed`)
}

const utf16be = (text: string): Buffer => {
  const bytes = Buffer.from(text, 'utf16le')
  return bytes.swap16()
}

/** Chunks of at most `size` bytes, as a stream would give them. */
const pieces = (bytes: Buffer, size: number): Readable =>
  Readable.from(
    Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) =>
      bytes.subarray(i * size, (i + 1) * size)
    )
  )

describe('a file in another dialect than Zoho’s', () => {
  it('sends a UTF-8 copy with commas of a UTF-16LE file with semicolons, and removes it after', async () => {
    const text =
      '\uFEFFName;Note;City\r\nZoë;"says ""hi""; twice";Köln\r\n"Ann";"two\r\nlines";a,b\r\n'
    const { path, copyRoot, file } = await check('unicode.txt', Buffer.from(text, 'utf16le'))
    expect(file).toMatchObject({
      name: 'unicode.csv',
      kind: 'csv',
      columns: ['Name', 'Note', 'City'],
      dialect: { encoding: 'utf-16le', delimiter: ';' },
      copyOf: path
    })
    const copy = await readFile(file.path, 'utf8')
    expect(copy).toBe(
      'Name,Note,City\r\nZoë,"says ""hi""; twice",Köln\r\nAnn,"two\r\nlines","a,b"\r\n'
    )
    expect(file.size).toBe(Buffer.byteLength(copy))
    expect(file.path.startsWith(copyRoot)).toBe(true)
    await discardCopy(file)
    expect(await readdir(copyRoot)).toEqual([])
  })

  it('says so, naming RUNNER_TEMP, when the copy has nowhere to go', async () => {
    const path = join(dir, 'nowhere.txt')
    await writeFile(path, Buffer.from('\uFEFFA;B\r\n1;2\r\n', 'utf16le'))
    const notAFolder = join(dir, 'temp-file')
    await writeFile(notAFolder, '')
    const reading = { splittable: false, dialect: AUTO, copyRoot: notAFolder }
    await expect(checkJobFile(path, reading)).rejects.toThrow(
      new RegExp(
        `^The copy of nowhere\\.txt in UTF-8 with commas could not be written under ${notAFolder} ` +
          '\\(RUNNER_TEMP\\): ENOTDIR.*\\. It must be a folder this step can write, with room for a ' +
          'copy of the file\\. Nothing was sent to Zoho\\.$'
      )
    )
  })

  it('reads UTF-16BE by its byte-order mark, with tabs', async () => {
    const { file } = await check('be.tsv', utf16be('\uFEFFA\tB\n1\t€\n'))
    expect(file.dialect).toEqual({ encoding: 'utf-16be', delimiter: '\t' })
    expect(await readFile(file.path, 'utf8')).toBe('A,B\r\n1,€\r\n')
  })

  it('reads Windows-1252 and ISO 8859-1 when asked, each by its own table', async () => {
    const bytes = Buffer.from([
      ...Buffer.from('Name|Price\n'),
      0x43,
      0x61,
      0x66,
      0xe9,
      0x7c,
      0x80,
      0x0a
    ])
    const windows = await check('w.csv', bytes, { encoding: 'windows-1252', delimiter: 'auto' })
    expect(await readFile(windows.file.path, 'utf8')).toBe('Name,Price\r\nCafé,€\r\n')
    const latin = await check('l.csv', bytes, { encoding: 'iso-8859-1', delimiter: '|' })
    expect(await readFile(latin.file.path, 'utf8')).toBe('Name,Price\r\nCafé,\u0080\r\n')
  })

  it('copies the CSV a ZIP holds, named after the ZIP', async () => {
    const zip = Buffer.from(zipSync({ 'x.csv': Buffer.from('\uFEFFA;B\r\n1;2\r\n', 'utf16le') }))
    const { file } = await check('export.zip', zip)
    expect(file).toMatchObject({ name: 'export.csv', kind: 'csv', columns: ['A', 'B'] })
    expect(file).not.toHaveProperty('entry')
    expect(await readFile(file.path, 'utf8')).toBe('A,B\r\n1,2\r\n')
  })

  it('keeps a UTF-8 file with commas as it is, byte-order mark and all', async () => {
    const { path, file } = await check('plain.csv', '\uFEFFA,B\n1,2\n')
    expect(file.path).toBe(path)
    expect(file).not.toHaveProperty('copyOf')
    await discardCopy(file)
    expect(await readFile(path, 'utf8')).toBe('\uFEFFA,B\n1,2\n')
  })

  it('refuses a quote that never closes, naming its row, though the copy would close it', async () => {
    const path = join(dir, 'open.csv')
    const text = '\uFEFFA;B\r\n1;2\r\n3;"four\r\n5;6\r\n'
    expect(await refusal('open.csv', Buffer.from(text, 'utf16le'))).toBe(
      `Input "file": ${path} cannot be loaded: Row 3 of the file opens a quote that never closes: ` +
        'the rest of the file would be one cell.'
    )
  })

  it('checks the copy as it checks any file: a header alone holds no records', async () => {
    const path = join(dir, 'alone.csv')
    expect(await refusal('alone.csv', Buffer.from('\uFEFFA;B\r\n\r\n', 'utf16le'))).toBe(
      `Input "file": ${path} holds no records: only a header row, with nothing to load under it.`
    )
  })
})

describe('a file that is not UTF-8', () => {
  it('is refused, naming the row (a record over two lines is one) and the encoding to set', async () => {
    const bytes = Buffer.concat([
      Buffer.from('Name,Note\n"Ann","two\nlines"\nCaf'),
      Buffer.from([0xe9, 0x0a])
    ])
    const path = join(dir, 'latin.csv')
    expect(await refusal('latin.csv', bytes)).toBe(
      `Input "file": ${path} is not UTF-8: row 3 holds a byte that is not (byte ${bytes.length - 1} ` +
        'of the file). Set the encoding input: windows-1252 for a file Excel saved as "CSV" on ' +
        'Windows, iso-8859-1 for Latin-1.'
    )
  })

  it('is refused with semicolons too, before any copy is written', async () => {
    const bytes = Buffer.concat([Buffer.from('A;B\n1;'), Buffer.from([0xff]), Buffer.from('\n')])
    expect(await refusal('semi.csv', bytes)).toContain('is not UTF-8: row 2 holds')
  })

  it('is refused as UTF-16 without its mark when its header holds NUL characters', async () => {
    expect(await refusal('nomark.csv', Buffer.from('A,B\r\n1,2\r\n', 'utf16le'))).toContain(
      'set encoding: utf-16le (or utf-16be)'
    )
  })
})

describe('encodingOf', () => {
  it.each([
    [[0xef, 0xbb, 0xbf, 0x41], 'utf-8'],
    [[0xff, 0xfe, 0x41, 0x00], 'utf-16le'],
    [[0xfe, 0xff, 0x00, 0x41], 'utf-16be'],
    [[0x41, 0x2c], 'utf-8'],
    [[0xff], 'utf-8'],
    [[], 'utf-8']
  ])('follows the byte-order mark of %j: %s', (bytes, encoding) => {
    expect(encodingOf(Buffer.from(bytes), 'auto')).toBe(encoding)
  })

  it('takes the encoding asked for over any mark', () => {
    expect(encodingOf(Buffer.from([0xff, 0xfe]), 'windows-1252')).toBe('windows-1252')
  })
})

describe('delimiterOf', () => {
  it.each([
    ['A,B,C', ','],
    ['A;B;C', ';'],
    ['A\tB', '\t'],
    ['A|B|C', '|'],
    ['"Last, First";City', ';'],
    ['"a;b;c",d', ','],
    ['A;B,C', ','],
    ['A;B;C,D', ';'],
    ['Name', ','],
    ['', ',']
  ])('finds %j separated by %j', (header, delimiter) => {
    expect(delimiterOf(header, 'auto')).toBe(delimiter)
  })

  it('takes the one asked for', () => {
    expect(delimiterOf('A;B;C', '|')).toBe('|')
  })
})

describe('describeDialect', () => {
  it.each([
    [',', 'UTF-8, cells between commas'],
    [';', 'UTF-8, cells between semicolons'],
    ['\t', 'UTF-8, cells between tabs'],
    ['|', 'UTF-8, cells between pipes']
  ] as const)('names %j', (delimiter, name) => {
    expect(describeDialect({ encoding: 'utf-8', delimiter })).toBe(name)
  })
})

describe('firstRow', () => {
  it('ends at the first line feed outside quotes', () => {
    expect(firstRow('A,"b\nc"\n1,2')).toBe('A,"b\nc"')
    expect(firstRow('A,B')).toBe('A,B')
    expect(firstRow('A\r\nB')).toBe('A\r')
  })
})

describe('writeInZohoDialect', () => {
  /** Whether this process holds the file at `path` open, where Linux lists them; else false. */
  const holdsOpen = (path: string): boolean =>
    existsSync('/proc/self/fd') &&
    readdirSync('/proc/self/fd').some(fd => {
      try {
        return readlinkSync(join('/proc/self/fd', fd)) === path
      } catch {
        return false // closed since it was listed
      }
    })

  it('writes a last row without a line break, and keeps blank lines as rows', async () => {
    const path = join(dir, 'out.csv')
    const source = pieces(Buffer.from('A;B\n\n1;"x;y"', 'utf8'), 3)
    const bytes = await writeInZohoDialect(source, { encoding: 'utf-8', delimiter: ';' }, path)
    // The copy is closed once written: a load in parts writes one a part.
    expect(holdsOpen(path)).toBe(false)
    expect(await readFile(path, 'utf8')).toBe('A,B\r\n\r\n1,x;y\r\n')
    expect(bytes).toBe(Buffer.byteLength('A,B\r\n\r\n1,x;y\r\n'))
  })

  // /dev/full takes no byte: each write fails as on a full disk. In a process of its own, as the
  // action runs: jest keeps an unhandled rejection to itself, where Node would end the action.
  const fullDisk = existsSync('/dev/full') ? it : it.skip
  fullDisk('stops at a write that fails, with its error, and leaves no rejection unhandled', () => {
    const script = `
      import { Readable } from 'node:stream'
      import { writeInZohoDialect } from ${JSON.stringify(pathToFileURL(join(ROOT, 'src/csv/dialect.ts')).href)}
      process.on('unhandledRejection', reason => console.log('unhandled:', String(reason)))
      // The write of the first rows fails while the copy waits for the next chunk.
      async function* slowly() {
        yield Buffer.from('A;B\\n1;2\\n')
        await new Promise(resolve => setTimeout(resolve, 100))
        yield Buffer.from('3;4\\n')
      }
      const dialect = { encoding: 'utf-8', delimiter: ';' }
      await writeInZohoDialect(Readable.from(slowly()), dialect, '/dev/full').then(
        () => console.log('written'),
        error => console.log('failed:', error.code)
      )`
    const child = spawnSync(NODE24, ['--input-type=module', '-e', script], { encoding: 'utf8' })
    expect(child.stdout.trim()).toBe('failed: ENOSPC')
  })

  it('decodes a character cut between two chunks', async () => {
    const path = join(dir, 'cut.csv')
    const source = pieces(Buffer.from('\uFEFFA;é\n', 'utf16le'), 3)
    await writeInZohoDialect(source, { encoding: 'utf-16le', delimiter: ';' }, path)
    expect(await readFile(path, 'utf8')).toBe('A,é\r\n')
  })
})

describe('firstNonUtf8 and invalidUtf8At', () => {
  it.each([
    ['ASCII', [0x41, 0x42], -1],
    ['two, three and four bytes', [0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80], -1],
    ['a lone continuation byte', [0x41, 0x80], 1],
    ['an overlong form', [0xc0, 0x80], 0],
    ['a surrogate', [0x41, 0xed, 0xa0, 0x80], 1],
    ['an overlong three-byte form', [0xe0, 0x80, 0x80], 0],
    ['an overlong four-byte form', [0xf0, 0x80, 0x80, 0x80], 0],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a byte no character starts with', [0x41, 0xf5], 1],
    ['a character cut short by the next', [0xe2, 0x82, 0x41], 0],
    ['a character cut at the end (not judged)', [0x41, 0xe2, 0x82], -1],
    ['continuation bytes at the start (of a character cut before)', [0x82, 0xac, 0x41], -1],
    ['a fourth continuation byte at the start', [0x80, 0x80, 0x80, 0x80, 0x41], 3],
    ['the lowest two-byte lead, and the highest continuation', [0xc2, 0x80, 0xc3, 0xbf], -1],
    ['a lead below it', [0xc1, 0xbf], 0],
    [
      'a four-byte lead below F4, and U+10FFFF',
      [0xf3, 0xbf, 0xbf, 0xbf, 0xf4, 0x8f, 0xbf, 0xbf],
      -1
    ]
  ])('finds in %s: %d', (_what, bytes, at) => {
    expect(invalidUtf8At(Uint8Array.from(bytes))).toBe(at)
  })

  it('judges a stream in chunks as a fatal TextDecoder does, at the same byte', () => {
    const random = seededRandom(11)
    const alphabet = [0x41, 0x0a, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xed, 0xff]
    /** The first chunk a fatal decoder refuses, and where in it, or the end (-1) or nothing. */
    const byDecoder = (chunks: Buffer[]): [number, number] | undefined => {
      const decoder = new TextDecoder('utf-8', { fatal: true })
      for (const [index, chunk] of chunks.entries()) {
        try {
          decoder.decode(chunk, { stream: true })
        } catch {
          return [index, Math.max(0, invalidUtf8At(chunk))]
        }
      }
      try {
        decoder.decode()
        return undefined
      } catch {
        return [chunks.length, -1]
      }
    }
    const byStream = (chunks: Buffer[]): [number, number] | undefined => {
      const stream = new Utf8Stream()
      for (const [index, chunk] of chunks.entries()) {
        const at = stream.notUtf8At(chunk)
        if (at !== -1) return [index, at]
      }
      return stream.endsWhole ? undefined : [chunks.length, -1]
    }
    let refused = 0
    for (let trial = 0; trial < 3000; trial++) {
      // Mostly whole characters, so that a good share of the streams is UTF-8.
      const words = [[0x41], [0x0a], [0xc3, 0xa9], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80]]
      const bytes: number[] = []
      for (let n = random(12); n > 0; n--) {
        bytes.push(
          ...(random(8) === 0
            ? [alphabet[random(alphabet.length)] ?? 0]
            : (words[random(words.length)] ?? []))
        )
      }
      const chunks: Buffer[] = []
      for (let at = 0; at < bytes.length;) {
        const size = 1 + random(5)
        chunks.push(Buffer.from(bytes.slice(at, at + size)))
        at += size
      }
      const verdict = byDecoder(chunks)
      if (verdict !== undefined) refused += 1
      expect([bytes, byStream(chunks)]).toEqual([bytes, verdict])
    }
    expect(refused).toBeGreaterThan(300)
    expect(refused).toBeLessThan(2700)
  })

  it('finds in measureCsv the first byte that is not, across chunks, or at a cut end', async () => {
    const notUtf8 = async (bytes: Buffer, size: number) => {
      try {
        await measureCsv(pieces(bytes, size), { utf8: true })
      } catch (error) {
        expect(error).toBeInstanceOf(NotUtf8Error)
        return [(error as NotUtf8Error).row, (error as NotUtf8Error).byte]
      }
      return undefined
    }
    const bytes = Buffer.concat([
      Buffer.from('A\n"é\n'),
      Buffer.from('é'.repeat(8)),
      Buffer.from([0xff])
    ])
    expect(await notUtf8(bytes, 7)).toEqual([2, bytes.length])
    await expect(measureCsv(pieces(bytes, 7), { utf8: true })).rejects.toThrow(
      `Row 2 of the file holds a byte that is not UTF-8 (byte ${bytes.length} of the file).`
    )
    expect(await notUtf8(Buffer.from('A\n1\n2\né'.repeat(10)), 3)).toBeUndefined()
    expect(await notUtf8(Buffer.from([0x41, 0x0a, 0x42, 0xe2, 0x82]), 2)).toEqual([2, 5])
    expect(await notUtf8(Buffer.from([0xc0, 0x80]), 1)).toEqual([1, 1])
  })
})
