// A job's whole life from one step, end to end on the bundle: load (create → upload → start →
// wait), and each of create, upload and status alone; the retry rules of the calls that are not
// idempotent; and the abort of a job a failed or cancelled run would leave behind.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { strToU8, unzipSync, zipSync } from 'fflate'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SAMPLE, sampleLoadInputs } from '../emulator/sample.ts'
import type { EmulatedJob, RecordedRequest } from '../emulator/zoho-emulator.ts'
import { expectMasked } from './support/assertions.ts'
import { IN_PROCESS, runAction, runPostStep } from '../emulator/run-action.ts'
import { useSampleZoho } from './support/sample-zoho.ts'

const zoho = useSampleZoho()
let workspace = ''

const CSV =
  '\uFEFFEmployee_ID,Name.first_name,Email\r\n' +
  'E-1,Ada,ada@example.com\r\n' +
  'E-2,"Grace ""Amazing"", Hopper",grace@example\r\n' +
  'E-3,"Line\nbreak",lin@example.com\r\n'

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'zoho-workspace-'))
  await writeFile(join(workspace, 'employees.csv'), CSV)
})
afterAll(async () => {
  await rm(workspace, { recursive: true, force: true })
})
beforeEach(() => {
  // The sample job has ended: the form is free for a new one.
  zoho.job.state = 'Completed'
})

const env = () => ({ GITHUB_WORKSPACE: workspace })

function inputs(overrides: Record<string, string> = {}): Record<string, string> {
  return { ...sampleLoadInputs(zoho.url, 'employees.csv'), ...overrides }
}

const calls = (method: string, includes = ''): RecordedRequest[] =>
  zoho.emulator.requests.filter(
    request => request.method === method && request.url.includes(includes)
  )
const INSERT = `/creator/v2.1/bulk/${SAMPLE.owner}/${SAMPLE.app}/form/${SAMPLE.form}/insert`

/** The job the emulator created, by the ID the action reported. */
function createdJob(run: { outputs: Readonly<Record<string, string>> }): EmulatedJob {
  const id = run.outputs['job-id'] ?? ''
  const job = zoho.emulator.jobById(id)
  if (job === undefined) throw new Error(`no job ${id}`)
  return job
}

