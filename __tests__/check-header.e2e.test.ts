// check-header: true on the bundle: the file's header, and the values of its unique fields, checked
// against the form's fields before any job is created or any file sent.
import { describe, expect, it } from '@jest/globals'
import { strToU8, zipSync } from 'fflate'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SAMPLE, sampleLoadInputs } from '../emulator/sample.ts'
import { runAction } from '../emulator/run-action.ts'
import { useSampleLoads } from './support/sample-zoho.ts'

const { zoho, workspace, load: loadFile } = useSampleLoads()

/** Loads `csv` (in a ZIP with `zip`) with check-header, and `overrides` over those inputs. */
const load = (csv: string, overrides: Record<string, string> = {}, zip = false) =>
  zip
    ? loadFile('rows.zip', zipSync({ 'rows.csv': strToU8(csv) }), {
        'check-header': 'true',
        ...overrides
      })
    : loadFile('rows.csv', csv, { 'check-header': 'true', ...overrides })

const FIELDS_URL = `/creator/v2.1/meta/${SAMPLE.owner}/${SAMPLE.app}/form/${SAMPLE.form}/fields`
const requested = (): string[] =>
  zoho.emulator.requests.map(request => `${request.method} ${request.url.split('?')[0] ?? ''}`)

describe('check-header: true', () => {
  it('reads the fields, then loads a file that fits them', async () => {
    const run = await load(
      'Employee_ID,Name.first_name,Name.last_name,Email\r\nE-1,Ada,Lovelace,ada@example.com\r\n'
    )
    expect(run.errors).toEqual([])
    expect(requested()[0]).toBe(`GET ${FIELDS_URL}`)
    expect(requested().slice(1, 2)).toEqual([expect.stringMatching(/^POST .*\/insert$/)])
    expect(run.stdout).toContain(
      "Checked the header of rows.csv: its 4 columns fit the form's 6 fields."
    )
    expect(run.summary).toContain('Header checked')
  })

  it('lists every unknown column with the close link names, and creates no job', async () => {
    const run = await load(
      'Employe_ID,Name.first_name,Emial,Nmae.last_name,Bonus\r\nE-1,Ada,a@b.c,L,1\r\n'
    )
    expect(run.exitCode).toBe(1)
    expect(run.errors).toEqual([
      'The file rows.csv does not fit the form Employee_Details: columns that are no field of the form: ' +
        '"Employe_ID" (did you mean "Employee_ID"?), "Emial" (did you mean "Email"?), ' +
        '"Nmae.last_name" (did you mean "Name.last_name"?), "Bonus" (no field by a close name); ' +
        'no column for the mandatory field "Employee_ID". No job was created. ' +
        'Fix the file, or set check-header: false to skip the check.'
    ])
    expect(requested()).toEqual([`GET ${FIELDS_URL}`])
  })

  it('names a value twice in a unique field by its rows, quoted line breaks counted as one row, in a ZIP too', async () => {
    const csv =
      'Employee_ID,Name.first_name,Email\r\n' +
      'E-1,"Ada\nwith a line break",ada@example.com\r\n' +
      'E-2,Grace,grace@example.com\r\n' +
      'E-3,"Ada, again",ada@example.com\r\n'
    for (const zip of [false, true]) {
      zoho.emulator.requests.length = 0
      const run = await load(csv, {}, zip)
      expect(run.exitCode).toBe(1)
      expect(run.errors[0]).toContain(
        'the unique field "Email" holds "ada@example.com" twice (rows 2 and 4)'
      )
      expect(requested()).toEqual([`GET ${FIELDS_URL}`])
    }
  })

  it('names both an unknown column and a repeated value in one error', async () => {
    const run = await load(
      'Employee_ID,Email,Bonus\r\nE-1,ada@example.com,1\r\nE-2,ada@example.com,2\r\n'
    )
    expect(run.exitCode).toBe(1)
    expect(run.errors[0]).toContain(
      'a column that is no field of the form: "Bonus" (no field by a close name); the unique ' +
        'field "Email" holds "ada@example.com" twice (rows 2 and 3).'
    )
  })

  it('checks no value against a header that does not fit, with check-values', async () => {
    const run = await load('Employee_ID,Age,Bonus\r\nE-1,forty,1\r\n', { 'check-values': 'true' })
    expect(run.exitCode).toBe(1)
    expect(run.errors[0]).toMatch(/^The file rows\.csv does not fit the form Employee_Details: /)
    expect(run.resultFile('problems.csv')).toBeUndefined()
    expect(run.outputs['rejected-records']).toBeUndefined()
  })

  it('says which scope to add when the token lacks it, and that check-header: false skips the check', async () => {
    zoho.emulator.addToken(SAMPLE.token, [
      'ZohoCreator.bulk.CREATE',
      'ZohoCreator.bulk.UPDATE',
      'ZohoCreator.bulk.READ'
    ])
    const run = await load('Employee_ID,Email\r\nE-1,a@b.c\r\n')
    expect(run.exitCode).toBe(1)
    expect(run.errors[0]).toMatch(/code 2945/)
    expect(run.errors[0]).toContain(
      'generate it again with ZohoCreator.meta.form.READ added, or set check-header: false to skip the check.'
    )
    expect(requested()).toEqual([`GET ${FIELDS_URL}`])
  })

  it('fails, creating no job, when Zoho lists the fields in a shape it cannot read', async () => {
    zoho.emulator.fields.set(SAMPLE.form, [{ display_name: 'Email' }])
    const run = await load('Email\r\na@b.c\r\n')
    expect(run.exitCode).toBe(1)
    expect(run.errors[0]).toMatch(
      /^Zoho listed the form's fields in a shape this action cannot read: ".*"\. Set check-header: false to skip the check\.$/
    )
    expect(requested()).toEqual([`GET ${FIELDS_URL}`])
  })

  it('checks before an upload too, and sends nothing when the header does not fit', async () => {
    const run = await load('Emial\r\na@b.c\r\n', { action: 'upload', 'job-id': SAMPLE.jobId })
    expect(run.exitCode).toBe(1)
    expect(run.errors[0]).toContain('"Emial" (did you mean "Email"?)')
    expect(run.errors[0]).toContain('Nothing was uploaded.')
    expect(requested()).toEqual([`GET ${FIELDS_URL}`])
  })

  it('is not asked for without check-header, and warns where it cannot apply', async () => {
    const run = await load('Employee_ID,Email\r\nE-1,a@b.c\r\n', { 'check-header': '' })
    expect(run.errors).toEqual([])
    expect(requested()).not.toContain(`GET ${FIELDS_URL}`)
    const start = await runAction({
      dc: 'eu',
      owner: SAMPLE.owner,
      app: SAMPLE.app,
      form: SAMPLE.form,
      action: 'status',
      'job-id': SAMPLE.jobId,
      token: SAMPLE.token,
      'api-url': zoho.url,
      'check-header': 'true'
    })
    expect(start.stdout).toContain(
      '::warning::Input "check-header" takes effect only with action "upload" or "load"; "status" sends no file.'
    )
  })
})

