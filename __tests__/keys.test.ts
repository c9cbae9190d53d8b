// The key of a load: its columns, the key of a record, the file's keys checked, and the records
// sent to the load or to skipped.csv by the keys Zoho holds.
import { describe, expect, it } from '@jest/globals'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ActionError } from '../src/errors.ts'
import { checkJobFile } from '../src/job-file.ts'
import { systemClock } from '../src/clock.ts'
import { KeyTable } from '../src/operations/key-table.ts'
import { FileKeys, filterByKey, keyColumns, keyOf, keysInZoho } from '../src/operations/keys.ts'
import { SAMPLE } from '../emulator/sample.ts'
import { useSampleZoho } from './support/sample-zoho.ts'
import { useWorkspace } from './support/workspace.ts'

const workspace = useWorkspace()
const zoho = useSampleZoho()

describe('keyColumns', () => {
  const header = ['Employee_ID', ' Email ', 'Name']

  it('finds each key field among the columns, in the order of the key', () => {
    expect(keyColumns(header, ['Email', 'Employee_ID'], 'staff.csv')).toEqual([1, 0])
  })

  it('names every key field that is not a column, before anything is sent', () => {
    expect(() => keyColumns(header, ['Employee_Id'], 'staff.csv')).toThrow(
      new ActionError(
        'Input "key": "Employee_Id" is not a column of staff.csv: name the link names of the ' +
          'fields that identify a record, as the header names them. Nothing was sent to Zoho.'
      )
    )
    expect(() => keyColumns(header, ['A', 'Email', 'B'], 'staff.csv')).toThrow(
      /^Input "key": "A", "B" are not columns of staff\.csv: /
    )
  })
})

describe('keyOf', () => {
  it('is the value trimmed, a JSON list of several, and empty when a value is', () => {
    expect(keyOf([' E-1 '])).toBe('E-1')
    expect(keyOf(['E-1', 'x@y.z'])).toBe('["E-1","x@y.z"]')
    // A comma or a quote in a value makes no two records one key.
    expect(keyOf(['a,b', 'c'])).not.toBe(keyOf(['a', 'b,c']))
    expect(keyOf(['E-1', ' '])).toBe('')
    expect(keyOf([''])).toBe('')
  })
})

describe('FileKeys', () => {
  it('keeps each key with the row that holds it first, and finds nothing wrong', () => {
    const keys = new FileKeys([0])
    keys.add(['E-1', 'a'], 2)
    keys.add(['E-2', 'b'], 3)
    expect([...keys.keys.keys()].map(key => [key, keys.keys.get(key)])).toEqual([
      ['E-1', 2],
      ['E-2', 3]
    ])
    expect(keys.problem('staff.csv')).toBeUndefined()
  })

  it('lists the first rows of empty keys and the first two rows of a repeated key', () => {
    const keys = new FileKeys([0, 1])
    keys.add(['E-1', 'x'], 2)
    keys.add(['', 'x'], 3)
    keys.add(['E-1', 'x '], 4)
    keys.add(['E-2', ''], 5)
    expect(keys.problem('staff.csv')).toBe(
      'The key of staff.csv does not identify each record: 2 rows with an empty key (3, 5), and ' +
        '1 row repeating the key of an earlier row ("[\\"E-1\\",\\"x\\"]" in rows 2 and 4). Each ' +
        'record needs a key of its own to be loaded once: fix the rows, or name other key columns.'
    )
  })

  it('lists five of each at most, and says there are more', () => {
    const keys = new FileKeys([0])
    for (let row = 2; row < 9; row++) keys.add([''], row)
    for (let row = 9; row < 16; row++) keys.add(['same'], row)
    const problem = keys.problem('staff.csv') ?? ''
    expect(problem).toContain('7 rows with an empty key (2, 3, 4, 5, 6, …)')
    expect(problem).toContain(
      '6 rows repeating the key of an earlier row ("same" in rows 9 and 10; "same" in rows 9 and ' +
        '11; "same" in rows 9 and 12; "same" in rows 9 and 13; "same" in rows 9 and 14; …)'
    )
    const one = new FileKeys([0])
    one.add([''], 2)
    expect(one.problem('a.csv')).toContain(': 1 row with an empty key (2). ')
  })

  it('cuts a long key in the error', () => {
    const keys = new FileKeys([0])
    const long = 'k'.repeat(100)
    keys.add([long], 2)
    keys.add([long], 3)
    expect(keys.problem('a.csv')).toContain(`("${'k'.repeat(60)}…" in rows 2 and 3)`)
  })
})