describe('action: load', () => {
  it('creates a job, uploads the CSV as it is, starts it, waits, and reports the failed row', async () => {
    const run = await runAction(inputs(), env())

    expect(run.errors).toEqual([
      'The job completed, but 1 of 3 records failed: see failure.zip in result-dir and the job ' +
        'summary, or set fail-on-failed-records: false.'
    ])
    expect(run.exitCode).toBe(1)
    expect(run.stdout).not.toContain('the step passes')
    const jobId = run.outputs['job-id'] ?? ''
    expect(jobId).toMatch(/^\d{19}$/)
    expect(run.outputs).toMatchObject({
      'job-status': 'Completed',
      'total-records': '3',
      'success-records': '2',
      'failed-records': '1',
      // The last status read decided the result: its text, not the start's "Job created successfully".
      status: 'COMPLETED'
    })
    expect(run.summary).toContain('<tr><td>Zoho status</td><td>COMPLETED</td></tr>')
    expect(run.summary).not.toContain('Job created successfully</td></tr><tr><td>Final')
    expect(
      zoho.emulator.requests.map(request => `${request.method} ${request.url.split('?')[0]}`)
    ).toEqual([
      `POST ${INSERT}`,
      `POST ${INSERT}/${jobId}`,
      `PATCH ${INSERT}/${jobId}`,
      ...zoho.emulator.requests.slice(3).map(request => `GET ${request.url.split('?')[0]}`)
    ])
    const [upload] = calls('POST', jobId)
    expect(upload?.headers['content-length']).toBe(String(upload?.bytes))
    expect(upload?.headers['transfer-encoding']).toBeUndefined()
    expect(upload?.body).toContain('filename="employees.csv"\r\nContent-Type: text/csv\r\n\r\n')
    expect(run.stdout).toContain(`POST ${zoho.url}${INSERT} (create a job)`)
    expect(run.stdout).toContain(
      `POST ${zoho.url}${INSERT}/*** (upload employees.csv, ${Buffer.byteLength(CSV)} bytes)`
    )
    expect(run.stdout).toContain('::debug::Zoho took the file at the job URL (…/insert/<job-id>).')
    expect(createdJob(run).file).toEqual({ name: 'employees.csv', bytes: Buffer.from(CSV) })
    const failures = unzipSync(run.resultFile('failure.zip') ?? new Uint8Array())
    expect(Buffer.from(Object.values(failures)[0] ?? []).toString()).toContain('E-2')
    expect(run.summary).toContain(`<tr><td>Created</td><td>job …${jobId.slice(-6)}</td></tr>`)
    expect(run.summary).toContain('<tr><td>Started</td><td>Job created successfully</td></tr>')
    expect(run.summary).toContain('<tr><td>Waited</td><td>finished: COMPLETED</td></tr>')
    const seconds = /<td>Uploaded<\/td><td>employees\.csv: \d+ bytes in (\d+\.\d) s<\/td>/.exec(
      run.summary
    )?.[1]
    // The time the upload took, from its first attempt.
    expect(Number(seconds)).toBeLessThan(10)
    expect(run.summary).toContain(
      'pie showData title Records\n    "Succeeded" : 2\n    "Failed" : 1'
    )
    expectMasked({ ...run, outputsFile: run.outputsFile.replace(`job-id<<`, '') }, [SAMPLE.token])
    // The job ID is masked everywhere but the job-id output, which is there to pass it on.
    expect(run.stdout).toContain(`::add-mask::${jobId}`)
    expect(run.stdout.replace(`::add-mask::${jobId}`, '')).not.toContain(jobId)
    expect(run.summary).not.toContain(jobId)
    expect(run.outputsFile.split(jobId)).toHaveLength(2)
    // It ended on its own: nothing is left for a post step.
    expect(run.state['pending-job']).toBe('')
  })

  it('loads a ZIP holding one CSV as that ZIP', async () => {
    const zip = zipSync({ 'employees.csv': strToU8(CSV) })
    await writeFile(join(workspace, 'employees.zip'), zip)
    const run = await runAction(
      inputs({ file: 'employees.zip', 'fail-on-failed-records': 'false' }),
      env()
    )

    expect(run.errors).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(createdJob(run).file).toEqual({ name: 'employees.zip', bytes: Buffer.from(zip) })
    const [upload] = calls('POST', '/insert/')
    expect(upload?.body).toContain(
      'filename="employees.zip"\r\nContent-Type: application/zip\r\n\r\n'
    )
    expect(run.outputs['success-records']).toBe('2')
  })

  it('aborts the job it created when the upload fails, and says so', async () => {
    zoho.emulator.replyNext({
      method: 'POST',
      urlIncludes: '/insert/',
      status: 400,
      body: JSON.stringify({
        code: 9350,
        message: 'file is not mentioned in the request parameter'
      })
    })
    const run = await runAction(inputs(), env())

    expect(run.exitCode).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(/^Zoho did not take the file \(HTTP 400, code 9350\)/)
    expect(run.errors[0]).toContain(
      'The job was aborted, as the job this step created was not started, so that the form is free for the next job.'
    )
    expect(createdJob(run).state).toBe('User Aborted')
    expect(run.state['pending-job']).toBe('')
    // Zoho knew the URL: the upload is not tried again at the other form.
    expect(calls('POST', 'insert?job_id=')).toHaveLength(0)
    // The outputs and the summary give the upload's answer, which decided the result, not the create's.
    expect(run.outputs).toMatchObject({
      code: '9350',
      'http-status': '400',
      status: 'file is not mentioned in the request parameter'
    })
    expect(run.summary).toContain('<tr><td>Zoho code</td><td>9350</td></tr>')
    expect(run.summary).not.toContain('<td>3000</td>')
  })

  it('aborts the job it created when its start is refused', async () => {
    zoho.emulator.replyNext({
      method: 'PATCH',
      status: 400,
      body: JSON.stringify({
        code: 11350,
        message: 'Cannot start the job: file upload is not complete'
      })
    })
    const run = await runAction(inputs(), env())

    expect(run.exitCode).toBe(1)
    expect(run.errors[0]).toContain('The job was aborted, as its start failed')
    expect(createdJob(run).state).toBe('User Aborted')
  })

  it('says to wait for the job of the form that has not ended when the create is refused (7130)', async () => {
    zoho.job.state = 'In-progress'
    const run = await runAction(inputs(), env())

    expect(run.exitCode).toBe(1)
    expect(run.errors).toEqual([
      'Zoho did not create the job (HTTP 400, code 7130): Another bulk job of this form is not yet ' +
        'completed. Another bulk job of this form has not ended (a form takes one at a time): wait ' +
        'for it (action: status, wait: true) or abort it, then run again.'
    ])
    expect(calls('POST')).toHaveLength(1)
  })

  it('names the scope a load lacks, not those it has', async () => {
    zoho.emulator.addToken(SAMPLE.token, ['ZohoCreator.bulk.UPDATE', 'ZohoCreator.bulk.READ'])
    const run = await runAction(inputs(), env())

    expect(run.exitCode).toBe(1)
    expect(run.errors[0]).toMatch(
      /^Zoho did not create the job \(HTTP 401, code 2945\): .*\. The token lacks ZohoCreator\.bulk\.CREATE, the scope this call needs: generate it again with it added \(a load needs ZohoCreator\.bulk\.CREATE, ZohoCreator\.bulk\.UPDATE and ZohoCreator\.bulk\.READ\)\.$/
    )
  })

  it('warns on a re-run that records may go in twice', async () => {
    const run = await runAction(inputs({ 'fail-on-failed-records': 'false' }), {
      ...env(),
      GITHUB_RUN_ATTEMPT: '2'
    })

    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('::warning::This is attempt 2 of the workflow run')
    expect(run.summary).toContain(
      '⚠️ This is attempt 2 of the workflow run: Zoho&#39;s bulk insert only inserts, so records ' +
        'an earlier attempt loaded may go in again. A field set to &quot;no duplicate values&quot; in ' +
        'the form turns a second insert into failed rows (see the README).'
    )
    // A key leaves out what Zoho holds: running the load again is what it is for.
    const keyed = await runAction(
      inputs({
        'fail-on-failed-records': 'false',
        key: 'Employee_ID',
        'key-report': SAMPLE.report
      }),
      { ...env(), GITHUB_RUN_ATTEMPT: '2' }
    )
    expect(keyed.errors).toEqual([])
    expect(keyed.stdout).not.toContain('This is attempt 2')
  })
})

