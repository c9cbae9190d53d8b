// The lookup stage's parts: the related records' IDs by key, the id-map read, the columns and fields
// checked, and the streamed rewrite with its problems.
import { describe, expect, it } from '@jest/globals'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { checkJobFile } from '../src/job-file.ts'
import type { Lookup } from '../src/inputs.ts'
import {
  describeSource,
  describeUnresolved,
  lookupColumns,
  lookupFieldProblems,
  NO_RECORD,
  ParentIds,
  parentIds,
  rewriteLookups,
  SEVERAL_RECORDS
} from '../src/operations/lookups.ts'
import type { FormField } from '../src/zoho/fields.ts'
import { useWorkspace } from './support/workspace.ts'

const workspace = useWorkspace()

const DEPARTMENT: Lookup = {
  column: 'Department',
  source: { report: 'All_Departments', field: 'Dept_Code' }
}

/** The CSV `text` written to the workspace, checked as a load checks its file. */
async function jobFile(text: string, name = 'employees.csv') {
  const path = join(workspace.path, name)
  await writeFile(path, text)
  return checkJobFile(path, {
    splittable: true,
    dialect: { encoding: 'auto', delimiter: 'auto' },
    copyRoot: workspace.path
  })
}

async function idMap(text: string): Promise<string> {
  const path = join(workspace.path, 'id-map.csv')
  await writeFile(path, text)
  return path
}

/** The IDs of an id-map, read as a lookup reads them (no call: the connection is never used). */
const fromMap = (path: string) =>
  parentIds(
    { idMap: path },
    { form: { owner: 'o', app: 'a', form: 'f' }, dir: '', wait: { timeoutMs: 1, firstDelayMs: 1 } },
    undefined as never,
    undefined as never
  )

describe('ParentIds', () => {
  it('gives the ID of the one record of a key, trimmed, and says when none or two hold it', () => {
    const ids = new ParentIds()
    ids.add(' D-1 ', ' 111 ')
    ids.add('D-2', '222')
    ids.add('D-2', '223')
    ids.add('D-3', '333')
    ids.add('D-3', ' 333 ') // the same record twice (an id-map listing it again): still one
    ids.add('', '444')
    ids.add('D-5', ' ')
    expect(ids.size).toBe(3)
    expect(['D-1', 'D-2', 'D-3', 'D-4', 'D-5', ''].map(key => ids.idOf(key))).toEqual([
      '111',
      SEVERAL_RECORDS,
      '333',
      NO_RECORD,
      NO_RECORD,
      NO_RECORD
    ])
  })
})

describe('lookupColumns and the id-map', () => {
  it('finds each lookup column, and reads an id-map whatever the order of its columns', async () => {
    const file = await jobFile('Employee_Code, Department ,Lead\r\nE-1,D-1,\r\n')
    const map = await idMap('\uFEFF ID , Dept_Code\r\n111,D-1\r\n\r\n222, D-2\r\n')
    expect(
      await lookupColumns(file, [
        { column: 'Lead', source: { report: 'All_Staff', field: 'Employee_Code' } },
        { column: 'Department', source: { idMap: map } }
      ])
    ).toEqual([2, 1])
    const ids = await fromMap(map)
    expect([ids.idOf('D-1'), ids.idOf('D-2'), ids.size]).toEqual(['111', '222', 2])
  })

  it.each([
    [
      ['Dept', 'Boss'],
      'Input "lookups": "Dept", "Boss" are not columns of employees.csv: name the lookup columns ' +
        'as the header names them. Nothing was sent to Zoho.'
    ],
    [
      ['Dept'],
      'Input "lookups": "Dept" is not a column of employees.csv: name the lookup columns as the ' +
        'header names them. Nothing was sent to Zoho.'
    ]
  ])('names the lookup columns %j the file lacks', async (columns, message) => {
    const file = await jobFile('Employee_Code,Department\r\nE-1,D-1\r\n')
    const lookups = columns.map(column => ({ ...DEPARTMENT, column }))
    await expect(lookupColumns(file, lookups)).rejects.toThrow(message)
  })

  it.each([
    [
      'Dept_Code,ID,Name\r\nD-1,1,x\r\n',
      'is not an id-map.csv: its header must be one key column and ID (got Dept_Code,ID,Name).'
    ],
    [
      'Dept_Code,Code\r\nD-1,1\r\n',
      'is not an id-map.csv: its header must be one key column and ID (got Dept_Code,Code).'
    ],
    ['\r\n\r\n', 'is empty: an id-map.csv has a header, key column and ID.']
  ])('refuses an id-map %j, before any request', async (text, what) => {
    const file = await jobFile('Employee_Code,Department\r\nE-1,D-1\r\n')
    const path = await idMap(text)
    const lookup = { column: 'Department', source: { idMap: path } }
    await expect(lookupColumns(file, [lookup])).rejects.toThrow(
      `Input "lookups": ${path} ${what} Nothing was sent to Zoho.`
    )
  })

  it('says an id-map it cannot read', async () => {
    const file = await jobFile('Employee_Code,Department\r\nE-1,D-1\r\n')
    const path = join(workspace.path, 'nowhere.csv')
    await expect(
      lookupColumns(file, [{ column: 'Department', source: { idMap: path } }])
    ).rejects.toThrow(
      new RegExp(
        `^Input "lookups": ${path} cannot be read: .*ENOENT.*\\. Nothing was sent to Zoho\\.$`
      )
    )
  })
})

