// What a value must be for its field (src/zoho/values.ts), the fields' limits as Get Fields lists
// them (src/zoho/fields.ts), and the checker that writes problems.csv (src/operations/check-values.ts).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describeKind, FIRST_PROBLEMS, ValueChecker } from '../src/operations/check-values.ts'
import { type FormField, hasSubfields, readFields } from '../src/zoho/fields.ts'
import { valueProblem } from '../src/zoho/values.ts'
import { reply } from './support/replies.ts'

const field = (type: number | undefined, more: Partial<FormField> = {}): FormField => ({
  linkName: 'F',
  mandatory: false,
  unique: false,
  ...(type === undefined ? {} : { type }),
  ...more
})

describe('valueProblem', () => {
  it.each([
    [field(3), 'ada@example.com', undefined],
    [field(3), ' ada@example.com ', undefined],
    [field(3), 'ada@example', 'email'],
    [field(3), 'ada example@x.com', 'email'],
    [field(5), '42', undefined],
    [field(5), '-42', undefined],
    [field(5), '4.2', 'whole'],
    [field(5), '1e3', 'whole'],
    [field(6), '4.25', undefined],
    [field(7), '.5', undefined],
    [field(8), '+12.', undefined],
    [field(8), '12,50', 'number'],
    [field(8), '$12', 'number'],
    [field(12, { choices: ['Sales', 'Marketing'] }), 'Sales', undefined],
    [field(12, { choices: ['Sales', 'Marketing'] }), 'sales', 'choice'],
    [field(13, { choices: ['Yes'] }), 'No', 'choice'],
    [field(12), 'Anything', undefined],
    [field(14, { choices: ['A'] }), 'A,B', undefined],
    [field(12, { choices: ['A'], lookup: true }), '3888833000000114027', undefined],
    [field(1, { maxChars: 3 }), 'abc', undefined],
    [field(1, { maxChars: 3 }), 'abcd', 'long'],
    [field(3, { maxChars: 5 }), 'a@b.cd', 'long'],
    [field(1, { mandatory: true }), '  ', 'mandatory'],
    [field(5, { mandatory: false }), '', undefined],
    [field(undefined), 'x', undefined],
    [field(40), 'x', undefined]
  ])('finds in %j the value %j: %s', (given, value, problem) => {
    expect(valueProblem(given, value)).toBe(problem)
  })
})

describe('readFields', () => {
  it('reads max_char, choices in either shape, and a lookup', () => {
    const fields = readFields(
      reply(
        200,
        JSON.stringify({
          code: 3000,
          fields: [
            { link_name: 'A', type: 12, choices: ['x', 'y'], max_char: 10 },
            { link_name: 'B', type: 13, choices: [{ display_value: 'p' }, { value: 'q' }] },
            { link_name: 'C', type: 12, choices: [1, 2], is_lookup_field: true, max_char: 0 },
            { link_name: 'D', type: 12, choices: [] }
          ]
        })
      )
    )
    expect(fields).toEqual([
      {
        linkName: 'A',
        mandatory: false,
        unique: false,
        type: 12,
        maxChars: 10,
        choices: ['x', 'y']
      },
      { linkName: 'B', mandatory: false, unique: false, type: 13, choices: ['p', 'q'] },
      { linkName: 'C', mandatory: false, unique: false, type: 12, lookup: true },
      { linkName: 'D', mandatory: false, unique: false, type: 12 }
    ])
  })
})

describe('hasSubfields', () => {
  it.each([
    [{ type: 29 }, true],
    [{ type: 1, subfields: ['a'] }, true],
    [{ type: 1 }, false],
    [{ type: 18 }, false],
    [{ type: 19 }, true],
    [{}, true]
  ])('tells whether %j may be named by a subfield: %s', (more, may) => {
    expect(hasSubfields(field(undefined, more))).toBe(may)
  })

  it('reads no subfields from an empty list', () => {
    const fields = readFields(
      reply(200, '{"code":3000,"fields":[{"link_name":"Name","type":29,"subfields":[]}]}')
    )
    expect(fields?.[0]).not.toHaveProperty('subfields')
  })
})