describe('action: create', () => {
  it.each(['details', 'data', 'top'] as const)(
    'reads the job ID under %s, a bare number beyond 2^53 kept to the digit',
    async shape => {
      zoho.emulator.createdShape = shape
      zoho.emulator.jobIdAsNumber = true
      const run = await runAction(inputs({ action: 'create', file: '' }), env())

      expect(run.errors).toEqual([])
      expect(run.outputs['job-id']).toBe('3888833000000200000')
      expect(createdJob(run).state).toBe('Ready-to-upload')
      expect(zoho.emulator.requests).toHaveLength(1)
      // A create sends no body, as Zoho's page shows it.
      expect(zoho.emulator.requests[0]).toMatchObject({ method: 'POST', body: '', bytes: 0 })
    }
  )

  it('is not sent again once it may have reached Zoho, and says a job may exist', async () => {
    zoho.emulator.replyNext({ method: 'POST', fault: 'apply-then-reset' })
    const run = await runAction(inputs({ action: 'create', file: '' }), env())

    expect(run.exitCode).toBe(1)
    expect(calls('POST')).toHaveLength(1)
    expect(run.errors[0]).toContain(
      'The create may have reached Zoho: A job may exist all the same'
    )
    expect(run.errors[0]).toContain('3 hours after its creation')
  })

  it('says a job may exist when a retry after "too many requests" may have reached Zoho', async () => {
    zoho.emulator.replyNext(
      {
        method: 'POST',
        status: 429,
        headers: { 'Retry-After': '0' },
        body: JSON.stringify({ code: 2955, message: 'Too many requests' })
      },
      { method: 'POST', fault: 'apply-then-reset' }
    )
    const run = await runAction(inputs({ action: 'create', file: '' }), env())

    expect(run.exitCode).toBe(1)
    expect(calls('POST')).toHaveLength(2)
    expect(run.errors[0]).toContain('The create may have reached Zoho: A job may exist')
  })

  it('fails on a success that holds no job ID, and says a job may exist', async () => {
    zoho.emulator.replyNext({
      method: 'POST',
      status: 200,
      body: JSON.stringify({ code: 3000, message: 'Job created successfully' })
    })
    const run = await runAction(inputs({ action: 'create', file: '' }), env())

    expect(run.exitCode).toBe(1)
    expect(run.errors).toEqual([
      'Zoho answered the create with success but no job ID this action can read: ' +
        '"{\\"code\\":3000,\\"message\\":\\"Job created successfully\\"}". A job may exist all the same, and it ' +
        'blocks the form (one active job per form) until it expires, 3 hours after its creation ' +
        'when it is never started: abort it in Creator, or wait, before you run the step again.'
    ])
    expect(calls('POST')).toHaveLength(1)
  })

  it('is retried when Zoho says too many requests', async () => {
    zoho.emulator.replyNext({
      method: 'POST',
      status: 429,
      headers: { 'Retry-After': '0' },
      body: JSON.stringify({ code: 2955, message: 'Too many requests' })
    })
    const run = await runAction(inputs({ action: 'create', file: '' }), env())

    expect(run.errors).toEqual([])
    expect(calls('POST')).toHaveLength(2)
  })
})

