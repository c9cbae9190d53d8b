// readReport against the emulator's Bulk Read: every record of a report, batch after batch, and a
// read that cannot be trusted said as such.
import { describe, expect, it } from '@jest/globals'
import { strToU8, zipSync } from 'fflate'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deflateRawSync } from 'node:zlib'
import { systemClock } from '../src/clock.ts'
import { ActionError, CancelledError } from '../src/errors.ts'
import { READ_BATCH_RECORDS, readReport } from '../src/operations/read-report.ts'
import type { Connection } from '../src/zoho/api.ts'
import type { CallContext } from '../src/zoho/call.ts'
import type { ReportRef } from '../src/zoho/endpoints.ts'
import { SAMPLE } from '../emulator/sample.ts'
import { useSampleZoho } from './support/sample-zoho.ts'
import { zipBomb, zipOf } from './support/zips.ts'

const zoho = useSampleZoho()
const FORM = { owner: SAMPLE.owner, app: SAMPLE.app, form: SAMPLE.form }
const REPORT: ReportRef = { owner: SAMPLE.owner, app: SAMPLE.app, report: SAMPLE.report }

function connection(): Connection {
  return {
    apiBaseUrl: zoho.url,
    environment: 'production',
    tokens: { current: () => Promise.resolve(SAMPLE.token), renew: () => Promise.resolve(false) }
  }
}

function context(log: string[] = [], signal?: AbortSignal): CallContext {
  return {
    ...(signal === undefined ? {} : { signal }),
    policy: { retries: 2, baseDelayMs: 1, maxDelayMs: 5, timeScale: 1 },
    timeoutMs: 5000,
    clock: systemClock,
    calls: { made: 0 },
    log: line => log.push(line),
    redact: text => text
  }
}