describe('an id-map of many pieces', () => {
  it('reads keys whose characters a piece of the file splits', async () => {
    const rows = Array.from({ length: 8000 }, (_, n) => `${n},Abteilung-Ü-${n}-日本\r\n`)
    const ids = await fromMap(await idMap(`ID,Dept_Code\r\n${rows.join('')}`))
    expect(ids.size).toBe(8000)
    const wrong = rows.map((_, n) => n).filter(n => ids.idOf(`Abteilung-Ü-${n}-日本`) !== String(n))
    expect(wrong).toEqual([])
  })
})

describe('lookupFieldProblems', () => {
  const field = (linkName: string, more: Partial<FormField> = {}): FormField => ({
    linkName,
    mandatory: false,
    unique: false,
    ...more
  })
  const lookup = (column: string): Lookup => ({ ...DEPARTMENT, column })

  it('takes a lookup of one ID, and leaves a column that is no field to the header check', () => {
    const fields = [
      field('Department', { type: 12, lookup: true }),
      field('Lead', { type: 13, lookup: true })
    ]
    expect(
      lookupFieldProblems([lookup('Department'), lookup('Lead'), lookup('Nope')], fields)
    ).toEqual([])
  })

  it('refuses a field that is no lookup, and a lookup of several IDs', () => {
    const fields = [
      field('Title', { type: 1 }),
      field('Members', { type: 14, lookup: true }),
      field('Tags', { type: 15, lookup: true })
    ]
    const several = (name: string) =>
      `"${name}" is a lookup shown as Multi Select or Checkbox, which takes several IDs in one ` +
      'cell, in a form Zoho does not document: load it another way'
    expect(lookupFieldProblems(['Title', 'Members', 'Tags'].map(lookup), fields)).toEqual([
      '"Title" is in lookups but is no lookup field of the form',
      several('Members'),
      several('Tags')
    ])
  })
})

