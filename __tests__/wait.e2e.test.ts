// Waiting for the job, end to end on the bundle: states reached on the emulator's schedule, the
// record counts, the result files, the failed-rows preview and the polling itself.
import { describe, expect, it } from '@jest/globals'
import { strToU8, zipSync } from 'fflate'
import { join } from 'node:path'
import { sampleWaitInputs } from '../emulator/sample.ts'
import type { JobState, RecordCounts } from '../emulator/zoho-emulator.ts'
import { runAction } from '../emulator/run-action.ts'
import { useSampleZoho } from './support/sample-zoho.ts'

const zoho = useSampleZoho()

const inputs = (overrides: Record<string, string> = {}) => ({
  ...sampleWaitInputs(zoho.url),
  ...overrides
})

const ALL_GOOD: RecordCounts = { total: 10, success: 10, failed: 0, unprocessed: 0 }
const TWO_FAILED: RecordCounts = { total: 10, success: 8, failed: 2, unprocessed: 0 }
const FAILURE_CSV =
  'Employee_ID,Email,Error\n' +
  'E-7,"ada@example,com","Invalid email"\n' +
  'E-9,<b>grace</b>,"Value ""x"" too long"\n'
const failureZip = zipSync({ 'Employee_Details_failure.csv': strToU8(FAILURE_CSV) })

function runsFor(forMs: number, ends: JobState, records: RecordCounts): void {
  zoho.job.run = { forMs, ends, records }
}

const statusCalls = () =>
  zoho.emulator.requests.filter(
    request => request.method === 'GET' && !request.url.includes('/result')
  )
const resultCalls = () => zoho.emulator.requests.filter(request => request.url.includes('/result'))