describe('check-values: true', () => {
  const HEADER = 'Employee_ID,Name.first_name,Email,Department,Age,Salary\r\n'

  it('lists every value the form would refuse in problems.csv, and creates no job', async () => {
    const csv =
      HEADER +
      'E-1,Ada,ada@example.com,Engineering,36,1200.50\r\n' +
      ',"Grace\nHopper",grace-at-example,Marketing,forty,1e3\r\n' +
      'E-3,Alan,alan@example.com,Research,41,123456789.123\r\n' +
      'E-1,Eve,eve@example.com,Sales,,\r\n'
    const run = await load(csv, { 'check-header': 'false', 'check-values': 'true' })
    expect(run.exitCode).toBe(1)
    expect(requested()).toEqual([`GET ${FIELDS_URL}`])
    expect(run.errors).toEqual([
      '3 rows of rows.csv hold values the form would refuse: "Employee_ID" is empty, but the field ' +
        'is mandatory: 1 row (3); "Email" is not an email address: 1 row (3); "Age" is not a whole ' +
        'number: 1 row (3); "Salary" is not a number: 1 row (3); "Department" is not one of the ' +
        'field’s choices: 1 row (4); and more. problems.csv in result-dir lists each. No job was ' +
        'created. Fix the rows, or set check-values: false to skip the check.'
    ])
    expect(run.outputs['rejected-records']).toBe('3')
    expect(run.resultFile('problems.csv')?.toString('utf8')).toBe(
      'Row,Column,Value,Problem\r\n' +
        '3,Employee_ID,,"is empty, but the field is mandatory"\r\n' +
        '3,Email,grace-at-example,is not an email address\r\n' +
        '3,Age,forty,is not a whole number\r\n' +
        '3,Salary,1e3,is not a number\r\n' +
        '4,Department,Research,is not one of the field’s choices\r\n' +
        '4,Salary,123456789.123,is longer than the field takes\r\n' +
        '5,Employee_ID,E-1,repeats a value of a unique field (first in row 2)\r\n'
    )
    expect(run.stdout).toContain('rows.csv: "Salary" is longer than the field takes: 1 row (4).')
    expect(run.summary).toContain('Values the form would refuse, in 3 rows')
    expect(run.summary).toContain('<td>4</td><td>Department</td><td>Research</td>')
    // A count per column and kind, then the first problems, each under its own header.
    expect(run.summary).toContain(
      '<tr><th>Column</th><th>Problem</th><th>Rows</th><th>First rows</th></tr>' +
        '<tr><td>Employee_ID</td><td>is empty, but the field is mandatory</td><td>1</td><td>3</td></tr>'
    )
    expect(run.summary).toContain(
      '<tr><th>Row</th><th>Column</th><th>Value</th><th>Problem</th></tr>' +
        '<tr><td>3</td><td>Employee_ID</td><td></td><td>is empty, but the field is mandatory</td></tr>'
    )
    // With bad-rows: fail, no row is sorted out: result-dir holds problems.csv alone.
    expect(run.resultFile('rejected.csv')).toBeUndefined()
    expect(run.resultFile('rows.csv')).toBeUndefined()
  })

  it('says a single row holds a bad value, and names RUNNER_TEMP when it cannot hold the check', async () => {
    const one = await load(
      `${HEADER}E-1,Ada,ada@example.com,Engineering,36,\r\nE-2,Eve,eve,,,\r\n`,
      {
        'check-values': 'true'
      }
    )
    expect(one.errors[0]).toMatch(
      /^1 row of rows\.csv holds values the form would refuse: "Email" is not an email address: 1 row \(3\)\. /
    )
    const notAFolder = await workspace.notAFolder()
    await writeFile(join(workspace.path, 'rows.csv'), `${HEADER}E-1,Ada,ada@example.com,,,\r\n`)
    const run = await runAction(
      { ...sampleLoadInputs(zoho.url, 'rows.csv'), 'check-values': 'true' },
      { GITHUB_WORKSPACE: workspace.path, RUNNER_TEMP: notAFolder }
    )
    expect(run.exitCode).toBe(1)
    expect(run.errors[0]).toMatch(
      /^The files of check-values could not be written under .* \(RUNNER_TEMP\): .*No job was created\.$/
    )
  })

  it('loads a file whose values all fit, and says so; blank rows are no records', async () => {
    const ada = 'E-1,Ada,ada@example.com,Engineering,36,-1200.5\r\n'
    const grace = 'E-2,Grace,grace@example.com,,,\r\n'
    const run = await load(`${HEADER}${ada}\r\n \r\n${grace}`, {
      'check-header': 'false',
      'check-values': 'true',
      'fail-on-failed-records': 'false'
    })
    expect(run.errors).toEqual([])
    // No record failed: there is nothing to warn about.
    expect(run.stdout).not.toContain('::warning::')
    expect(run.outputs['rejected-records']).toBe('0')
    expect(run.outputs['total-records']).toBe('2')
    const job = zoho.emulator.jobById(run.outputs['job-id'] ?? '')
    expect(job?.file?.bytes.toString('utf8')).toBe(HEADER + ada + grace)
    expect(run.stdout).toContain(
      "Checked every value of rows.csv: its 6 columns and values were checked against the form's 6 fields."
    )
    expect(run.folders.filter(path => path.includes('zoho-bulk-check-'))).toEqual([])
  })
})