/** Reads the sample report's ID and Employee_ID: the rows read, the outcome, the log, the calls. */
async function readAll(
  fields: readonly string[] = ['ID', 'Employee_ID'],
  report: typeof REPORT = REPORT,
  {
    timeoutMs = 5000,
    firstDelayMs = 5,
    signal
  }: { timeoutMs?: number; firstDelayMs?: number; signal?: AbortSignal } = {}
) {
  const dir = await mkdtemp(join(tmpdir(), 'zoho-read-'))
  const rows: (readonly string[])[] = []
  const log: string[] = []
  const calls = context(log, signal)
  try {
    const read = await readReport(
      { report, fields, dir, wait: { timeoutMs, firstDelayMs } },
      values => rows.push(values),
      connection(),
      calls
    )
    expect(await readdir(dir)).toEqual([]) // each batch's ZIP removed once read
    return { read, rows, log, calls: calls.calls.made }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

async function failure(
  fields?: readonly string[],
  report: typeof REPORT = REPORT,
  settings?: Parameters<typeof readAll>[2]
): Promise<string> {
  try {
    await readAll(fields, report, settings)
  } catch (error) {
    expect(error).toBeInstanceOf(ActionError)
    return (error as Error).message
  }
  throw new Error('the read did not fail')
}

const employees = (count: number) =>
  Array.from({ length: count }, (_, n) => ({ Employee_ID: `E-${n + 1}`, Email: `e${n}@x.io` }))

/** Zoho hands over `zip` as the next batch of the read. */
const resultIs = (zip: Uint8Array) => {
  zoho.emulator.replyNext({
    method: 'GET',
    urlIncludes: '/result',
    status: 200,
    headers: { 'Content-Type': 'application/zip' },
    body: zip
  })
}

describe('readReport', () => {
  it('reads every record in batches, following the cursor, with three calls a batch', async () => {
    const ids = zoho.emulator.reads.addRecords(FORM, employees(5))
    zoho.emulator.reads.batchCap = 2
    const { read, rows, log, calls } = await readAll()
    expect(rows).toEqual(ids.map((id, n) => [id, `E-${n + 1}`]))
    expect(read).toEqual({ records: 5, batches: 3 })
    // Create, one status (the emulator's read is done at once) and the download, a batch.
    expect(calls).toBe(9)
    const bodies = zoho.emulator.requests.filter(request => request.method === 'POST')
    expect(bodies.map(request => JSON.parse(request.body) as unknown)).toEqual([
      { query: { fields: ['ID', 'Employee_ID'], max_records: READ_BATCH_RECORDS } },
      { query: { record_cursor: expect.any(String) } },
      { query: { record_cursor: expect.any(String) } }
    ])
    expect(log.at(-1)).toBe('Read 5 records of report All_Employees in 3 batches.')
    // A create sends JSON; a result is asked for as a ZIP, or JSON when Zoho has an error to say.
    const created = zoho.emulator.requests.find(request => request.method === 'POST')
    const result = zoho.emulator.requests.find(request => request.url.endsWith('/result'))
    expect(created?.headers['content-type']).toBe('application/json')
    expect(result?.headers['accept']).toBe('application/zip, application/json')
    const creates = log.filter(line => line.startsWith('POST '))
    expect(creates).toEqual([
      `POST ${zoho.url}/creator/v2.1/bulk/${SAMPLE.owner}/${SAMPLE.app}/report/All_Employees/read (read report All_Employees)`,
      expect.stringMatching(/ \(read the next batch of report All_Employees\)$/),
      expect.stringMatching(/ \(read the next batch of report All_Employees\)$/)
    ])
  })

  it('reads a CSV of blank lines, padded names and short records as Zoho may write it', async () => {
    const ids = zoho.emulator.reads.addRecords(FORM, employees(2))
    zoho.emulator.reads.csvShape = csv => {
      const [header = '', first = '', second = ''] = csv.split('\r\n')
      const padded = header
        .split(',')
        .map(name => ` ${name} `)
        .join(',')
      return `\r\n${padded}\r\n\r\n${first}\r\n${second.split(',')[0] ?? ''}\r\n\r\n`
    }
    const { rows } = await readAll()
    expect(rows).toEqual([
      [ids[0], 'E-1'],
      [ids[1], '']
    ])
  })

  it('reads a CSV of many megabytes, with characters split between its pieces', async () => {
    const many = Array.from({ length: 60_000 }, (_, n) => ({ Employee_ID: `É-${n}-日本` }))
    zoho.emulator.reads.addRecords(FORM, many)
    const { rows } = await readAll(['Employee_ID'])
    expect(rows).toHaveLength(60_000)
    expect(rows.every((row, n) => row[0] === `É-${n}-日本`)).toBe(true)
  })

  it('gives the values in the order asked, whatever the order of the columns', async () => {
    zoho.emulator.reads.addRecords(FORM, employees(1))
    zoho.emulator.reads.csvShape = csv => {
      const [header = '', ...rows] = csv.split('\r\n')
      const swap = (line: string) => line.split(',').reverse().join(',')
      return `\uFEFF${[swap(header), ...rows.map(row => (row === '' ? row : swap(row)))].join('\n')}`
    }
    const { rows } = await readAll()
    expect(rows).toEqual([[zoho.emulator.reads.records(FORM)[0]?.ID, 'E-1']])
  })

  it('reads an empty report as no records, in one batch', async () => {
    expect((await readAll()).read).toEqual({ records: 0, batches: 1 })
  })

  it('waits for a read job that runs, polling it', async () => {
    zoho.emulator.reads.addRecords(FORM, employees(1))
    zoho.emulator.reads.runMs = 40
    const { rows, log } = await readAll()
    expect(rows).toHaveLength(1)
    expect(
      log.some(line => /^Read of report All_Employees: Poll 1: the job is In-progress/.test(line))
    ).toBe(true)
  })

  it('says a read that failed in Zoho, and a column the report lacks', async () => {
    zoho.emulator.reads.ends = () => 'Failed'
    expect(await failure()).toBe(
      "Zoho's read of report All_Employees ended Failed, not Completed: run the step again; if it " +
        'ends so again, check the report in Creator.'
    )
    zoho.emulator.reads.ends = () => 'Completed'
    zoho.emulator.reads.csvShape = csv => csv.replace('Employee_ID', 'Employee')
    expect(await failure()).toBe(
      'Zoho\'s read of report All_Employees has no column "Employee_ID" (its columns: "ID", ' +
        '"Employee"): check that the report shows that field.'
    )
  })

  it('does not trust a batch whose CSV holds other than the count Zoho gave', async () => {
    zoho.emulator.reads.addRecords(FORM, employees(3))
    zoho.emulator.reads.csvShape = csv => csv.split('\r\n').slice(0, 3).join('\r\n')
    expect(await failure()).toBe(
      'Zoho said batch 1 of report All_Employees holds 3 records, and its CSV holds 2: the read ' +
        'is not trusted. Run the step again.'
    )
  })

  it('stops a batch at the first record beyond what Zoho said it holds (a ZIP bomb)', async () => {
    zoho.emulator.reads.addRecords(FORM, employees(1))
    resultIs(zipBomb(600, 'ID,Employee_ID\n'))
    expect(await failure()).toBe(
      "Batch 1 of Zoho's read of report All_Employees holds more than the 1 record it can: the " +
        'read is not trusted. Run the step again.'
    )
  })

  it('stops a record that runs on beyond 1 MiB', async () => {
    const endless = Buffer.from(`ID,Employee_ID\n"${'x'.repeat(3 * 1024 * 1024)}`)
    resultIs(zipOf('All_Employees.csv', 8, deflateRawSync(endless), endless.length))
    expect(await failure()).toBe(
      "A record of Zoho's read of report All_Employees runs over 1048576 bytes: no record of " +
        'the fields asked for is that long.'
    )
  })

  it('says so when the result holds no CSV', async () => {
    resultIs(zipSync({ 'readme.txt': strToU8('nothing') }))
    expect(await failure()).toBe(
      "Zoho's read of report All_Employees holds no CSV file: run the step again."
    )
  })

  it('names a report Zoho does not know, with what to check', async () => {
    expect(await failure(undefined, { ...REPORT, report: 'All_Staffers' })).toBe(
      'Zoho did not create a read job on report All_Staffers (HTTP 404, code 2894): No report named ' +
        'All_Staffers. No such report: check key-report (the link name of a report of the form) and app.'
    )
  })

  it('says what Zoho could not use in a create, without retrying it', async () => {
    expect(await failure(['ID', 'Shoe_Size'])).toBe(
      'Zoho did not create a read job on report All_Employees (HTTP 400, code 3020): No field ' +
        'named Shoe_Size in report All_Employees. Zoho could not use the request: please report ' +
        'it, with this message.'
    )
    expect(zoho.emulator.requests).toHaveLength(1)
  })

  it('polls on through a status call that keeps failing for a while', async () => {
    zoho.emulator.reads.addRecords(FORM, employees(1))
    const outage = { method: 'GET', urlIncludes: '/read/', status: 500, body: 'down' } as const
    zoho.emulator.replyNext(outage, outage, outage)
    const { rows, log } = await readAll()
    expect(rows).toHaveLength(1)
    expect(log.slice(-3)).toEqual([
      expect.stringMatching(
        /^Read of report All_Employees: Poll 1 failed: Gave up after 3 attempts; the last one failed: /
      ),
      'Read of report All_Employees: Poll 2: the job is Completed.',
      'Read 1 record of report All_Employees in 1 batch.'
    ])
  })

  it('stops at a status call Zoho refuses, saying what was asked', async () => {
    zoho.emulator.replyNext({
      method: 'GET',
      urlIncludes: '/read/',
      status: 400,
      body: JSON.stringify({ code: 2945, message: 'Refused' })
    })
    expect(await failure()).toMatch(
      /^Zoho did not read the read job's status \(HTTP 400, code 2945\): Refused\. /
    )
  })

  it('says a read that outlasts wait-timeout', async () => {
    zoho.emulator.reads.runMs = 60_000
    expect(await failure(undefined, REPORT, { timeoutMs: 30 })).toBe(
      'The read of report All_Employees did not complete within wait-timeout (it was ' +
        'In-progress): raise wait-timeout, or run the step again later.'
    )
  })

  it('stops waiting at once when the step is cancelled', async () => {
    zoho.emulator.reads.runMs = 60_000
    const cancel = new AbortController()
    setTimeout(() => {
      cancel.abort()
    }, 50)
    const started = Date.now()
    await expect(readAll(undefined, REPORT, { signal: cancel.signal })).rejects.toThrow(
      CancelledError
    )
    expect(Date.now() - started).toBeLessThan(4000)
  })

  it('says why Zoho handed over no ZIP, and keeps that reason', async () => {
    zoho.emulator.replyNext({
      method: 'GET',
      urlIncludes: '/result',
      status: 404,
      body: JSON.stringify({ code: 3100, message: 'Gone' })
    })
    expect(await failure()).toMatch(
      /^Zoho did not hand over what report All_Employees holds \(HTTP 404, code 3100\): Gone\. /
    )
    zoho.emulator.replyNext({
      method: 'GET',
      urlIncludes: '/result',
      status: 200,
      body: JSON.stringify({ code: 3000, message: 'ok' })
    })
    expect(await failure()).toBe(
      'Zoho sent no ZIP for the read of report All_Employees (HTTP 200): "{\\"code\\":3000,\\"message\\":\\"ok\\"}".'
    )
  })

  it("does not trust a create that answers without the read job's ID", async () => {
    zoho.emulator.replyNext({
      method: 'POST',
      status: 200,
      body: JSON.stringify({ code: 3000, details: { status: 'In-progress' } })
    })
    expect(await failure()).toBe(
      "Zoho answered the read job's create with success but no job ID this action can read: " +
        '"{\\"code\\":3000,\\"details\\":{\\"status\\":\\"In-progress\\"}}".'
    )
  })

  it('stops following a cursor that never ends, after 1,000 batches', async () => {
    zoho.emulator.reads.addRecords(FORM, employees(1001))
    zoho.emulator.reads.batchCap = 1
    expect(await failure(['ID'], REPORT, { timeoutMs: 60_000, firstDelayMs: 0 })).toBe(
      'Zoho gave a cursor to a next batch 1000 times when reading report All_Employees: the ' +
        'read stops there. Run the step again.'
    )
  }, 60_000)
})