describe('wait: true', () => {
  it('waits for a job that completes and reports its records', async () => {
    runsFor(400, 'Completed', ALL_GOOD)
    const run = await runAction(inputs())

    expect(run.errors).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(run.outputs).toMatchObject({
      code: '3000',
      'job-status': 'Completed',
      'total-records': '10',
      'success-records': '10',
      'failed-records': '0',
      'unprocessed-records': '0'
    })
    expect(statusCalls().length).toBeGreaterThanOrEqual(2)
    // No failed rows, so no failure file can exist: it is not asked for, and nothing warns of it.
    expect(resultCalls()).toEqual([])
    expect(run.stdout).not.toContain('::warning::')
    expect(run.outputs['result-dir']).toBeUndefined()
    expect(Object.keys(run.files)).toEqual([])
    expect(run.summary).toContain(
      '<tr><td>Final state</td><td>Completed</td></tr><tr><td>Total records</td><td>10</td></tr>' +
        '<tr><td>Succeeded</td><td>10</td></tr><tr><td>Failed</td><td>0</td></tr>' +
        '<tr><td>Unprocessed</td><td>0</td></tr>'
    )
    expect(run.summary).toMatch(/<td>Wall time<\/td><td>\d+\.\d s<\/td>/)
    expect(run.summary).toContain(
      `<td>API calls</td><td>${zoho.emulator.requests.length} (Zoho allows each user 250 to 1000 calls a day, by plan, shared by every integration)</td>`
    )
  })

  it('downloads failure.zip, previews the failed rows, and fails on failed records', async () => {
    runsFor(200, 'Completed', TWO_FAILED)
    zoho.job.results = { failure: failureZip }
    const run = await runAction(inputs())

    expect(run.exitCode).toBe(1)
    expect(run.errors).toEqual([
      'The job completed, but 2 of 10 records failed: see failure.zip in result-dir and the job summary, ' +
        'or set fail-on-failed-records: false.'
    ])
    expect(run.outputs['failed-records']).toBe('2')
    const resultDir = run.outputs['result-dir'] ?? ''
    expect(resultDir).toMatch(/zoho-bulk-results-/)
    expect(run.resultFile('failure.zip')).toEqual(Buffer.from(failureZip))
    expect(run.stdout).not.toContain('::warning::')
    expect(run.summary).toContain('<h4>Failed rows</h4>')
    expect(run.summary).toContain('<th>Employee_ID</th><th>Email</th><th>Error</th>')
    expect(run.summary).toContain('<td>E-7</td><td>ada@example,com</td><td>Invalid email</td>')
    expect(run.summary).toContain(
      '<td>E-9</td><td>&lt;b&gt;grace&lt;/b&gt;</td><td>Value &quot;x&quot; too long</td>'
    )
  })

  it('succeeds with failed records when fail-on-failed-records is false', async () => {
    runsFor(100, 'Completed', TWO_FAILED)
    zoho.job.results = { failure: failureZip }
    const run = await runAction(inputs({ 'fail-on-failed-records': 'false' }))
    expect(run.exitCode).toBe(0)
    expect(run.outputs['failed-records']).toBe('2')
    // It says so, in the log and the summary: a pass is not a clean load.
    expect(run.stdout).toMatch(
      /::warning::2 of \d+ records failed, and the step passes all the same, as fail-on-failed-records is false: see failure.zip in result-dir and the job summary for their rows and Zoho's reasons.\n/
    )
    expect(run.summary).toMatch(
      /<h3>✅ Zoho Creator start succeeded: \d+ of \d+ records loaded, 2 failed<\/h3>/
    )
    expect(run.summary).toMatch(
      /<p>⚠️ 2 of \d+ records failed, and the step passes all the same, as fail-on-failed-records is false: their rows and Zoho&#39;s reasons are below and in result-dir.<\/p>/
    )
    // Where the result files are, and how to keep them.
    expect(run.summary).toContain('keep them with an actions/upload-artifact step')
    // The pie shows the slices that hold records, failures in red.
    expect(run.summary).toContain('"pie2": "#cf222e"')
    expect(run.summary).not.toContain('"Unprocessed" : 0')
  })

  it.each([
    ['Failed', 'Zoho could not process the file.'],
    ['System Aborted', 'over 5% of its batches of 200 records fail'],
    ['Expired', 'not started within 3 hours']
  ] as const)('fails a job that ends %s', async (state, why) => {
    runsFor(100, state, { total: 10, success: 0, failed: 10, unprocessed: 0 })
    const run = await runAction(inputs({ 'download-results': 'none' }))

    expect(run.exitCode).toBe(1)
    expect(run.outputs['job-status']).toBe(state)
    expect(run.summary).toContain(
      '<h3>❌ Zoho Creator start failed: 0 of 10 records loaded, 10 failed</h3>'
    )
    // An expected failure prints no stack, not even for debugging.
    expect(run.stdout).not.toContain('::debug::')
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(new RegExp(`^The job ended ${state}, 10 records`))
    expect(run.errors[0]).toContain(why)
    expect(resultCalls()).toHaveLength(0)
    expect(run.outputs['result-dir']).toBeUndefined()
  })

  it('gives up at wait-timeout with the last state, and leaves the job running', async () => {
    runsFor(60_000, 'Completed', ALL_GOOD)
    const run = await runAction(inputs({ 'wait-timeout': '0.6' }))

    expect(run.exitCode).toBe(1)
    expect(run.errors).toEqual([
      'The job did not finish within 0.6 s (wait-timeout); it was last In-progress, 10 records (0 succeeded, ' +
        '0 failed, 0 unprocessed). The job goes on in Zoho.'
    ])
    expect(run.outputs['job-status']).toBe('In-progress')
    expect(zoho.job.state).toBe('In-progress')
    expect(resultCalls()).toHaveLength(0)
  })

  type Shape = (state: string, total: number | undefined) => Record<string, unknown>
  it.each<[string, Shape]>([
    [
      'api_status under data, record_details at the top',
      (state, total) => ({
        code: 3000,
        data: { api_status: state.toUpperCase() },
        record_details: { total_records: total }
      })
    ],
    [
      'status at the top, record_details under data',
      (state, total) => ({
        code: 3000,
        status: state,
        data: { record_details: { total_records: total } }
      })
    ],
    [
      'state and counts under details',
      (state, total) => ({ code: 3000, details: { state, total_records: String(total) } })
    ],
    [
      'status and counts under data',
      (state, total) => ({
        code: 3000,
        data: { status: state.replace('-', ' '), total_records: total }
      })
    ]
  ])('reads a status shaped as %s', async (_shape, shape) => {
    runsFor(200, 'Completed', ALL_GOOD)
    zoho.emulator.statusBody = job => shape(job.state, job.records?.total)
    const run = await runAction(inputs({ 'download-results': 'none' }))

    expect(run.errors).toEqual([])
    expect(run.outputs['job-status']).toBe('Completed')
    expect(run.outputs['total-records']).toBe('10')
  })

  it('takes an unknown state as still running, logging it once', async () => {
    runsFor(400, 'Completed', ALL_GOOD)
    zoho.emulator.statusBody = job => ({
      code: 3000,
      data: { api_status: job.state === 'Completed' ? 'COMPLETED' : 'QUEUED' }
    })
    const run = await runAction(inputs({ 'download-results': 'none' }))

    expect(run.exitCode).toBe(0)
    expect(statusCalls().length).toBeGreaterThanOrEqual(2)
    expect(
      run.stdout.split('\n').filter(line => line.includes('does not know ("QUEUED")'))
    ).toHaveLength(1)
  })

  it('downloads every result file asked for that Zoho has records for', async () => {
    runsFor(100, 'Completed', { total: 10, success: 7, failed: 2, unprocessed: 1 })
    const file = (name: string) => zipSync({ [`${name}.csv`]: strToU8(`A\n${name}\n`) })
    zoho.job.results = {
      success: file('success'),
      failure: file('failure'),
      unprocessed: file('unprocessed')
    }
    const run = await runAction(
      inputs({
        'download-results': 'unprocessed, success failure',
        'fail-on-failed-records': 'false'
      })
    )

    expect(run.exitCode).toBe(0)
    expect(
      resultCalls().map(request => new URL(request.url, 'http://x').searchParams.get('filter'))
    ).toEqual(['success', 'failure', 'unprocessed'])
    expect(run.summary).toContain(
      '<h3>✅ Zoho Creator start succeeded: 7 of 10 records loaded, 2 failed, 1 not processed</h3>'
    )
    // The counts as a pie GitHub draws, each slice in its colour.
    expect(run.summary).toContain(
      '```mermaid\n%%{init: {"theme": "base", "themeVariables": {"pie1": "#2da44e", "pie2": ' +
        '"#cf222e", "pie3": "#bf8700"}}}%%\npie showData title Records\n    "Succeeded" : 7\n' +
        '    "Failed" : 2\n    "Unprocessed" : 1\n```\n'
    )
    const dir = run.outputs['result-dir'] ?? ''
    expect(Object.keys(run.files).sort()).toEqual([
      join(dir, 'failure.zip'),
      join(dir, 'success.zip'),
      join(dir, 'unprocessed.zip')
    ])
  })

  it('retries a result still being generated (11110)', async () => {
    runsFor(100, 'Completed', TWO_FAILED)
    zoho.job.results = { failure: failureZip }
    zoho.job.resultNotReady = 2
    const run = await runAction(inputs())

    expect(run.outputs['failed-records']).toBe('2')
    expect(resultCalls()).toHaveLength(3)
    expect(run.resultFile('failure.zip')).toEqual(Buffer.from(failureZip))
  })

  it('keeps no file, and warns, when the result is not a ZIP', async () => {
    runsFor(100, 'Completed', TWO_FAILED)
    zoho.emulator.replyNext({
      method: 'GET',
      urlIncludes: '/result',
      status: 200,
      body: '{"code":3000,"message":"ok"}'
    })
    const run = await runAction(inputs({ 'fail-on-failed-records': 'false' }))

    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain(
      '::warning::No failure.zip: Zoho sent no ZIP for the failure results (HTTP 200): "{\\"code\\":3000,\\"message\\":\\"ok\\"}".'
    )
    expect(Object.keys(run.files)).toEqual([])
    expect(run.folders).toEqual([])
    expect(run.outputs['result-dir']).toBeUndefined()
    expect(run.summary).not.toContain('Failed rows')
  })

  it('keeps the folder of the files it saved when another is missing, and warns of that one', async () => {
    runsFor(100, 'Completed', TWO_FAILED)
    zoho.job.results = { failure: failureZip }
    const run = await runAction(inputs({ 'download-results': 'success, failure' }))

    expect(run.outputs['result-dir']).toMatch(/zoho-bulk-results-/)
    expect(run.resultFile('failure.zip')).toEqual(Buffer.from(failureZip))
    expect(run.stdout.match(/::warning::/g)).toHaveLength(1)
    expect(run.stdout).toContain(
      '::warning::No success.zip: Zoho did not hand over the success results (HTTP 404, code 11130): '
    )
    for (const request of resultCalls())
      expect(request.headers.accept).toBe('application/zip, application/json')
  })

  it('makes no folder when it has no file to ask for', async () => {
    runsFor(100, 'Completed', ALL_GOOD)
    const run = await runAction(inputs(), { RUNNER_TEMP: '/proc/no-such-folder' })

    expect(run.exitCode).toBe(0)
    expect(run.stdout).not.toContain('::warning::')
  })

  it('ends the wait at once when a status read is refused for good (a missing scope)', async () => {
    zoho.emulator.addToken('1000.update-only', ['ZohoCreator.bulk.UPDATE'])
    runsFor(60_000, 'Completed', ALL_GOOD)
    const run = await runAction(inputs({ token: '1000.update-only', 'wait-timeout': '60' }))

    expect(run.exitCode).toBe(1)
    expect(run.errors).toEqual([
      expect.stringMatching(
        /^The wait for the job ended: Zoho did not read the job's status \(HTTP 401, code 2945\): .* \(it was last in a state no poll could read\)\.$/
      )
    ])
    expect(statusCalls()).toHaveLength(1)
  })

  it('waits for an abort to take effect', async () => {
    zoho.job.state = 'In-progress'
    const run = await runAction(inputs({ action: 'abort', 'download-results': 'none' }))
    expect(run.exitCode).toBe(0)
    expect(run.outputs['job-status']).toBe('User Aborted')
    expect(statusCalls()).toHaveLength(1)
  })

  it('polls frugally: a delay that grows ×1.5 from poll-interval', async () => {
    runsFor(1000, 'Completed', ALL_GOOD)
    const run = await runAction(inputs({ 'download-results': 'none' }))
    expect(run.exitCode).toBe(0)
    // Delays 0.1, 0.15, 0.225, 0.34, 0.51 s: polls at 0.1, 0.25, 0.48, 0.81 and 1.32 s see the end
    // at the fifth; a slow machine may start the clock a little late and need one more.
    const polls = statusCalls().length
    expect(polls).toBeGreaterThanOrEqual(4)
    expect(polls).toBeLessThanOrEqual(6)
    expect(run.stdout.split('\n').filter(line => /^Poll \d+: /.test(line))).toHaveLength(polls)
    expect(run.stdout).toMatch(
      /Poll 1: the job is In-progress, 10 records .*; next poll in 0\.1 s\./
    )
  })

  it('sets no count output Zoho did not report, and puts the failure in the summary', async () => {
    zoho.job.state = 'In-progress'
    zoho.emulator.statusBody = () => ({ code: 3000, data: { api_status: 'FAILED' } })
    const run = await runAction(inputs({ action: 'abort', 'download-results': 'none' }))
    expect(run.exitCode).toBe(1)
    expect(run.outputs['job-status']).toBe('Failed')
    for (const output of [
      'total-records',
      'success-records',
      'failed-records',
      'unprocessed-records'
    ])
      expect(run.outputs).not.toHaveProperty(output)
    expect(run.summary).toContain('<td>Total records</td><td>—</td>')
    expect(run.summary).toContain('<p>The job ended Failed. Zoho could not process the file.</p>')
  })

  it('does not wait when wait is false', async () => {
    runsFor(100, 'Completed', ALL_GOOD)
    const run = await runAction(inputs({ wait: 'false' }))
    expect(run.exitCode).toBe(0)
    expect(zoho.emulator.requests.map(request => request.method)).toEqual(['PATCH'])
    expect(run.outputs['job-status']).toBeUndefined()
  })
})
