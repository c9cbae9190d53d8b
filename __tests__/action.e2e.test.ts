// End to end: the bundled dist/index.js on Node 24, run as the runner runs it, against the
// local Zoho zoho.emulator. Assertions are on what a user sees: the request Zoho received, the
// outputs, the exit code, the log and the job summary.
import { describe, expect, it } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import { SAMPLE, sampleInputs, startSampleEmulator } from '../emulator/sample.ts'
import { useSampleZoho } from './support/sample-zoho.ts'
import { expectMasked } from './support/assertions.ts'
import {
  type ActionRun,
  IN_PROCESS,
  ROOT,
  RUNNER_GRACE_MS,
  runAction
} from '../emulator/run-action.ts'

const packageJson = JSON.parse(await readFile(`${ROOT}/package.json`, 'utf8')) as {
  version: string
}
const JOB_PATH = `/creator/v2.1/bulk/${SAMPLE.owner}/${SAMPLE.app}/form/${SAMPLE.form}/insert/${SAMPLE.jobId}`

const zoho = useSampleZoho()

function inputs(overrides: Record<string, string> = {}): Record<string, string> {
  return { ...sampleInputs(zoho.url), dc: 'eu', ...overrides }
}

/** The token and job ID appear nowhere but in the ::add-mask:: commands that register them. */
function expectNothingLeaked(run: ActionRun): void {
  expectMasked(run, [SAMPLE.token, SAMPLE.jobId])
}