describe('filterByKey', () => {
  /** Filters the CSV `text` by the key of `columns` against the keys `held`: the counts and files. */
  async function filtered(text: string, columns: number[], held: ReadonlySet<string>) {
    const path = join(workspace.path, 'staff.csv')
    await writeFile(path, text)
    const file = await checkJobFile(path, {
      splittable: true,
      dialect: { encoding: 'auto', delimiter: 'auto' },
      copyRoot: workspace.path
    })
    const paths = {
      load: join(workspace.path, 'load.csv'),
      skipped: join(workspace.path, 'skipped.csv')
    }
    const counts = await filterByKey(file, columns, held, paths)
    return {
      counts,
      load: await readFile(paths.load, 'utf8'),
      skipped: await readFile(paths.skipped, 'utf8')
    }
  }

  it('sends the records Zoho holds to skipped.csv and the others to the load, as they were', async () => {
    const text = 'Employee_ID,Note\r\nE-1,"a, b"\r\nE-2,"line one\r\nline two"\r\n\r\nE-3,c\r\n'
    expect(await filtered(text, [0], new Set(['E-2', 'E-9']))).toEqual({
      counts: { load: 2, skipped: 1 },
      load: 'Employee_ID,Note\r\nE-1,"a, b"\r\nE-3,c\r\n',
      skipped: 'Employee_ID,Note\r\nE-2,"line one\r\nline two"\r\n'
    })
  })

  it('compares both values of a key of two columns, each trimmed', async () => {
    const text = 'Email,Team,Note\r\na@x.io,North,1\r\na@x.io, South ,2\r\nb@x.io,North,3\r\n'
    const held = new Set([keyOf(['a@x.io', 'South']), keyOf(['b@x.io', 'South'])])
    expect(await filtered(text, [0, 1], held)).toEqual({
      counts: { load: 2, skipped: 1 },
      load: 'Email,Team,Note\r\na@x.io,North,1\r\nb@x.io,North,3\r\n',
      skipped: 'Email,Team,Note\r\na@x.io, South ,2\r\n'
    })
  })
})

describe('keysInZoho', () => {
  it("keeps the file's keys that Zoho holds, each with its first record's ID", async () => {
    const form = { owner: SAMPLE.owner, app: SAMPLE.app, form: SAMPLE.form }
    const ids = zoho.emulator.reads.addRecords(form, [
      { Employee_ID: 'E-1', Email: 'a@x.io' },
      { Employee_ID: 'E-2', Email: 'b@x.io' },
      { Employee_ID: 'E-1', Email: 'a@x.io' },
      { Employee_ID: ' E-3 ', Email: 'c@x.io' }
    ])
    zoho.emulator.reads.batchCap = 3
    const fileKeys = new KeyTable()
    fileKeys.add('["E-1","a@x.io"]', 2)
    fileKeys.add('["E-3","c@x.io"]', 3)
    fileKeys.add('["E-4","d@x.io"]', 4)
    const { found, ids: held } = await keysInZoho(
      fileKeys,
      ['Employee_ID', 'Email'],
      {
        report: { owner: SAMPLE.owner, app: SAMPLE.app, report: SAMPLE.report },
        dir: workspace.path,
        wait: { timeoutMs: 5000, firstDelayMs: 5 }
      },
      {
        apiBaseUrl: zoho.url,
        environment: 'production',
        tokens: {
          current: () => Promise.resolve(SAMPLE.token),
          renew: () => Promise.resolve(false)
        }
      },
      {
        policy: { retries: 0, baseDelayMs: 1, maxDelayMs: 1, timeScale: 1 },
        timeoutMs: 5000,
        clock: systemClock,
        calls: { made: 0 },
        log: () => {},
        redact: text => text
      },
      true
    )
    expect([...found.keys()].map(key => [key, held[found.get(key) ?? -1]])).toEqual([
      ['["E-1","a@x.io"]', ids[0]],
      ['["E-3","c@x.io"]', ids[3]]
    ])
    expect(JSON.parse(zoho.emulator.requests[0]?.body ?? '')).toMatchObject({
      query: { fields: ['Employee_ID', 'Email', 'ID'] }
    })
  })
})