describe('ValueChecker', () => {
  let dir = ''
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zoho-values-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('writes each problem as found, counts each kind by column, and keeps the first rows only', async () => {
    const path = join(dir, 'problems.csv')
    const fields = [field(5, { linkName: 'N', unique: true }), field(3, { linkName: 'E' })]
    const checker = await ValueChecker.writingTo(
      path,
      ['N', 'Name.first_name', 'E', 'Other'],
      fields
    )
    for (let row = 2; row <= 9; row++) checker.add([String(row % 2), 'x', 'bad', 'y'], row)
    await checker.flush()
    checker.add(['"q"', 'x', 'a@b.co', ''], 10)
    const report = await checker.close()
    expect(report.rows).toBe(9)
    expect(report.kinds.map(describeKind)).toEqual([
      '"E" is not an email address: 8 rows (2, 3, 4, 5, 6, …)',
      '"N" repeats a value of a unique field: 6 rows (4, 5, 6, 7, 8, …)',
      '"N" is not a whole number: 1 row (10)'
    ])
    expect(report.first).toHaveLength(15)
    const csv = await readFile(path, 'utf8')
    expect(csv.split('\r\n')[0]).toBe('Row,Column,Value,Problem')
    expect(csv).toContain('4,N,0,repeats a value of a unique field (first in row 2)\r\n')
    expect(csv.endsWith('10,N,"""q""",is not a whole number\r\n')).toBe(true)
  })

  it('sorts each row, with the header, into the rows to load and those left out', async () => {
    const sorting = { kept: join(dir, 'kept.csv'), rejected: join(dir, 'rejected.csv') }
    const checker = await ValueChecker.writingTo(
      join(dir, 'p.csv'),
      ['N', 'Note'],
      [field(5, { linkName: 'N' })],
      sorting
    )
    checker.add(['1', 'a, "b"'], 2)
    checker.add(['x', 'two\nlines'], 3)
    await checker.flush()
    checker.add(['3', ''], 4)
    expect((await checker.close()).rows).toBe(1)
    expect(await readFile(sorting.kept, 'utf8')).toBe('N,Note\r\n1,"a, ""b"""\r\n3,\r\n')
    expect(await readFile(sorting.rejected, 'utf8')).toBe('N,Note\r\nx,"two\nlines"\r\n')
  })

  it('checks columns by their trimmed names, takes no empty cells for repeats, and keeps the first problems', async () => {
    const checker = await ValueChecker.writingTo(
      join(dir, 'many.csv'),
      [' E ', 'N'],
      [field(3, { linkName: 'E' }), field(5, { linkName: 'N', unique: true })]
    )
    for (let row = 2; row <= 31; row++) checker.add(['bad', ''], row)
    const report = await checker.close()
    expect(report.rows).toBe(30)
    expect(report.kinds.map(describeKind)).toEqual([
      '"E" is not an email address: 30 rows (2, 3, 4, 5, 6, …)'
    ])
    expect(report.first).toHaveLength(FIRST_PROBLEMS)
    expect(report.first[0]).toEqual({
      row: 2,
      column: 'E',
      value: 'bad',
      problem: 'is not an email address'
    })
  })

  it('cuts a value to 100 characters in problems.csv', async () => {
    const path = join(dir, 'long.csv')
    const checker = await ValueChecker.writingTo(path, ['E'], [field(3, { linkName: 'E' })])
    checker.add(['é'.repeat(150)], 2)
    const report = await checker.close()
    expect(report.first[0]?.value).toBe('é'.repeat(100))
    expect(await readFile(path, 'utf8')).toContain(`2,E,${'é'.repeat(100)},is not an email`)
  })
})