describe('start and abort', () => {
  it('leaves nothing running once it has reported, and the process ends at once', async () => {
    zoho.emulator.replyNext({ method: 'PATCH', fault: 'reset' })
    const timers = () =>
      process.getActiveResourcesInfo().filter(resource => resource === 'Timeout').length
    const before = timers()
    const started = Date.now()
    const run = await runAction(
      inputs({ timeout: '30', wait: 'true', 'poll-interval': '0.1', 'wait-timeout': '0.3' })
    )
    expect(run.stdout).toContain('Attempt 1 of 4 failed')
    // In this process: no timer of the run's is left behind. As the runner runs it: the process
    // ends right after its last call, not when a forgotten 30 s deadline would fire.
    // (Timers of other suites in this worker, or a poll's last moments on a loaded machine, may
    // end meanwhile: up to 2 s is given; a forgotten 30 s deadline would still be there.)
    for (let waited = 0; IN_PROCESS && timers() > before && waited < 2000; waited += 100)
      await new Promise(resolve => setTimeout(resolve, 100))
    if (IN_PROCESS) expect(timers()).toBeLessThanOrEqual(before)
    else expect(Date.now() - started).toBeLessThan(RUNNER_GRACE_MS)
  })

  it('starts a job with one PATCH and hands back Zoho’s answer', async () => {
    const run = await runAction(inputs())

    expect(run.exitCode).toBe(0)
    expect(run.errors).toEqual([])
    expect(zoho.emulator.requests).toHaveLength(1)
    const [request] = zoho.emulator.requests
    expect(request?.method).toBe('PATCH')
    expect(request?.url).toBe(JOB_PATH)
    expect(request?.headers.authorization).toBe(`Zoho-oauthtoken ${SAMPLE.token}`)
    expect(request?.headers['content-type']).toBe('application/json')
    expect(request?.headers['user-agent']).toBe(`zoho-creator-bulk-action/${packageJson.version}`)
    expect(request?.headers.environment).toBeUndefined()
    expect(JSON.parse(request?.body ?? '')).toEqual({ data: { action: 'start' } })
    expect(zoho.job.state).toBe('In-progress')

    expect(run.outputs).toEqual({
      'job-id': SAMPLE.jobId,
      code: '3000',
      status: 'Job created successfully',
      'http-status': '200',
      response: '{"code":3000,"status":"Job created successfully"}'
    })
    expect(run.stdout).toContain('Zoho answered code 3000: Job created successfully')
    expect(run.stdout).toContain(
      `PATCH ${zoho.url}/creator/v2.1/bulk/jason18/zylker-store/form/Employee_Details/insert/*** (action: start)`
    )
    const seconds = Number(/<td>Wall time<\/td><td>(\d+\.\d) s<\/td>/.exec(run.summary)?.[1])
    expect(seconds).toBeGreaterThanOrEqual(0)
    expect(seconds).toBeLessThan(30)
    expect(run.summary.replace(/<td>\d+\.\d s<\/td>/, '<td>(time)</td>')).toBe(
      '<h3>✅ Zoho Creator start succeeded</h3>\n' +
        '<details><summary>Details: the settings, each step, the API calls</summary><table>' +
        '<tr><th>Field</th><th>Value</th></tr>' +
        [
          ['Action', 'start'],
          ['Data centre', `eu (${zoho.url})`],
          ['App / form', 'zylker-store / Employee_Details'],
          // The job's last digits, to find it by: never the whole masked ID.
          ['Job ID', '…114027'],
          ['Environment', 'production'],
          ['Authentication', 'access token'],
          ['HTTP status', '200'],
          ['Zoho code', '3000'],
          ['Zoho status', 'Job created successfully'],
          ['Wall time', '(time)'],
          [
            'API calls',
            '1 (Zoho allows each user 250 to 1000 calls a day, by plan, shared by every integration)'
          ]
        ]
          .map(([field, value]) => `<tr><td>${field}</td><td>${value}</td></tr>`)
          .join('') +
        '</table>\n' +
        '<table><tr><th>Step</th><th>What happened</th></tr>' +
        '<tr><td>Started</td><td>Job created successfully</td></tr></table>\n</details>\n'
    )
    expectNothingLeaked(run)
  })

  it('aborts a job, sending the action in lower case whatever case the input has', async () => {
    zoho.job.state = 'In-progress'
    const run = await runAction(inputs({ action: 'Abort' }))

    expect(run.exitCode).toBe(0)
    expect(JSON.parse(zoho.emulator.requests[0]?.body ?? '')).toEqual({ data: { action: 'abort' } })
    expect(zoho.job.state).toBe('User Aborted')
    expect(run.outputs['status']).toBe('Job aborted successfully')
    expect(run.summary).toContain('<tr><td>Aborted</td><td>Job aborted successfully</td></tr>')
    expectNothingLeaked(run)
  })

  it('accepts a token pasted with its "Zoho-oauthtoken " prefix without doubling it', async () => {
    const run = await runAction(inputs({ token: `Zoho-oauthtoken ${SAMPLE.token}` }))

    expect(run.exitCode).toBe(0)
    expect(zoho.emulator.requests[0]?.headers.authorization).toBe(`Zoho-oauthtoken ${SAMPLE.token}`)
    expectNothingLeaked(run)
  })

  it('sends the environment header for development and stage, and none for production', async () => {
    zoho.emulator.addJob({
      ...zoho.job,
      environment: 'development',
      state: 'Ready-to-upload',
      uploaded: true
    })
    const development = await runAction(inputs({ environment: 'Development' }))
    expect(development.exitCode).toBe(0)
    expect(zoho.emulator.requests[0]?.headers.environment).toBe('development')
    expect(zoho.job.state).toBe('Ready-to-upload') // the production job is untouched

    const production = await runAction(inputs({ environment: 'production' }))
    expect(production.exitCode).toBe(0)
    expect(zoho.emulator.requests[1]?.headers.environment).toBeUndefined()
    expect(zoho.job.state).toBe('In-progress')
  })

  it('runs with the DC default when dc is not given (no request leaves the machine)', async () => {
    // Without api-url the action goes to www.zohoapis.com; here api-url keeps it local, and the
    // summary shows which DC was chosen.
    const run = await runAction(inputs({ dc: '' }))
    expect(run.exitCode).toBe(0)
    expect(run.summary).toContain(`<td>us (${zoho.url})</td>`)
  })

  it('warns, and still succeeds, when the job summary cannot be written', async () => {
    const run = await runAction(inputs(), { GITHUB_STEP_SUMMARY: ROOT }) // a folder, not a file
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('::warning::Could not write the job summary: EISDIR')
    expect(run.outputs['code']).toBe('3000')
  })
})

