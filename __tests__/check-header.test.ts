// The header check's pieces: the columns against the fields, the edit distance behind "did you
// mean", and the repeats in unique fields.
import { describe, expect, it } from '@jest/globals'
import { closest, editDistance, headerProblems } from '../src/operations/check-header.ts'
import { RepeatFinder } from '../src/operations/repeats.ts'
import type { FormField } from '../src/zoho/fields.ts'
import { readFields } from '../src/zoho/fields.ts'
import { reply } from './support/replies.ts'

const FIELDS: FormField[] = [
  { linkName: 'Employee_ID', mandatory: true, unique: true },
  { linkName: 'Name', mandatory: false, unique: false, type: 29 },
  { linkName: 'Address', mandatory: false, unique: false, subfields: ['address_line_1', 'city'] },
  { linkName: 'Email', mandatory: false, unique: true, type: 3 }
]

describe('headerProblems', () => {
  it('finds none in link names and subfields, in any order, spaces around them ignored', () => {
    expect(
      headerProblems([' Email', 'Name.first_name', 'Address.city', 'Employee_ID '], FIELDS)
    ).toEqual([])
  })

  it('checks a subfield against the ones Zoho lists, and suggests among them', () => {
    expect(headerProblems(['Employee_ID', 'Address.ctiy'], FIELDS)).toEqual([
      'a column that is no field of the form: "Address.ctiy" (did you mean "Address.city"?)'
    ])
  })

  it('takes <field>.<subfield> only for a field made of subfields, by its type', () => {
    expect(headerProblems(['Employee_ID', 'Email.domain'], FIELDS)).toEqual([
      'a column that is no field of the form: "Email.domain" (did you mean "Email"?)'
    ])
    // A type the contract does not describe may be made of subfields (an Address, say).
    const other: FormField = { linkName: 'Home', mandatory: false, unique: false, type: 31 }
    expect(headerProblems(['Employee_ID', 'Home.city'], [...FIELDS, other])).toEqual([])
  })

  it('names every mandatory field without a column, a subfield column counting for its field', () => {
    const fields = [...FIELDS, { linkName: 'Start_Date', mandatory: true, unique: false }]
    expect(headerProblems(['Email'], fields)).toEqual([
      'no column for the mandatory fields "Employee_ID", "Start_Date"'
    ])
    expect(headerProblems(['Employee_ID', 'Start_Date.x'], fields)).toEqual([])
  })

  it('offers every close name, and quotes at most 100 characters of a column', () => {
    const fields = [...FIELDS, { linkName: 'Emails', mandatory: false, unique: false }]
    expect(headerProblems(['Employee_ID', 'Emial'], fields)).toEqual([
      'a column that is no field of the form: "Emial" (did you mean "Email" or "Emails"?)'
    ])
    expect(headerProblems(['Employee_ID', 'y'.repeat(150)], FIELDS)).toEqual([
      `a column that is no field of the form: "${'y'.repeat(100)}" (no field by a close name)`
    ])
  })

  it('lists 20 unknown columns and no count when there are no more', () => {
    const columns = ['Employee_ID', ...Array.from({ length: 20 }, (_, i) => `Zz${i}`)]
    const [problem] = headerProblems(columns, FIELDS)
    expect(problem).toMatch(/"Zz19" \(no field by a close name\)$/)
  })

  it('lists 20 unknown columns and counts the rest', () => {
    const columns = ['Employee_ID', ...Array.from({ length: 23 }, (_, i) => `Zz${i}`)]
    const [problem] = headerProblems(columns, FIELDS)
    expect(problem).toMatch(/"Zz19" \(no field by a close name\) and 3 more$/)
    expect(problem).not.toContain('Zz20')
  })
})

describe('closest and editDistance', () => {
  it.each([
    ['Email', 'Email', 0],
    ['Emial', 'Email', 1],
    ['Emal', 'Email', 1],
    ['Employe_ID', 'Employee_ID', 1],
    ['kitten', 'sitting', 3],
    ['aEmial', 'bEmail', 2],
    ['ab', 'ba', 1],
    ['', 'abc', 3]
  ])('%s to %s is %d', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance)
    expect(editDistance(b, a)).toBe(distance)
  })

  it('suggests up to three names, nearest first, ignoring case, and none far off', () => {
    expect(closest('email', ['Emails', 'Email', 'Mail', 'Phone', 'E_mail'])).toEqual([
      'Email',
      'Emails',
      'Mail'
    ])
    expect(closest('Salary', ['Email', 'Name'])).toEqual([])
    expect(closest('x'.repeat(101), ['x'.repeat(101)])).toEqual([])
    expect(closest('x'.repeat(100), ['x'.repeat(100)])).toEqual(['x'.repeat(100)])
  })

  it('takes a name as close as a third of its length, and one edit from a short name', () => {
    expect(closest('Emplye_ID', ['Employee_ID'])).toEqual(['Employee_ID'])
    expect(closest('Agx', ['Age'])).toEqual(['Age'])
    expect(closest('Aeg', ['Age'])).toEqual(['Age'])
    expect(closest('Axx', ['Age'])).toEqual([])
  })
})

