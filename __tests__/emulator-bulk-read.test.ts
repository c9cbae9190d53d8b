// The emulator's Bulk Read, against the contract (shared/zoho-bulk-api.md, "Bulk Read"): the Zoho
// that the key and the lookups are built against, so it is tested on its own, over HTTP.
import { describe, expect, it } from '@jest/globals'
import { strFromU8, unzipSync } from 'fflate'
import { RELATED, SAMPLE } from '../emulator/sample.ts'
import { useSampleZoho } from './support/sample-zoho.ts'

const zoho = useSampleZoho()

const READ = `/creator/v2.1/bulk/${SAMPLE.owner}/${SAMPLE.app}/report/${SAMPLE.report}/read`
const INSERT = `/creator/v2.1/bulk/${SAMPLE.owner}/${SAMPLE.app}/form/${SAMPLE.form}/insert`
const FORM = { owner: SAMPLE.owner, app: SAMPLE.app, form: SAMPLE.form }

interface Answer {
  readonly status: number
  readonly json: Record<string, unknown>
  readonly headers: Headers
  readonly bytes: Uint8Array
}

async function call(
  method: string,
  path: string,
  body?: string | FormData,
  token: string = SAMPLE.token
): Promise<Answer> {
  const response = await fetch(`${zoho.url}${path}`, {
    method,
    headers: {
      Authorization: `Zoho-oauthtoken ${token}`,
      ...(typeof body === 'string' ? { 'Content-Type': 'application/json' } : {})
    },
    ...(body === undefined ? {} : { body })
  })
  const bytes = new Uint8Array(await response.arrayBuffer())
  const json = response.headers.get('content-type')?.startsWith('application/json')
    ? (JSON.parse(strFromU8(bytes)) as Record<string, unknown>)
    : {}
  return { status: response.status, json, headers: response.headers, bytes }
}

const details = (answer: Answer): Record<string, unknown> =>
  answer.json['details'] as Record<string, unknown>

/** The one CSV of a result ZIP, as text. */
function csvOf(zip: Uint8Array): string {
  const entries = Object.entries(unzipSync(zip))
  expect(entries.map(([name]) => name)).toEqual([`${SAMPLE.report}.csv`])
  return strFromU8(entries[0]?.[1] ?? new Uint8Array())
}

/** Creates a read job with `query`, and answers its status and result once it has ended. */
async function read(query: Record<string, unknown>): Promise<{ status: Answer; result: Answer }> {
  const created = await call('POST', READ, JSON.stringify({ query }))
  expect(created.status).toBe(200)
  const id = String(details(created)['id'])
  expect(id).toMatch(/^\d{19}$/)
  return {
    status: await call('GET', `${READ}/${id}`),
    result: await call('GET', `${READ}/${id}/result`)
  }
}

