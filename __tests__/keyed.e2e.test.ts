// A load with a key, end to end against the emulator's Bulk Read: run twice, it inserts each record
// once; cancelled in part 2 of 3 and run again, it loads exactly the records not yet in Zoho; a key
// that does not identify each record stops it before any request.
import { describe, expect, it } from '@jest/globals'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SAMPLE, sampleLoadInputs } from '../emulator/sample.ts'
import { runAction } from '../emulator/run-action.ts'
import { HEADER, RECORDS } from './support/employees.ts'
import { useSampleLoads } from './support/sample-zoho.ts'

const { zoho, workspace, load: loadFile } = useSampleLoads()
const FORM = { owner: SAMPLE.owner, app: SAMPLE.app, form: SAMPLE.form }

/** Loads `records` as employees.csv, keyed by Employee_ID, with `overrides` over those inputs. */
const load = (records: readonly string[], overrides: Record<string, string> = {}) =>
  loadFile('employees.csv', HEADER + records.join(''), {
    key: 'Employee_ID',
    'key-report': SAMPLE.report,
    ...overrides
  })

/** The Employee_ID of each record of the sample form, in the order they went in. */
const inZoho = (): string[] =>
  zoho.emulator.reads.records(FORM).map(record => record.values['Employee_ID'] ?? '')

/** Every record of the file lands in Zoho as the load creates its job (another run loaded them). */
const landAllWithTheJob = () => {
  zoho.emulator.onAnswer = request => {
    if (request.method === 'POST' && /\/form\/[^/]+\/insert$/.test(request.url))
      zoho.emulator.reads.addRecords(
        FORM,
        [1, 2, 3, 4, 5].map(n => ({ Employee_ID: `E-${n}` }))
      )
  }
}

const insertJobs = () => zoho.emulator.requests.filter(r => /\/form\/[^/]+\/insert$/.test(r.url))