describe('bad input fails before any request', () => {
  it.each([
    ['dc', { dc: 'mars' }, 'Input "dc" must be a Zoho data centre'],
    ['owner', { owner: '..' }, 'Input "owner" must be'],
    ['app', { app: 'zylker store' }, 'Input "app" must be a link name'],
    ['form', { form: '' }, 'Input "form" is required'],
    ['job-id', { 'job-id': '3888833000000114027x' }, 'Input "job-id" must be the bulk job ID'],
    [
      'action',
      { action: 'restart' },
      'Input "action" must be "create", "upload", "start", "abort", "status" or "load" (any case); got "restart".'
    ],
    ['token', { token: '' }, 'Input "token" is required'],
    ['environment', { environment: 'prod' }, 'Input "environment" must be'],
    ['api-url', { 'api-url': 'http://zoho.example.com' }, 'Input "api-url" must use https://']
  ])('%s', async (_name, overrides, message) => {
    const run = await runAction(inputs(overrides))

    expect(run.exitCode).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain(message)
    expect(run.errors[0]).not.toMatch(/[\r\n]/) // one line
    expect(zoho.emulator.requests).toHaveLength(0)
    expect(run.outputsFile).toBe('')
    expect(run.stdout).not.toMatch(/\n\s+at /) // no stack trace
    expect(run.stderr).toBe('')
  })

  it('never quotes a rejected token back', async () => {
    const run = await runAction(inputs({ token: 'Zoho-oauthtoken Zoho-oauthtoken 1000.secret' }))
    expect(run.exitCode).toBe(1)
    expect(run.errors[0]).toBe(
      'Input "token" must be a Zoho OAuth access token: one line of printable characters without spaces.'
    )
    expect(zoho.emulator.requests).toHaveLength(0)
  })
})