describe('action: upload', () => {
  async function created(): Promise<string> {
    const run = await runAction(inputs({ action: 'create', file: '' }), env())
    return run.outputs['job-id'] ?? ''
  }

  it('falls back to the query form when Zoho does not know the path form', async () => {
    const jobId = await created()
    zoho.emulator.uploadUrlForms = new Set(['query'])
    const run = await runAction(inputs({ action: 'upload', 'job-id': jobId }), env())

    expect(run.errors).toEqual([])
    expect(calls('POST', `insert/${jobId}`)).toHaveLength(1)
    expect(calls('POST', `insert?job_id=${jobId}`)).toHaveLength(1)
    expect(zoho.emulator.jobById(jobId)?.uploaded).toBe(true)
    expect(run.stdout).toContain(
      'Zoho does not know the job URL for uploads (Zoho did not take the file (HTTP 404, code 1000)'
    )
    expect(run.stdout).toContain("trying the form Zoho's sample shows, …/insert?job_id=<job-id>.")
    expect(run.stdout).toContain(
      '::debug::Zoho took the file at the query URL (…/insert?job_id=<job-id>).'
    )
    // A later step reads the job's ID from the upload, as from every action on a job.
    expect(run.outputs['job-id']).toBe(jobId)
  })

  it('falls back to the query form on a 404 that is not JSON', async () => {
    const jobId = await created()
    zoho.emulator.replyNext({ method: 'POST', status: 404, body: '<html>Not Found</html>' })
    const run = await runAction(inputs({ action: 'upload', 'job-id': jobId }), env())

    expect(run.errors).toEqual([])
    expect(calls('POST', `insert?job_id=${jobId}`)).toHaveLength(1)
  })

  it.each([
    ['a 404 with another code', 404, JSON.stringify({ code: 2930, message: 'No such job' })],
    ['an answer that is not JSON and not a 404', 400, '<html>Bad Request</html>']
  ])('does not fall back on %s', async (_what, status, body) => {
    const jobId = await created()
    zoho.emulator.replyNext({ method: 'POST', status, body })
    const run = await runAction(inputs({ action: 'upload', 'job-id': jobId }), env())

    expect(run.exitCode).toBe(1)
    expect(run.errors[0]).toContain(`(HTTP ${status}`)
    expect(calls('POST', 'insert?job_id=')).toHaveLength(0)
  })

  it('succeeds with a warning when a lost attempt had uploaded the file (11070 on the retry)', async () => {
    const jobId = await created()
    zoho.emulator.replyNext({ method: 'POST', fault: 'apply-then-reset' })
    const run = await runAction(inputs({ action: 'upload', 'job-id': jobId }), env())

    expect(run.errors).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain(
      '::warning::An earlier attempt to upload the file reached Zoho although its answer was lost: ' +
        'Zoho then said the job already has its file (code 11070), so the upload is done.'
    )
  })

  it('fails on 11070 at the first attempt: a file cannot be replaced', async () => {
    const jobId = await created()
    await runAction(inputs({ action: 'upload', 'job-id': jobId }), env())
    const run = await runAction(inputs({ action: 'upload', 'job-id': jobId }), env())

    expect(run.exitCode).toBe(1)
    expect(run.errors[0]).toContain('code 11070')
    expect(run.errors[0]).toContain(
      "a job's file cannot be replaced: abort the job, create a new one"
    )
  })
})