describe("the emulator's Bulk Read", () => {
  it('reads the records of the report with their IDs, in batches a record cursor follows', async () => {
    const rows = [1, 2, 3, 4, 5].map(n => ({ Employee_ID: `E-${n}`, Email: `e${n}@example.com` }))
    const ids = zoho.emulator.reads.addRecords(FORM, rows)
    zoho.emulator.reads.batchCap = 2
    const texts: string[] = []
    const cursors: unknown[] = []
    let query: Record<string, unknown> = { fields: ['ID', 'Employee_ID'], max_records: 200_000 }
    for (let batch = 1; batch <= 3; batch++) {
      const { status, result } = await read(query)
      const done = details(status)
      expect(done['status']).toBe('Completed')
      const outcome = done['result'] as Record<string, unknown>
      expect(outcome['count']).toBe(batch < 3 ? 2 : 1)
      texts.push(csvOf(result.bytes))
      const cursor = outcome['record_cursor']
      cursors.push(cursor)
      expect(result.headers.get('recordCursor')).toBe(cursor ?? null)
      if (batch < 3) expect(typeof cursor).toBe('string')
      else expect(cursor).toBeUndefined()
      // The next batch: the cursor alone.
      query = { record_cursor: cursor }
    }
    expect(texts).toEqual([
      `ID,Employee_ID\r\n${ids[0]},E-1\r\n${ids[1]},E-2\r\n`,
      `ID,Employee_ID\r\n${ids[2]},E-3\r\n${ids[3]},E-4\r\n`,
      `ID,Employee_ID\r\n${ids[4]},E-5\r\n`
    ])
    expect(new Set(ids).size).toBe(5)
    // A cursor serves once.
    const again = await call('POST', READ, JSON.stringify({ query: { record_cursor: cursors[0] } }))
    expect(again.json).toMatchObject({ code: 3020 })
  })

  it("gives the report's columns, ID first, when the create names none", async () => {
    zoho.emulator.reads.addRecords(FORM, [{ Employee_ID: 'E-1', Age: '36' }])
    const { result } = await read({})
    expect(csvOf(result.bytes).split('\r\n')[0]).toBe(
      'ID,Employee_ID,Name,Email,Department,Age,Salary'
    )
  })

  it('lands the records of an insert job when it completes, not before', async () => {
    zoho.emulator.loadRunMs = 60_000
    zoho.job.state = 'Completed' // the sample job is done: the form takes a new one
    const created = await call('POST', INSERT)
    const jobId = String(details(created)['job_id'])
    const file = new FormData()
    file.append(
      'file',
      new Blob(['Employee_ID,Email\r\nE-1,ada@example.com\r\nE-2,nope\r\nE-3,eve@example.com\r\n']),
      'employees.csv'
    )
    expect((await call('POST', `${INSERT}/${jobId}`, file)).status).toBe(200)
    const start = JSON.stringify({ data: { action: 'start' } })
    expect((await call('PATCH', `${INSERT}/${jobId}`, start)).status).toBe(200)
    const fields = { fields: ['Employee_ID', 'ID'] }
    expect(csvOf((await read(fields)).result.bytes)).toBe('Employee_ID,ID\r\n')
    const job = zoho.emulator.jobById(jobId)
    if (job?.startedAt === undefined) throw new Error('the job did not start')
    job.startedAt -= 60_000 // its run is over
    const records = zoho.emulator.reads.records(FORM)
    expect(csvOf((await read(fields)).result.bytes)).toBe(
      `Employee_ID,ID\r\nE-1,${records[0]?.ID}\r\nE-3,${records[1]?.ID}\r\n`
    )
    // The row Zoho refused is no record.
    expect(records.map(record => record.values['Employee_ID'])).toEqual(['E-1', 'E-3'])
  })

  it('fails a row whose lookup is not the ID of a record of the related form', async () => {
    zoho.job.state = 'Completed'
    const [sales = ''] = zoho.emulator.reads.addRecords(
      { ...FORM, form: RELATED.departments.form },
      [{ Dept_Code: 'D-1' }]
    )
    const insert = INSERT.replace(SAMPLE.form, RELATED.employees.form)
    const jobId = String(details(await call('POST', insert))['job_id'])
    const file = new FormData()
    const rows = ['Employee_Code,Department', `E-1,${sales}`, 'E-2,D-1', 'E-3,', 'E-4,999']
    file.append('file', new Blob([`${rows.join('\r\n')}\r\n`]), 'employees.csv')
    await call('POST', `${insert}/${jobId}`, file)
    await call('PATCH', `${insert}/${jobId}`, JSON.stringify({ data: { action: 'start' } }))
    await call('GET', `${insert}/${jobId}`) // its status: the job has completed, its records landed
    const failure = zoho.emulator.jobById(jobId)?.results?.failure ?? new Uint8Array()
    expect(strFromU8(Object.values(unzipSync(failure))[0] ?? new Uint8Array())).toBe(
      'Employee_Code,Department,Error\r\n' +
        'E-2,D-1,Invalid value for Department: D-1 is not the ID of a related record\r\n' +
        'E-4,999,Invalid value for Department: 999 is not the ID of a related record\r\n'
    )
    const employees = zoho.emulator.reads.records({ ...FORM, form: RELATED.employees.form })
    expect(employees.map(record => record.values)).toEqual([
      { Employee_Code: 'E-1', Department: sales },
      { Employee_Code: 'E-3', Department: '' }
    ])
  })

  it('says a read runs, then that it failed, when a test makes it slow and failing', async () => {
    zoho.emulator.reads.runMs = 60_000
    zoho.emulator.reads.ends = () => 'Failed'
    zoho.emulator.reads.stateStyle = 'prose'
    const created = await call('POST', READ, JSON.stringify({ query: { fields: ['ID'] } }))
    expect(details(created)).toMatchObject({ operation: 'read', status: 'IN PROGRESS' })
    const id = String(details(created)['id'])
    expect(details(await call('GET', `${READ}/${id}`))['status']).toBe('IN PROGRESS')
    expect((await call('GET', `${READ}/${id}/result`)).json).toMatchObject({ code: 11110 })
    zoho.emulator.reads.now = () => Date.now() + 60_000
    expect(details(await call('GET', `${READ}/${id}`))).not.toHaveProperty('result')
    expect(details(await call('GET', `${READ}/${id}`))['status']).toBe('FAILED')
    expect((await call('GET', `${READ}/${id}/result`)).json).toMatchObject({ code: 11130 })
  })

  it.each([
    [{ max_records: 1000 }, 'max_records must be a multiple of 1000 from 100000 to 200000'],
    [{ max_records: 150_500 }, 'max_records must be a multiple of 1000 from 100000 to 200000'],
    [{ fields: ['ID', 'Shoe_Size'] }, 'No field named Shoe_Size in report All_Employees'],
    [
      { record_cursor: 'x', fields: ['ID'] },
      'With a record_cursor, fields, criteria and max_records must not be sent'
    ],
    [{ record_cursor: 'unknown' }, 'The record_cursor is not valid, or has expired (15 minutes)'],
    [{ criteria: 'Age > 3' }, 'criteria is not supported by the emulator']
  ])(
    'refuses a create with %j as Zoho would a body it cannot use (3020)',
    async (query, message) => {
      const answer = await call('POST', READ, JSON.stringify({ query }))
      expect(answer.status).toBe(400)
      expect(answer.json).toEqual({ code: 3020, message })
    }
  )

  it('answers an unknown report, job or method with an error, and checks the scopes', async () => {
    const other = READ.replace(SAMPLE.report, 'No_Such_Report')
    expect((await call('POST', other, '{}')).json).toMatchObject({ code: 2894 })
    expect((await call('GET', `${READ}/3888833000000499999`)).json).toMatchObject({ code: 11330 })
    expect((await call('GET', READ)).status).toBe(405)
    zoho.emulator.addToken('read-only', ['ZohoCreator.bulk.READ'])
    expect((await call('POST', READ, '{}', 'read-only')).json).toMatchObject({ code: 2945 })
  })
})