describe('Zoho says no', () => {
  it('fails on an expired token with code 1030 and says to refresh it', async () => {
    const run = await runAction(inputs({ token: '1000.expired' }))

    expect(run.exitCode).toBe(1)
    expect(run.outputs['code']).toBe('1030')
    expect(run.outputs['http-status']).toBe('401')
    expect(run.errors).toEqual([
      'Zoho did not start the job (HTTP 401, code 1030): Invalid OAuth token. ' +
        'The access token is invalid or expired: mint a new one (access tokens live one hour). ' +
        'A token of another data centre is refused the same way: check dc.'
    ])
    expect(run.summary).toContain('start failed')
  })

  it('fails on a token without the UPDATE scope with code 2945 and names the scope', async () => {
    zoho.emulator.addToken('1000.readonly', ['ZohoCreator.bulk.READ'])
    const run = await runAction(inputs({ token: '1000.readonly' }))

    expect(run.exitCode).toBe(1)
    expect(run.outputs['code']).toBe('2945')
    expect(run.errors[0]).toContain(
      'The token lacks ZohoCreator.bulk.UPDATE, the scope this call needs: generate it again with it added'
    )
  })

  it('fails on the daily limit, which Zoho answers with HTTP 200 and code 4000', async () => {
    zoho.emulator.dailyLimit = 0
    const run = await runAction(inputs())

    expect(run.exitCode).toBe(1)
    expect(run.outputs['http-status']).toBe('200')
    expect(run.outputs['code']).toBe('4000')
    expect(run.errors[0]).toContain('daily API limit is reached')
    expect(zoho.job.state).toBe('Ready-to-upload')
  })

  it('fails on an unknown job (a 404) and masks the job ID Zoho echoes in its message', async () => {
    const otherJob = '3888833000000999999'
    const run = await runAction(inputs({ 'job-id': otherJob }))

    expect(run.exitCode).toBe(1)
    expect(run.outputs['code']).toBe('11330')
    expect(run.outputs['status']).toBe('No bulk insert job *** exists for form Employee_Details')
    expect(JSON.parse(run.outputs['response'] ?? '')).toEqual({
      code: 11330,
      message: 'No bulk insert job *** exists for form Employee_Details'
    })
    expect(run.errors[0]).toContain('check job-id and form')
    expect(run.outputs['job-id']).toBe(otherJob)
    const others = Object.entries(run.outputs).filter(([name]) => name !== 'job-id')
    for (const text of [JSON.stringify(others), run.summary, run.errors.join('\n')]) {
      expect(text).not.toContain(otherJob)
    }
  })

  it.each([
    ['owner', { owner: 'someone-else' }, '1040', 'check owner'],
    ['app', { app: 'other_app' }, '2892', 'check app'],
    ['form', { form: 'Other_Form' }, '2893', 'check form']
  ])(
    'fails on an unknown %s with Zoho’s 404 code and a hint',
    async (_name, overrides, code, hint) => {
      const run = await runAction(inputs(overrides))
      expect(run.exitCode).toBe(1)
      expect(run.outputs['http-status']).toBe('404')
      expect(run.outputs['code']).toBe(code)
      expect(run.errors[0]).toContain(hint)
    }
  )

  it('fails to start a job whose file is not uploaded (11350)', async () => {
    zoho.job.uploaded = false
    const run = await runAction(inputs())
    expect(run.exitCode).toBe(1)
    expect(run.outputs['code']).toBe('11350')
    expect(run.errors[0]).toContain('upload the CSV before starting the job')
  })

  it.each([
    ['Completed', '11100'],
    ['User Aborted', '11080'],
    ['System Aborted', '11090'],
    ['Failed', '7130'],
    ['Expired', '7130']
  ] as const)(
    'succeeds with a warning when asked to abort a job that has ended (%s, code %s)',
    async (state, code) => {
      zoho.job.state = state
      const run = await runAction(inputs({ action: 'abort' }))
      expect(run.errors).toEqual([])
      expect(run.exitCode).toBe(0)
      expect(zoho.emulator.requests.map(request => request.method)).toEqual(['PATCH', 'GET'])
      expect(run.stdout).toContain(`Zoho refused the abort (Zoho did not abort the job (HTTP`)
      expect(run.stdout).toContain(`code ${code})`)
      expect(run.stdout).toContain(
        `::warning::The job had already ended (${state}), so there was nothing to abort: it does not run.`
      )
      expect(run.outputs['job-status']).toBe(state)
      expect(run.summary).toContain('abort succeeded')
      expectNothingLeaked(run)
    }
  )

  it('fails to start a job that has ended, with a hint that fits a start (11100)', async () => {
    zoho.job.state = 'Completed'
    const run = await runAction(inputs())
    expect(run.exitCode).toBe(1)
    expect(zoho.emulator.requests.map(request => request.method)).toEqual(['PATCH'])
    expect(run.outputs['code']).toBe('11100')
    expect(run.errors).toEqual([
      'Zoho did not start the job (HTTP 409, code 11100): The job is already completed. The job ' +
        'has already ended, and a job runs only once: to load the file again, create a new job ' +
        'and upload the file to it.'
    ])
  })

  it('fails an abort Zoho refuses while the job still runs, naming its state', async () => {
    zoho.job.state = 'In-progress'
    zoho.emulator.replyNext({
      method: 'PATCH',
      status: 400,
      body: JSON.stringify({ code: 7130, message: 'Not permitted' })
    })
    const run = await runAction(inputs({ action: 'abort' }))
    expect(run.exitCode).toBe(1)
    expect(run.errors).toEqual([
      'Zoho did not abort the job (HTTP 400, code 7130): Not permitted. This is not permitted on ' +
        'this job: check job-id and your role in the application. (The job is In-progress.)'
    ])
    expect(run.outputs['code']).toBe('7130')
    expect(run.outputs['job-status']).toBe('In-progress')
  })
})