describe('action: status', () => {
  it('reads the state and counts without failing on the state', async () => {
    zoho.job.state = 'Failed'
    zoho.job.records = { total: 5, success: 0, failed: 5, unprocessed: 0 }
    const run = await runAction(
      inputs({ action: 'status', file: '', 'job-id': SAMPLE.jobId }),
      env()
    )

    expect(run.errors).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(run.outputs).toMatchObject({ 'job-status': 'Failed', 'failed-records': '5' })
    expect(zoho.emulator.requests.map(request => request.method)).toEqual(['GET'])
    // What it read is shown, not only handed to later steps.
    expect(run.stdout).toContain(
      'The job is Failed, 5 records (0 succeeded, 5 failed, 0 unprocessed).'
    )
    expect(run.summary).toContain(
      '<h3>✅ Zoho Creator status succeeded: the job is Failed, 5 records (0 succeeded, 5 failed, 0 unprocessed)</h3>'
    )
    expect(run.summary).toContain('<tr><td>State</td><td>Failed</td></tr>')
    expect(run.summary).toContain('<tr><td>Failed</td><td>5</td></tr>')
  })
})

describe('action: status with wait: true', () => {
  it('follows a running job to its end and downloads its result files, as a start does', async () => {
    const loaded = await runAction(inputs({ action: 'create', file: '' }), env())
    const jobId = loaded.outputs['job-id'] ?? ''
    await runAction(inputs({ action: 'upload', 'job-id': jobId }), env())
    zoho.emulator.loadRunMs = 300
    await runAction(inputs({ action: 'start', 'job-id': jobId, file: '' }), env())
    const run = await runAction(
      inputs({ action: 'status', 'job-id': jobId, file: '', wait: 'true' }),
      env()
    )

    expect(run.outputs).toMatchObject({ 'job-status': 'Completed', 'failed-records': '1' })
    expect(run.resultFile('failure.zip')).toBeDefined()
    expect(run.exitCode).toBe(1)
    expect(zoho.emulator.requests.filter(request => request.method === 'PATCH')).toHaveLength(1)
    // The polls say what they read; the line of a status without wait is not written.
    expect(run.stdout).not.toMatch(/^The job is /m)
  })
})

describe('mask-job-id: false', () => {
  it('shows the job ID in the log and the summary, for a pipeline that passes it on', async () => {
    const run = await runAction(
      inputs({ action: 'create', file: '', 'mask-job-id': 'false' }),
      env()
    )
    const jobId = run.outputs['job-id'] ?? ''

    expect(run.stdout).not.toContain(`::add-mask::${jobId}`)
    expect(run.stdout).toContain(`Created job ${jobId}.`)
    expect(run.summary).toContain(`<td>Job ID</td><td>${jobId}</td>`)
    expectMasked(run, [SAMPLE.token])
  })
})

const WORKBOOK_PROBLEM =
  'is a spreadsheet workbook, not a CSV file: save it as "CSV UTF-8" (in Excel: File > Save As) and give that file.'

