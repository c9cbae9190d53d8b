// Lookups end to end, as examples/migrate-related-forms.yml runs them: departments, then employees
// whose Department holds a department's code (resolved from the departments' id-map.csv), then
// projects whose Lead holds an employee's code (resolved with a Bulk Read of the employees' report),
// each with a key. Every lookup must point at the right parent, a second run must insert nothing,
// and a code no parent holds must stop the load before any job, or leave its row out.
import { describe, expect, it } from '@jest/globals'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { RELATED, SAMPLE } from '../emulator/sample.ts'
import type { ActionRun } from '../emulator/run-action.ts'
import { useSampleLoads } from './support/sample-zoho.ts'

const { zoho, workspace, load: loadFile } = useSampleLoads()

type Related = (typeof RELATED)[keyof typeof RELATED]

const DEPARTMENTS = ['Dept_Code,Dept_Name', 'D-1,Sales', 'D-2,Research']
const EMPLOYEES = ['Employee_Code,Full_Name,Department', 'E-1,Ada,D-2', 'E-2,Bob,D-1', 'E-3,Cy,']
const PROJECTS = ['Project_Code,Title,Lead', 'P-1,Atlas,E-3', 'P-2,Borealis,E-1']

/** Loads `rows` into the related form, keyed, with `more` inputs: the run. */
const load = (related: Related, rows: readonly string[], more: Record<string, string> = {}) =>
  loadFile(`${related.form.toLowerCase()}.csv`, `${rows.join('\r\n')}\r\n`, {
    form: related.form,
    key: related.key,
    'key-report': related.report,
    ...more
  })

const place = (related: Related) => ({ owner: SAMPLE.owner, app: SAMPLE.app, form: related.form })
const records = (related: Related) => zoho.emulator.reads.records(place(related))
const insertJobs = () => zoho.emulator.requests.filter(r => /\/form\/[^/]+\/insert$/.test(r.url))

/** The ID of the record of `related` whose key is `key`. */
const idOf = (related: Related, key: string) =>
  records(related).find(record => record.values[related.key] === key)?.ID

/** The three loads of the example, the id-map of the departments carried as an artifact would be. */
async function migrate(): Promise<ActionRun[]> {
  const departments = await load(RELATED.departments, DEPARTMENTS, { 'id-map': 'true' })
  const map = departments.resultFile('id-map.csv')
  if (map === undefined)
    throw new Error(`the departments wrote no id-map.csv: ${departments.stdout}`)
  await writeFile(join(workspace.path, 'departments-id-map.csv'), map)
  const employees = await load(RELATED.employees, EMPLOYEES, {
    lookups: 'Department = departments-id-map.csv'
  })
  const projects = await load(RELATED.projects, PROJECTS, {
    lookups: `Lead = ${RELATED.employees.report}.${RELATED.employees.key}`
  })
  return [departments, employees, projects]
}