describe('what is not Zoho’s JSON', () => {
  it('does not follow a redirect, so the token never reaches another host', async () => {
    const { emulator: elsewhere, url: elsewhereUrl } = await startSampleEmulator()
    try {
      zoho.emulator.replyNext({
        status: 307,
        headers: { Location: `${elsewhereUrl}${JOB_PATH}` },
        body: ''
      })
      const run = await runAction(inputs())

      expect(run.exitCode).toBe(1)
      expect(zoho.emulator.requests).toHaveLength(1)
      expect(elsewhere.requests).toHaveLength(0)
      expect(run.outputs['http-status']).toBe('307')
      expect(run.errors[0]).toContain(`Zoho answered HTTP 307, a redirect to ${elsewhereUrl}`)
      expect(run.errors[0]).toContain('Check dc, api-url and accounts-url')
      expectNothingLeaked(run)
    } finally {
      await elsewhere.stop()
    }
  })

  it('reports a gateway’s HTML error page as "not JSON", with its first characters', async () => {
    zoho.emulator.replyNext({
      status: 502,
      headers: { 'Content-Type': 'text/html' },
      body: '<html>\n<head><title>502 Bad Gateway</title></head>\n<body>nginx</body></html>'
    })
    const run = await runAction(inputs({ retries: '0' }))

    expect(run.exitCode).toBe(1)
    expect(run.errors).toEqual([
      'Zoho\'s response is not JSON (HTTP 502): "<html> <head><title>502 Bad Gateway</title></head> ' +
        '<body>nginx</body></html>". Zoho, or a gateway in front of it, failed: run again later. ' +
        "An attempt may have reached Zoho all the same: check the job's status before you run the step again."
    ])
    expect(run.outputs).toEqual({ 'http-status': '502', 'job-id': SAMPLE.jobId })
    expect(run.stdout).not.toMatch(/\n\s+at /)
    expect(zoho.job.state).toBe('Ready-to-upload')
  })

  it('fails on JSON without a code, even with HTTP 200', async () => {
    zoho.emulator.replyNext({ status: 200, body: '{"result":"ok"}' })
    const run = await runAction(inputs())
    expect(run.exitCode).toBe(1)
    expect(run.errors[0]).toContain('Zoho\'s response has no "code" (HTTP 200)')
    expect(run.outputs['code']).toBeUndefined()
    expect(run.outputs['response']).toBe('{"result":"ok"}')
  })

  it('keeps the response output valid JSON when Zoho sends the job ID as a bare number', async () => {
    zoho.emulator.replyNext({
      status: 200,
      body: `{"code":3000,"status":"Job created successfully","job_id":${SAMPLE.jobId}}`
    })
    const run = await runAction(inputs())
    expect(run.exitCode).toBe(0)
    expect(JSON.parse(run.outputs['response'] ?? '')).toEqual({
      code: 3000,
      status: 'Job created successfully',
      job_id: '***'
    })
    expectNothingLeaked(run)
  })

  it('says clearly when nothing answers, without a stack trace', async () => {
    await zoho.emulator.stop()
    const run = await runAction(inputs({ retries: '0' }))
    expect(run.exitCode).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(
      /^Could not reach http:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED/
    )
    expect(run.stdout).not.toMatch(/\n\s+at /)
    expect(run.summary).toContain(
      '<tr><td>HTTP status</td><td>no response</td></tr><tr><td>Zoho code</td><td>—</td></tr>' +
        '<tr><td>Zoho status</td><td>—</td></tr>'
    )
  })
})