describe('RepeatFinder', () => {
  it('names the first two rows of a value repeated in a unique column, once per column', () => {
    const finder = new RepeatFinder(['Employee_ID', 'Name', 'Email'], FIELDS)
    const rows = [
      ['E-1', 'Ada', 'a@x'],
      ['E-2', 'Ada', ''],
      ['E-3', 'Bob', ' a@x '],
      ['E-1', 'Ada', 'a@x'],
      ['E-4', 'Eve', '']
    ]
    rows.forEach((cells, index) => {
      finder.add(cells, index + 2)
    })
    expect(finder.problems).toEqual([
      'the unique field "Email" holds "a@x" twice (rows 2 and 4)',
      'the unique field "Employee_ID" holds "E-1" twice (rows 2 and 5)'
    ])
    // Name is not unique: its repeated "Ada" is no problem; empty cells are no values.
    expect(finder.active).toBe(false)
  })

  it('finds repeats by the trimmed names and values, and says so with the value cut', () => {
    const finder = new RepeatFinder([' Email '], FIELDS)
    const long = `${'v'.repeat(80)}@example.com`
    expect(finder.add([` ${long}`], 2)).toEqual([])
    expect(finder.add(['', 'x'], 3)).toEqual([])
    expect(finder.add([`${long} `], 4)).toEqual([
      { column: 0, name: 'Email', value: long, first: 2 }
    ])
    expect(finder.problems).toEqual([
      `the unique field "Email" holds ${JSON.stringify(long.slice(0, 60))} twice (rows 2 and 4)`
    ])
    expect(finder.add([long], 5)).toEqual([])
  })

  it('takes an empty cell, or one its row lacks, for no value', () => {
    for (const every of [false, true]) {
      const finder = new RepeatFinder(['Name', 'Email'], FIELDS, every)
      expect(finder.add(['Ada', ''], 2)).toEqual([])
      expect(finder.add(['Bob'], 3)).toEqual([])
      expect(finder.add(['Cy', ' '], 4)).toEqual([])
      expect(finder.problems).toEqual([])
      expect(finder.active).toBe(true)
    }
  })

  it('has nothing to do without a unique column', () => {
    expect(new RepeatFinder(['Name'], FIELDS).active).toBe(false)
  })

  it('stops keeping values at its memory bound, and says from which row', () => {
    const finder = new RepeatFinder(['Email'], FIELDS)
    const long = 'x'.repeat(1024 * 1024)
    let row = 2
    while (finder.active) finder.add([`${row}${long}`], row++)
    // 8 values of a million characters (2 MiB each, as kept) went past the 16 MiB kept.
    expect(finder.stoppedAfter).toBe(9)
    expect(finder.problems).toEqual([])
  })
})

describe('readFields', () => {
  it('reads link names, mandatory, unique and listed subfields', () => {
    expect(
      readFields(
        reply(
          200,
          '{"code":3000,"fields":[{"link_name":"Email","type":3,"mandatory":false,"unique":true},' +
            '{"link_name":"Name","type":29,"subfields":[{"link_name":"first_name"},{"x":1}]},' +
            '{"link_name":"ID","mandatory":true}]}'
        )
      )
    ).toEqual([
      { linkName: 'Email', mandatory: false, unique: true, type: 3 },
      { linkName: 'Name', mandatory: false, unique: false, type: 29, subfields: ['first_name'] },
      { linkName: 'ID', mandatory: true, unique: false }
    ])
  })

  it.each([
    '{"code":3000}',
    '{"code":3000,"fields":{}}',
    '{"code":3000,"fields":[{"display_name":"Email"}]}',
    '{"code":3000,"fields":["Email"]}'
  ])('reads no fields in %s', body => {
    expect(readFields(reply(200, body))).toBeUndefined()
  })
})