describe('lookups', () => {
  it('loads three related forms with each lookup pointing at its parent, and again inserts nothing', async () => {
    const runs = await migrate()
    for (const run of runs) expect([run.exitCode, run.errors]).toEqual([0, []])
    const { departments, employees, projects } = RELATED
    expect(records(employees).map(record => record.values)).toEqual([
      { Employee_Code: 'E-1', Full_Name: 'Ada', Department: idOf(departments, 'D-2') },
      { Employee_Code: 'E-2', Full_Name: 'Bob', Department: idOf(departments, 'D-1') },
      { Employee_Code: 'E-3', Full_Name: 'Cy', Department: '' }
    ])
    expect(records(projects).map(record => record.values)).toEqual([
      { Project_Code: 'P-1', Title: 'Atlas', Lead: idOf(employees, 'E-3') },
      { Project_Code: 'P-2', Title: 'Borealis', Lead: idOf(employees, 'E-1') }
    ])
    expect(runs[1]?.stdout).toContain('Lookup Department: 2 keys of ')
    expect(runs[2]?.stdout).toContain('Lookup Lead: 3 keys of report All_Staff (Employee_Code).')
    expect(runs[2]?.summary).toContain(
      '<tr><td>Lookups resolved</td><td>2 values of projects.csv replaced by Zoho IDs</td></tr>'
    )
    // Neither check asked for: no request for the form's fields.
    expect(zoho.emulator.requests.filter(request => request.url.endsWith('/fields'))).toEqual([])
    // Every row resolved, and nothing failed: the copies are gone, and no result-dir is left.
    expect(runs[1]?.folders).toEqual([])

    zoho.emulator.requests.length = 0
    const again = await migrate()
    for (const run of again) expect([run.exitCode, run.errors]).toEqual([0, []])
    expect(insertJobs()).toEqual([])
    expect(records(employees)).toHaveLength(3)
  })

  it('stops before any job at a code no parent holds, or one two parents hold', async () => {
    // Loaded without a key, which would refuse the code twice.
    await load(RELATED.departments, [...DEPARTMENTS, 'D-3,Sales', 'D-3,Support'], { key: '' })
    zoho.emulator.requests.length = 0
    const run = await load(RELATED.employees, [...EMPLOYEES, 'E-4,Di,D-9', 'E-5,Ed,D-3'], {
      lookups: `Department = ${RELATED.departments.report}.Dept_Code`
    })
    expect(run.exitCode).toBe(1)
    expect(run.errors).toEqual([
      '2 rows of employees.csv hold a lookup value that matches no record, or more than one: ' +
        '"Department" (report All_Departments (Dept_Code)): 1 value matching no record and 1 ' +
        'value matching more than one (row 5 "D-9", row 6 "D-3"). problems.csv in result-dir ' +
        'lists each. No job was created. Load the related records first (their keys must be in ' +
        'the report or the id-map), fix the rows, or set bad-rows: skip to leave them out.'
    ])
    expect(insertJobs()).toEqual([])
    // Of what the run wrote under RUNNER_TEMP, result-dir alone is left.
    expect(run.folders).toEqual([run.outputs['result-dir']])
    expect(run.resultFile('problems.csv')?.toString('utf8')).toBe(
      'Row,Column,Value,Problem\r\n' +
        '5,Department,D-9,matches no record of report All_Departments (Dept_Code)\r\n' +
        '6,Department,D-3,matches more than one record of report All_Departments (Dept_Code)\r\n'
    )
  })

  it('leaves out the rows of unmatched codes with bad-rows: skip, in rejected.csv', async () => {
    await load(RELATED.departments, DEPARTMENTS)
    const run = await load(RELATED.employees, [...EMPLOYEES, 'E-4,Di,D-9'], {
      lookups: `Department = ${RELATED.departments.report}.Dept_Code`,
      'bad-rows': 'skip'
    })
    expect([run.exitCode, run.errors]).toEqual([0, []])
    expect(run.outputs['rejected-records']).toBe('1')
    expect(run.resultFile('rejected.csv')?.toString('utf8')).toBe(
      'Employee_Code,Full_Name,Department\r\nE-4,Di,D-9\r\n'
    )
    expect(run.stdout).toContain(
      'They are left out, as bad-rows: skip asks: rejected.csv in result-dir holds them.'
    )
    expect(run.summary).toContain(
      '<tr><td>Lookups resolved</td><td>2 values of employees.csv replaced by Zoho IDs; 1 row ' +
        'with a value unmatched</td></tr><tr><td>Rows left out</td><td>1: rejected.csv in ' +
        'result-dir</td></tr>'
    )
    // The summary points at it too, though the key left out no record.
    expect(run.summary).toContain(
      `The result files are in result-dir (${run.outputs['result-dir']}).`
    )
    expect(records(RELATED.employees).map(record => record.values['Employee_Code'])).toEqual([
      'E-1',
      'E-2',
      'E-3'
    ])
  })

  it('adds the problems of check-values to those of the lookups, in one problems.csv', async () => {
    await load(RELATED.departments, DEPARTMENTS)
    const run = await load(RELATED.employees, [...EMPLOYEES, 'E-4,Di,D-9', ',Eve,D-1'], {
      key: '',
      lookups: `Department = ${RELATED.departments.report}.Dept_Code`,
      'check-values': 'true',
      'bad-rows': 'skip'
    })
    expect([run.exitCode, run.errors]).toEqual([0, []])
    expect(run.outputs['rejected-records']).toBe('2')
    expect(run.resultFile('problems.csv')?.toString('utf8')).toBe(
      'Row,Column,Value,Problem\r\n' +
        '5,Department,D-9,matches no record of report All_Departments (Dept_Code)\r\n' +
        '6,Employee_Code,,"is empty, but the field is mandatory"\r\n'
    )
    expect(run.resultFile('rejected.csv')?.toString('utf8')).toBe(
      `Employee_Code,Full_Name,Department\r\nE-4,Di,D-9\r\n,Eve,${idOf(RELATED.departments, 'D-1')}\r\n`
    )
    expect(records(RELATED.employees)).toHaveLength(3)
  })

  it('resolves the lookups in a dry run, and says what it would load, creating no job', async () => {
    await load(RELATED.departments, DEPARTMENTS)
    // The lookup column named as the header names it, but for the spaces around it.
    const header = 'Employee_Code,Full_Name, Department '
    const run = await load(RELATED.employees, [header, ...EMPLOYEES.slice(1), 'E-4,Di,D-1'], {
      lookups: `Department = ${RELATED.departments.report}.Dept_Code`,
      'dry-run': 'true'
    })
    expect([run.exitCode, run.errors]).toEqual([0, []])
    expect(run.stdout).toContain(
      'Lookups: 3 values of Department replaced by Zoho IDs (the dry run would load them so).'
    )
    expect(run.outputs['total-records']).toBe('4')
    expect(records(RELATED.employees)).toEqual([])
  })

  it('refuses, before any request, a lookup column the file lacks or an id-map that is none', async () => {
    await writeFile(join(workspace.path, 'map.csv'), 'Dept_Code,Dept_Name\r\nD-1,Sales\r\n')
    const missing = await load(RELATED.employees, EMPLOYEES, {
      lookups: 'Dept = All_Departments.Dept_Code'
    })
    const notAMap = await load(RELATED.employees, EMPLOYEES, { lookups: 'Department = map.csv' })
    expect(missing.errors).toEqual([
      'Input "lookups": "Dept" is not a column of employees.csv: name the lookup columns as the ' +
        'header names them. Nothing was sent to Zoho.'
    ])
    expect(notAMap.errors).toEqual([
      `Input "lookups": ${join(workspace.path, 'map.csv')} is not an id-map.csv: its header must ` +
        'be one key column and ID (got Dept_Code,Dept_Name). Nothing was sent to Zoho.'
    ])
    expect(zoho.emulator.requests).toEqual([])
  })

  it('with check-header, refuses a column that is no lookup, or a lookup of several IDs', async () => {
    const run = await load(RELATED.projects, ['Project_Code,Title,Members', 'P-1,Atlas,E-1'], {
      lookups: 'Title = All_Staff.Employee_Code\nMembers = All_Staff.Employee_Code',
      'check-header': 'true'
    })
    expect(run.errors).toEqual([
      'The lookups of projects.csv do not fit the form Projects: "Title" is in lookups but is no ' +
        'lookup field of the form; "Members" is a lookup shown as Multi Select or Checkbox, which ' +
        'takes several IDs in one cell, in a form Zoho does not document: load it another way. ' +
        'No job was created. Fix lookups.'
    ])
    expect(insertJobs()).toEqual([])
  })

  it('lets Zoho refuse a row whose lookup holds no ID, when no lookups resolve it', async () => {
    await load(RELATED.departments, DEPARTMENTS)
    const run = await load(RELATED.employees, EMPLOYEES, { 'fail-on-failed-records': 'false' })
    expect(run.exitCode).toBe(0)
    expect(run.outputs['failed-records']).toBe('2')
  })
})