describe('rewriteLookups', () => {
  const LEAD: Lookup = { column: 'Lead', source: { idMap: '/maps/leads.csv' } }

  /** Rewrites `file`'s columns 1 (Department) and 2 (Lead), keeping the rows left out. */
  const rewriteBoth = async (
    file: Awaited<ReturnType<typeof jobFile>>,
    departments: ParentIds,
    leads: ParentIds
  ) => {
    const paths = pathsIn(workspace.path, 'rejected.csv')
    const lookups = [
      { lookup: DEPARTMENT, index: 1, ids: departments },
      { lookup: LEAD, index: 2, ids: leads }
    ]
    return { report: await rewriteLookups(file, lookups, paths, true), paths }
  }

  /** Where a rewrite writes: the copy in `dir`, the problems and the rows left out in the workspace. */
  const pathsIn = (dir: string, rejected: string) => ({
    problems: join(workspace.path, 'problems.csv'),
    sorting: { kept: join(dir, 'kept.csv'), rejected: join(workspace.path, rejected) }
  })

  it('replaces each key by its ID in one pass, leaves empty cells, and writes down the rest', async () => {
    const file = await jobFile(
      'Code,Department,Lead,Note\r\n' +
        'E-1,D-1,E-0,"a, b"\r\n' +
        'E-2, ,E-0,\r\n' +
        '\r\n' +
        'E-3,D-9,E-0,x\r\n' +
        'E-4,D-2,E-7,\r\n' +
        'E-5,D-1,,"say ""hi"""\r\n'
    )
    const departments = new ParentIds()
    departments.add('D-1', '111')
    departments.add('D-2', '221')
    departments.add('D-2', '222')
    const leads = new ParentIds()
    leads.add('E-0', '900')
    const { report, paths } = await rewriteBoth(file, departments, leads)
    expect(await readFile(paths.sorting.kept, 'utf8')).toBe(
      'Code,Department,Lead,Note\r\nE-1,111,900,"a, b"\r\nE-2, ,900,\r\n' +
        // Rows 4 (blank), 5 and 6 (left out) are blank, so that row 7 stays row 7.
        '\r\n\r\n\r\nE-5,111,,"say ""hi"""\r\n'
    )
    expect(await readFile(paths.sorting.rejected, 'utf8')).toBe(
      'Code,Department,Lead,Note\r\nE-3,D-9,E-0,x\r\nE-4,D-2,E-7,\r\n'
    )
    expect(await readFile(paths.problems, 'utf8')).toBe(
      'Row,Column,Value,Problem\r\n' +
        '5,Department,D-9,matches no record of report All_Departments (Dept_Code)\r\n' +
        '6,Department,D-2,matches more than one record of report All_Departments (Dept_Code)\r\n' +
        '6,Lead,E-7,matches no record of /maps/leads.csv\r\n'
    )
    expect(report).toEqual({
      badRows: 2,
      kept: 3,
      columns: [
        {
          column: 'Department',
          source: DEPARTMENT.source,
          replaced: 2,
          none: 1,
          several: 1,
          first: [
            [5, 'D-9'],
            [6, 'D-2']
          ]
        },
        {
          column: 'Lead',
          source: LEAD.source,
          replaced: 3,
          none: 1,
          several: 0,
          first: [[6, 'E-7']]
        }
      ]
    })
    expect(describeUnresolved(report, 'employees.csv')).toBe(
      '2 rows of employees.csv hold a lookup value that matches no record, or more than one: ' +
        '"Department" (report All_Departments (Dept_Code)): 1 value matching no record and 1 value ' +
        'matching more than one (row 5 "D-9", row 6 "D-2"); "Lead" (/maps/leads.csv): 1 value ' +
        'matching no record (row 6 "E-7"). problems.csv in result-dir lists each.'
    )
  })

  it('writes no rejected.csv when the rows are not to be kept, and lists the first five', async () => {
    const rows = Array.from({ length: 7 }, (_, n) => `E-${n},D-${n}\r\n`).join('')
    const file = await jobFile(`Code,Department\r\n${rows}`)
    const paths = pathsIn(workspace.path, 'not-kept.csv')
    const report = await rewriteLookups(
      file,
      [{ lookup: DEPARTMENT, index: 1, ids: new ParentIds() }],
      paths,
      false
    )
    await expect(readFile(paths.sorting.rejected)).rejects.toThrow('ENOENT')
    expect(await readFile(paths.sorting.kept, 'utf8')).toBe(
      `Code,Department\r\n${'\r\n'.repeat(7)}`
    )
    expect(report.columns[0]?.first).toHaveLength(5)
    expect(describeUnresolved(report, 'staff.csv')).toBe(
      '7 rows of staff.csv hold a lookup value that matches no record, or more than one: ' +
        '"Department" (report All_Departments (Dept_Code)): 7 values matching no record (row 2 ' +
        '"D-0", row 3 "D-1", row 4 "D-2", row 5 "D-3", row 6 "D-4", …). problems.csv in ' +
        'result-dir lists each.'
    )
    expect(describeSource({ idMap: '/x/id-map.csv' })).toBe('/x/id-map.csv')
  })

  it('counts one row, values of one kind, and leaves out the columns that resolved', async () => {
    const long = 'L'.repeat(150)
    const file = await jobFile(`Code,Department,Lead\r\nE-1,D-2,${long}\r\nE-2,D-2,${long}\r\n`)
    const departments = new ParentIds()
    departments.add('D-2', '1')
    const leads = new ParentIds()
    leads.add(long, '8')
    leads.add(long, '9')
    const { report, paths } = await rewriteBoth(file, departments, leads)
    const cutLong = JSON.stringify(`${'L'.repeat(40)}…`)
    expect(describeUnresolved(report, 'one.csv')).toBe(
      '2 rows of one.csv hold a lookup value that matches no record, or more than one: "Lead" ' +
        `(/maps/leads.csv): 2 values matching more than one (row 2 ${cutLong}, row 3 ${cutLong}). ` +
        'problems.csv in result-dir lists each.'
    )
    const one = { ...report, badRows: 1 }
    expect(describeUnresolved(one, 'one.csv')).toMatch(/^1 row of one\.csv holds a lookup value /)
    // problems.csv cuts a value at 100 characters, with no mark.
    expect((await readFile(paths.problems, 'utf8')).split('\r\n')[1]).toBe(
      `2,Lead,${'L'.repeat(100)},matches more than one record of /maps/leads.csv`
    )
    // Seven problems, five listed: more are said to be there.
    const [, leadColumn] = report.columns
    if (leadColumn === undefined) throw new Error('no Lead column in the report')
    const first: [number, string][] = [...leadColumn.first, [4, 'a'], [5, 'b'], [6, 'c']]
    const many = { ...report, columns: [{ ...leadColumn, none: 5, several: 2, first }] }
    expect(describeUnresolved(many, 'x.csv')).toContain('row 6 "c", …)')
  })

  it('says a copy it cannot write as a local error', async () => {
    const file = await jobFile('Code,Department\r\nE-1,D-1\r\n')
    const paths = pathsIn(join(workspace.path, 'no', 'such', 'folder'), 'rejected.csv')
    await expect(
      rewriteLookups(file, [{ lookup: DEPARTMENT, index: 1, ids: new ParentIds() }], paths, true)
    ).rejects.toThrow(/^The copy of employees\.csv with lookups resolved: .*ENOENT/)
  })
})