describe('bad-rows: skip', () => {
  const HEADER = 'Employee_ID,Name.first_name,Email,Department\r\n'
  const ADA = 'E-1,Ada,ada@example.com,Engineering\r\n'
  const GRACE = 'E-2,"Grace\nHopper",grace-at-example,Marketing\r\n'
  const ALAN = 'E-3,Alan,alan@example.com,Sales\r\n'
  const EVE = 'E-4,Eve,eve@example.com,Research\r\n'

  it('loads the other rows, and hands the rejected ones back with problems.csv in result-dir', async () => {
    const csv = HEADER + ADA + GRACE + ALAN + EVE
    const run = await load(csv, {
      'check-header': 'false',
      'check-values': 'true',
      'bad-rows': 'skip',
      'download-results': 'success'
    })
    expect(run.errors).toEqual([])
    expect(run.outputs['rejected-records']).toBe('2')
    expect(run.outputs['total-records']).toBe('2')
    const job = zoho.emulator.jobById(run.outputs['job-id'] ?? '')
    expect(job?.file?.bytes.toString('utf8')).toBe(
      'Employee_ID,Name.first_name,Email,Department\r\nE-1,Ada,ada@example.com,Engineering\r\nE-3,Alan,alan@example.com,Sales\r\n'
    )
    expect(job?.file?.name).toBe('rows.csv')
    // The job's result files, problems.csv and rejected.csv: one folder.
    expect(run.resultFile('rejected.csv')?.toString('utf8')).toBe(
      'Employee_ID,Name.first_name,Email,Department\r\nE-2,"Grace\nHopper",grace-at-example,Marketing\r\nE-4,Eve,eve@example.com,Research\r\n'
    )
    expect(run.resultFile('problems.csv')?.toString('utf8')).toContain('5,Department,Research,')
    expect(run.resultFile('success.zip')).toBeDefined()
    expect(run.stdout).toContain(
      '::warning::2 rows of rows.csv hold values the form would refuse: "Email" is not an email address: 1 row (3); "Department" is not one of the field’s choices: 1 row (5). problems.csv in result-dir lists each. They are left out, as bad-rows: skip asks: rejected.csv in result-dir holds them.'
    )
    expect(run.folders.filter(path => /zoho-bulk-(kept|check)-/.test(path))).toEqual([])
    expect(run.summary).toContain(
      '<tr><td>Values checked</td><td>its 4 columns and values were checked against the form&#39;s 6 fields</td></tr>'
    )
    expect(run.summary).toContain(
      '<tr><td>Rows left out</td><td>2: rejected.csv in result-dir</td></tr>'
    )
  })

  it('keeps result-dir on the check files when the job makes none', async () => {
    const run = await load(HEADER + ADA + EVE, {
      'check-header': 'false',
      'check-values': 'true',
      'bad-rows': 'skip'
    })
    expect(run.errors).toEqual([])
    expect(run.outputs['result-dir']).toMatch(/zoho-bulk-check-/)
    expect(run.resultFile('rejected.csv')?.toString('utf8')).toBe(HEADER + EVE)
  })

  it('fails when every row is rejected, with nothing sent', async () => {
    const run = await load(HEADER + GRACE + EVE, {
      'check-header': 'false',
      'check-values': 'true',
      'bad-rows': 'skip'
    })
    expect(run.exitCode).toBe(1)
    expect(run.errors[0]).toContain(
      'Every row has one: nothing is left to load. No job was created.'
    )
    expect(requested()).toEqual([`GET ${FIELDS_URL}`])
    expect(run.folders.filter(path => path.includes('zoho-bulk-kept-'))).toEqual([])
  })
})