describe('checks before any request', () => {
  it.each([
    ['missing.csv', '', 'does not exist'],
    ['empty.csv', '', 'is empty'],
    ['blank-column.csv', 'A,,C\n1,2,3\n', 'has a header column with no name (column 2)'],
    [
      'twice.csv',
      'Email,Name,Email\n',
      'names the column "Email" twice in its header (columns 1 and 3)'
    ],
    ['no-header.csv', '\n1,2\n', 'has no header row']
  ])('refuses %s', async (name, text, problem) => {
    if (name !== 'missing.csv') await writeFile(join(workspace, name), text)
    const run = await runAction(inputs({ file: name }), env())

    expect(run.exitCode).toBe(1)
    expect(run.errors).toEqual([
      expect.stringContaining(`Input "file": ${join(workspace, name)} ${problem}`)
    ])
    expect(zoho.emulator.requests).toEqual([])
  })

  it.each([
    ['two.zip', zipSync({ 'a.csv': strToU8('A\n'), 'b.csv': strToU8('B\n') }), 'holds 2 files'],
    ['text.zip', zipSync({ 'a.txt': strToU8('A\n') }), 'holds "a.txt", not a .csv file'],
    // Workbooks, known by what they hold, not by their names.
    [
      'workbook.csv',
      zipSync({
        '[Content_Types].xml': strToU8('<Types/>'),
        'xl/workbook.xml': strToU8('<workbook/>'),
        'xl/worksheets/sheet1.xml': strToU8('<worksheet/>')
      }),
      WORKBOOK_PROBLEM
    ],
    [
      'workbook.ods',
      zipSync({
        mimetype: strToU8('application/vnd.oasis.opendocument.spreadsheet'),
        'content.xml': strToU8('<office:document-content/>')
      }),
      WORKBOOK_PROBLEM
    ],
    [
      'workbook.xls',
      Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(504)]),
      WORKBOOK_PROBLEM
    ]
  ])('refuses %s', async (name, zip, problem) => {
    await writeFile(join(workspace, name), zip)
    const run = await runAction(inputs({ file: name }), env())

    expect(run.errors).toEqual([expect.stringContaining(problem)])
    expect(zoho.emulator.requests).toEqual([])
  })

  it('refuses to upload a file over 100 MB, and names load, which splits it', async () => {
    const path = join(workspace, 'huge.csv')
    await writeFile(path, 'A\n')
    const { truncate } = await import('node:fs/promises')
    await truncate(path, 100 * 1024 * 1024 + 1)
    const run = await runAction(
      inputs({ action: 'upload', 'job-id': SAMPLE.jobId, file: 'huge.csv' }),
      env()
    )

    expect(run.errors).toEqual([
      expect.stringContaining(
        'more than the 104857600 bytes (100 MB) Zoho takes in one job: action: load splits a larger file into several jobs.'
      )
    ])
    expect(zoho.emulator.requests).toEqual([])
  })

  it.each([
    [
      { action: 'create', 'job-id': SAMPLE.jobId },
      'Input "job-id" must be empty with action "create"'
    ],
    [{ action: 'upload', 'job-id': '' }, 'Input "job-id" is required'],
    [{ action: 'load', file: '' }, 'Input "file" is required']
  ])('refuses %j', async (overrides, problem) => {
    const run = await runAction(inputs(overrides), env())

    expect(run.errors).toEqual([expect.stringContaining(problem)])
    expect(zoho.emulator.requests).toEqual([])
  })
})