describe('a load with a key', () => {
  it('inserts each record once when run twice, the second run creating no job', async () => {
    const first = await load(RECORDS)
    expect(first.errors).toEqual([])
    expect(inZoho()).toEqual(['E-1', 'E-2', 'E-3', 'E-4', 'E-5'])
    expect(first.outputs['skipped-records']).toBe('0')
    // Nothing skipped and no row failed: no result-dir, and nothing left under RUNNER_TEMP.
    expect(first.outputs['result-dir']).toBeUndefined()
    expect(first.folders).toEqual([])

    zoho.emulator.requests.length = 0
    const second = await load(RECORDS)
    expect(second.exitCode).toBe(0)
    expect(second.errors).toEqual([])
    expect(inZoho()).toEqual(['E-1', 'E-2', 'E-3', 'E-4', 'E-5'])
    expect(second.outputs['skipped-records']).toBe('5')
    expect(second.outputs['job-id']).toBeUndefined()
    expect(insertJobs()).toEqual([])
    expect(second.stdout).toContain(
      'All 5 records of employees.csv are in Zoho already: nothing to load, and no job was created.'
    )
    expect(second.summary).toContain(
      '<h3>✅ Zoho Creator load succeeded: all 5 records already in Zoho</h3>'
    )
    expect(second.resultFile('skipped.csv')?.toString('utf8')).toBe(HEADER + RECORDS.join(''))
    // The copy of the records to load is gone: result-dir alone is left under RUNNER_TEMP.
    expect(second.folders).toEqual([second.outputs['result-dir']])
  })

  it('aborts its job when the records land in Zoho between its first read and its job', async () => {
    landAllWithTheJob()
    const run = await load(RECORDS)
    expect(run.exitCode).toBe(0)
    expect(run.outputs['skipped-records']).toBe('5')
    expect(zoho.emulator.jobById(run.outputs['job-id'] ?? '')?.state).toBe('User Aborted')
    expect(run.stdout).toContain(
      'All 5 records of employees.csv are in Zoho already: nothing to load. The job was aborted, ' +
        'as nothing is left to load, so that the form is free for the next job.'
    )
    expect(zoho.emulator.requests.some(r => r.method === 'POST' && r.bytes > 1000)).toBe(false)
    expect(run.summary).toContain('<tr><td>Aborted</td><td>as nothing is left to load</td></tr>')
  })

  it('fails, naming the job to abort in Creator, when that job cannot be aborted', async () => {
    landAllWithTheJob()
    zoho.emulator.replyNext({
      method: 'PATCH',
      urlIncludes: 'insert/3888833000000200000',
      status: 400,
      body: JSON.stringify({ code: 1000, message: 'Invalid request' })
    })
    const run = await load(RECORDS)
    expect(run.exitCode).toBe(1)
    expect(run.errors[0]).toMatch(
      /^All 5 records of employees\.csv are in Zoho already: nothing to load\. The job could not be aborted \(nothing is left to load\): .+ Abort it in Creator: until it ends, the form takes no other job\./
    )
    // Tried once: the error does not go on to abort it again, nor say it was.
    expect(run.errors[0]).not.toContain('The job was aborted')
    expect(zoho.emulator.requests.filter(request => request.method === 'PATCH')).toHaveLength(1)
    expect(run.summary).not.toContain('<td>Aborted</td>')
  })

  it('loads only the records Zoho does not hold, and reads the keys after its job exists', async () => {
    zoho.emulator.reads.addRecords(FORM, [{ Employee_ID: 'E-2' }, { Employee_ID: ' E-4 ' }])
    const run = await load(RECORDS)
    expect(run.errors).toEqual([])
    expect(inZoho()).toEqual(['E-2', ' E-4 ', 'E-1', 'E-3', 'E-5'])
    expect(run.outputs['skipped-records']).toBe('2')
    expect(run.resultFile('skipped.csv')?.toString('utf8')).toBe(
      HEADER + [RECORDS[1], RECORDS[3]].join('')
    )
    // A read, the create, the keys read again now that the job holds the form, then the upload.
    const order = zoho.emulator.requests
      .filter(r => r.method === 'POST')
      .map(r => r.url.replace(/^.*\/(form|report)\/[^/]+\//, '$1 '))
    expect(order).toEqual([
      'report read',
      'form insert',
      'report read',
      expect.stringMatching(/^form insert\/\d+$/)
    ])
    expect(run.summary).toMatch(/loaded, 2 already in Zoho \(skipped\)<\/h3>/)
    expect(run.stdout).toContain(
      '2 records of employees.csv are in Zoho already, left out: skipped.csv in result-dir holds them.'
    )
    // Read before the job is created, and again after.
    const read =
      '<tr><td>Keys read</td><td>2 of 5 keys of employees.csv in Zoho (report All_Employees)</td></tr>'
    expect(run.summary.split(read)).toHaveLength(3)
  })

  it('cancelled in part 2 of 3 and run again, loads exactly the records not yet in Zoho', async () => {
    zoho.emulator.loadRunMs = job => (job.id === '3888833000000200001' ? 60_000 : 0)
    const parts = { 'max-records-per-job': '2' }
    await writeFile(join(workspace.path, 'employees.csv'), HEADER + RECORDS.join(''))
    const stopped = await runAction(
      {
        ...sampleLoadInputs(zoho.url, 'employees.csv'),
        key: 'Employee_ID',
        'key-report': SAMPLE.report,
        ...parts
      },
      { GITHUB_WORKSPACE: workspace.path },
      { name: 'SIGINT', when: /Poll 1: the job is In-progress/ }
    )
    expect(stopped.exitCode).toBe(1)
    expect(stopped.errors[0]).toContain(
      'To load the rest of the file, run the same step again (its key leaves out the records Zoho holds).'
    )
    expect(stopped.errors[0]).not.toContain('To load the records Zoho does not hold')
    expect(stopped.errors[0]).not.toContain('skip-records')
    expect(inZoho()).toEqual(['E-1', 'E-2'])

    zoho.emulator.loadRunMs = 0
    const again = await load(RECORDS, parts)
    expect(again.errors).toEqual([])
    expect(inZoho()).toEqual(['E-1', 'E-2', 'E-3', 'E-4', 'E-5'])
    expect(again.outputs['skipped-records']).toBe('2')
  })

  it('says to run the same step again after failed rows, which then loads only them', async () => {
    const bad = RECORDS.map(record => record.replace('grace@example.com', 'grace-at-example'))
    const first = await load(bad)
    expect(first.exitCode).toBe(1)
    expect(first.errors[0]).toContain(
      'To load the records Zoho does not hold, run the same step again (its key leaves out those ' +
        'it holds; wait first for a job of this form that still runs).'
    )
    expect(inZoho()).toEqual(['E-1', 'E-3', 'E-4', 'E-5'])
    const fixed = await load(RECORDS)
    expect(fixed.errors).toEqual([])
    expect(fixed.outputs['skipped-records']).toBe('4')
    expect(inZoho()).toEqual(['E-1', 'E-3', 'E-4', 'E-5', 'E-2'])
  })

  it('maps every key of the file to its Zoho ID, loaded now or before (id-map)', async () => {
    const [before] = zoho.emulator.reads.addRecords(FORM, [{ Employee_ID: 'E-3' }])
    const run = await load(RECORDS, { 'id-map': 'true' })
    expect(run.errors).toEqual([])
    const ids = new Map(
      zoho.emulator.reads.records(FORM).map(record => [record.values['Employee_ID'], record.ID])
    )
    expect(ids.get('E-3')).toBe(before)
    const expected = ['E-1', 'E-2', 'E-3', 'E-4', 'E-5'].map(id => `${id},${ids.get(id)}\r\n`)
    expect(run.resultFile('id-map.csv')?.toString('utf8')).toBe(
      `Employee_ID,ID\r\n${expected.join('')}`
    )
    expect(run.outputs['id-map']).toMatch(/id-map\.csv$/)
    expect(run.outputs['id-map']?.startsWith(run.outputs['result-dir'] ?? '-')).toBe(true)
    expect(run.stdout).toContain(
      '1 record of employees.csv is in Zoho already, left out: skipped.csv in result-dir holds them.'
    )
    expect(run.stdout).toContain(
      'id-map.csv in result-dir maps 5 keys of employees.csv to Zoho IDs.'
    )
    expect(run.summary).toContain(
      '<tr><td>ID map</td><td>5 records of employees.csv: id-map.csv</td></tr>'
    )
    // Run again with every record in Zoho: no job, and the map all the same, for the loads after.
    const again = await load(RECORDS, { 'id-map': 'true' })
    expect(again.outputs['skipped-records']).toBe('5')
    expect(again.resultFile('id-map.csv')?.toString('utf8')).toBe(
      `Employee_ID,ID\r\n${expected.join('')}`
    )
  })

  it('maps only the keys of records Zoho holds, when rows failed and the step passed', async () => {
    const bad = RECORDS.map(record => record.replace('grace@example.com', 'grace-at-example'))
    const run = await load(bad, { 'id-map': 'true', 'fail-on-failed-records': 'false' })
    expect(run.errors).toEqual([])
    expect(run.stdout).toContain(
      'id-map.csv in result-dir maps 4 keys of employees.csv to Zoho IDs (1 not in Zoho).'
    )
    const map = run.resultFile('id-map.csv')?.toString('utf8') ?? ''
    expect(map.split('\r\n').map(row => row.split(',')[0])).toEqual([
      'Employee_ID',
      'E-1',
      'E-3',
      'E-4',
      'E-5',
      ''
    ])
  })

  it('plans, in a dry run, only the records Zoho does not hold, creating no job', async () => {
    zoho.emulator.reads.addRecords(FORM, [{ Employee_ID: 'E-1' }, { Employee_ID: 'E-5' }])
    const run = await load(RECORDS, { 'dry-run': 'true' })
    expect(run.errors).toEqual([])
    expect(insertJobs()).toEqual([])
    expect(run.outputs).toMatchObject({ 'skipped-records': '2', 'total-records': '3', parts: '1' })
    expect(run.stdout).toContain('Dry run: employees.csv would load 3 records in 1 job')
  })

  it('says, in a dry run, that Zoho holds every record, creating no job', async () => {
    zoho.emulator.reads.addRecords(
      FORM,
      [1, 2, 3, 4, 5].map(n => ({ Employee_ID: `E-${n}` }))
    )
    const run = await load(RECORDS, { 'dry-run': 'true' })
    expect([run.exitCode, run.errors]).toEqual([0, []])
    expect(insertJobs()).toEqual([])
    expect(run.outputs['skipped-records']).toBe('5')
    expect(run.stdout).toContain(
      'Dry run: every record of employees.csv is in Zoho already: nothing to load.'
    )
  })

  it.each([
    [
      'an empty key and a repeated one',
      [RECORDS[0] ?? '', ',Nobody,no@example.com\r\n', RECORDS[0] ?? ''],
      'The key of employees.csv does not identify each record: 1 row with an empty key (3), and 1 ' +
        'row repeating the key of an earlier row ("E-1" in rows 2 and 4). Each record needs a key of ' +
        'its own to be loaded once: fix the rows, or name other key columns. Nothing was sent to Zoho.',
      {}
    ],
    [
      'a key column the file lacks',
      RECORDS,
      'Input "key": "Employee_Id" is not a column of employees.csv: name the link names of the ' +
        'fields that identify a record, as the header names them. Nothing was sent to Zoho.',
      { key: 'Employee_Id' }
    ]
  ])('stops before any request on %s', async (_what, records, message, overrides) => {
    const run = await load(records, overrides)
    expect(run.exitCode).toBe(1)
    expect(run.errors).toEqual([message])
    expect(zoho.emulator.requests).toEqual([])
  })
})