describe('a cancelled load', () => {
  it('aborts the job it started, reports it, and leaves nothing for the post step', async () => {
    zoho.emulator.loadRunMs = 60_000
    const run = await runAction(inputs(), env(), {
      name: 'SIGINT',
      when: /Zoho answered code 3000/
    })

    expect(run.exitCode).toBe(1)
    expect(run.errors[0]).toMatch(/^The step was cancelled/)
    expect(run.errors[0]).toContain(
      'The job was aborted, as the step was cancelled while the job it started ran'
    )
    expect(createdJob(run).state).toBe('User Aborted')
    expect(run.summary).toContain('cancelled')
    expect(run.summary).toContain(
      '<tr><td>Aborted</td><td>as the step was cancelled while the job it started ran'
    )
    expect(run.state['pending-job']).toBe('')
    // Cancelled before any status read: the wait ended with no state to show.
    expect(run.summary).toContain('<tr><td>Waited</td><td>cancelled</td></tr>')
  })

  it('leaves a job the abort did not reach for the post step, and says so in the summary', async () => {
    zoho.emulator.loadRunMs = 60_000
    // The start is the third request: only the abort after it is refused.
    zoho.emulator.replyNext({
      method: 'PATCH',
      afterRequests: 3,
      status: 400,
      body: JSON.stringify({ code: 2930, message: 'Not allowed now' })
    })
    const run = await runAction(inputs(), env(), {
      name: 'SIGINT',
      when: /Zoho answered code 3000/
    })

    expect(run.exitCode).toBe(1)
    expect(createdJob(run).state).toBe('In-progress')
    expect(run.summary).toContain('<tr><td>Not aborted</td><td>')
    expect(JSON.parse(run.state['pending-job'] ?? '')).toMatchObject({ form: SAMPLE.form })
  })

  // A kill ends the process, so only a run of the bundle can be killed.
  ;(IN_PROCESS ? it.skip : it)(
    'is finished by the post step when the main step was killed before it could abort',
    async () => {
      zoho.emulator.loadRunMs = 60_000
      const main = await runAction(inputs({ 'abort-on-cancel': 'true' }), env(), {
        name: 'SIGKILL',
        when: /Zoho answered code 3000/
      })
      const pending = main.state['pending-job'] ?? ''
      expect(JSON.parse(pending)).toMatchObject({
        form: SAMPLE.form,
        jobId: expect.stringMatching(/^\d{19}$/)
      })
      const post = await postStep(pending)

      expect(post.exitCode).toBe(0)
      const jobId = (JSON.parse(pending) as { jobId: string }).jobId
      expect(zoho.emulator.jobById(jobId)?.state).toBe('User Aborted')
      expectMasked(post, [jobId])
    }
  )

  const pendingSample = JSON.stringify({
    owner: SAMPLE.owner,
    app: SAMPLE.app,
    form: SAMPLE.form,
    jobId: SAMPLE.jobId
  })
  /** The post step, after a main step that left `pending` (JSON of a job, or nothing). */
  const postStep = async (pending: string, overrides: Record<string, string> = {}) =>
    runPostStep(inputs(overrides), { 'is-post': 'true', 'pending-job': pending }, env())

  it('aborts in a post step the job a killed main step left, its ID masked', async () => {
    zoho.job.state = 'In-progress'
    const post = await postStep(pendingSample)
    expect(post.exitCode).toBe(0)
    expect(zoho.job.state).toBe('User Aborted')
    expect(post.stdout).toContain(
      'The main step was ended before it could abort job ***; aborting it now.'
    )
    expect(post.stdout).toContain(
      'The job was aborted, as the workflow was cancelled while it ran, so that the form is free'
    )
    expect(post.stdout).not.toContain('::warning::')
    expectMasked(post, [SAMPLE.jobId])
  })

  it('warns in a post step whose inputs cannot be read, naming the job that may still run', async () => {
    zoho.job.state = 'In-progress'
    const post = await postStep(pendingSample, { token: '', 'mask-job-id': 'false' })
    expect(post.exitCode).toBe(0)
    expect(post.stdout).toContain(
      `::warning::Job ${SAMPLE.jobId} may still be running: it could not be aborted (Input "token" is required`
    )
    expect(zoho.emulator.requests).toEqual([])
  })

  it('warns in a post step when the abort fails, naming the job that may still run', async () => {
    zoho.job.state = 'In-progress'
    zoho.emulator.replyNext(
      { method: 'PATCH', status: 500, body: '{"code":5000,"message":"Internal error"}' },
      { method: 'PATCH', status: 500, body: '{"code":5000,"message":"Internal error"}' }
    )
    const post = await postStep(pendingSample, { retries: '1', 'mask-job-id': 'false' })
    expect(post.exitCode).toBe(0)
    expect(post.stdout).toMatch(
      /::warning::The job could not be aborted \(the workflow was cancelled/
    )
    expect(post.stdout).toContain(`job ${SAMPLE.jobId}; aborting it now.`)
    expect(zoho.job.state).toBe('In-progress')
  })

  it('makes no call in a post step when the main step left no job', async () => {
    const post = await postStep('')

    expect(post.exitCode).toBe(0)
    expect(post.stdout).toContain('The main step left no job running: nothing to abort.')
    expect(zoho.emulator.requests).toEqual([])
  })
})
