// Long waits, end to end: an outage of the status endpoint, a status call that hangs at the end of
// wait-timeout, an access token that expires during the wait, and the runner cancelling the step.
import { describe, expect, it } from '@jest/globals'
import { SAMPLE, sampleWaitInputs } from '../emulator/sample.ts'
import type { RecordCounts } from '../emulator/zoho-emulator.ts'
import { expectMasked } from './support/assertions.ts'
import { RUNNER_GRACE_MS, runAction, timedRun } from '../emulator/run-action.ts'
import { useSampleZoho } from './support/sample-zoho.ts'

const zoho = useSampleZoho()

const inputs = (overrides: Record<string, string> = {}) => ({
  ...sampleWaitInputs(zoho.url),
  ...overrides
})
const refresh = () => ({
  token: '',
  'client-id': SAMPLE.clientId,
  'client-secret': SAMPLE.clientSecret,
  'refresh-token': SAMPLE.refreshToken,
  'accounts-url': zoho.url
})
const ALL_GOOD: RecordCounts = { total: 10, success: 10, failed: 0, unprocessed: 0 }
const statusCalls = () =>
  zoho.emulator.requests.filter(
    request => request.method === 'GET' && !request.url.includes('/result')
  )

describe('an outage of the status endpoint', () => {
  it('does not end the wait: failed polls are logged and the next comes on schedule', async () => {
    zoho.job.run = { forMs: 1200, ends: 'Completed', records: ALL_GOOD }
    zoho.emulator.replyNext(
      { method: 'GET', status: 503, body: '<html>Service Unavailable</html>' },
      { method: 'GET', fault: 'reset' },
      { method: 'GET', status: 502, body: '' }
    )
    const run = await runAction(inputs({ retries: '0' }))
    expect(run.errors).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(run.outputs['job-status']).toBe('Completed')
    const failed = run.stdout.split('\n').filter(line => /^Poll \d+ failed: /.test(line))
    expect(failed).toHaveLength(3)
    expect(failed[0]).toMatch(
      /^Poll 1 failed: Zoho's response is not JSON \(HTTP 503\).* Next poll in \d\.\d s\.$/
    )
  })

  it('fails at wait-timeout with the last state seen, when the outage lasts', async () => {
    zoho.job.run = { forMs: 3_600_000, ends: 'Completed', records: ALL_GOOD }
    // The PATCH and the first status read go through; every read after them fails.
    const down = { method: 'GET', status: 503, body: 'down', afterRequests: 2 } as const
    zoho.emulator.replyNext(...Array.from({ length: 20 }, () => down))
    const run = await runAction(inputs({ retries: '0', 'wait-timeout': '1' }))
    expect(run.exitCode).toBe(1)
    expect(run.errors).toEqual([
      'The job did not finish within 1 s (wait-timeout); it was last In-progress, 10 records ' +
        '(0 succeeded, 0 failed, 0 unprocessed). The job goes on in Zoho.'
    ])
    expect(run.outputs['job-status']).toBe('In-progress')
    expect(run.stdout).toMatch(/^Poll 2 failed: /m)
  })
})

describe('wait-timeout', () => {
  it('bounds the step even when a status call hangs', async () => {
    zoho.job.run = { forMs: 3_600_000, ends: 'Completed', records: ALL_GOOD }
    zoho.emulator.replyNext({ method: 'GET', fault: 'hang' })
    const run = await timedRun(inputs({ 'wait-timeout': '1', timeout: '60' }))
    expect(run.exitCode).toBe(1)
    expect(run.errors).toEqual([
      'The job did not finish within 1 s (wait-timeout); it was last in a state no poll could read. The job goes on in Zoho.'
    ])
    expect(run.ms).toBeLessThan(RUNNER_GRACE_MS)
    expect(run.summary).toContain('<td>Final state</td><td>unknown (still running)</td>')
    // A job that may still run has no result file yet: none is asked for.
    expect(zoho.emulator.requests.filter(request => request.url.includes('/result'))).toEqual([])
  })
})

describe('an access token that expires during the wait', () => {
  it('is minted again before it runs out', async () => {
    zoho.emulator.tokenLifetimeMs = 1000
    zoho.job.run = { forMs: 1800, ends: 'Completed', records: ALL_GOOD }
    const run = await runAction(inputs(refresh()))
    expect(run.errors).toEqual([])
    expect(run.exitCode).toBe(0)
    // Renewed a quarter of its life before it ends (or five minutes, when that is sooner): a few
    // times in all, not at every call.
    expect(zoho.emulator.minted.length).toBeGreaterThanOrEqual(3)
    expect(zoho.emulator.minted.length).toBeLessThanOrEqual(4)
    expect(statusCalls().length).toBeGreaterThanOrEqual(5)
    expect(run.stdout).toContain(`Minting an access token at ${zoho.url}.`)
    expect(run.stdout).toContain('The access token is about to expire; minting a new one at ')
    expect(run.stdout).not.toContain('Zoho refused the access token')
    expect(statusCalls().every(request => request.headers.authorization !== undefined)).toBe(true)
    expectMasked(run, [SAMPLE.clientSecret, SAMPLE.refreshToken, ...zoho.emulator.minted])
  })

  it('is minted once more when Zoho refuses it (1030) during the run', async () => {
    zoho.job.run = { forMs: 500, ends: 'Completed', records: ALL_GOOD }
    zoho.emulator.replyNext({
      method: 'GET',
      status: 401,
      body: JSON.stringify({ code: 1030, message: 'Invalid OAuth token' })
    })
    const run = await runAction(inputs(refresh()))
    expect(run.errors).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(zoho.emulator.minted).toHaveLength(2)
    expect(run.stdout).toContain('Zoho refused the access token (code 1030); minting a new one at ')
    const [first, second] = zoho.emulator.minted
    const authorisations = statusCalls().map(request => request.headers.authorization)
    expect(authorisations.slice(0, 2)).toEqual([
      `Zoho-oauthtoken ${first}`,
      `Zoho-oauthtoken ${second}`
    ])
  })

  it('fails on a second 1030 in the same call, rather than mint without end', async () => {
    zoho.job.state = 'In-progress'
    const refused = {
      status: 401,
      body: JSON.stringify({ code: 1030, message: 'Invalid OAuth token' })
    }
    zoho.emulator.replyNext({ method: 'PATCH', ...refused }, { method: 'PATCH', ...refused })
    const run = await runAction({
      ...inputs(refresh()),
      wait: 'false',
      'poll-interval': '',
      action: 'abort'
    })
    expect(run.exitCode).toBe(1)
    expect(zoho.emulator.minted).toHaveLength(2)
    expect(run.errors[0]).toContain('Zoho did not abort the job (HTTP 401, code 1030)')
  })
})

// On Windows, Node cannot send a child SIGINT or SIGTERM (kill() ends it at once): the cancel
// tests run where the runner's signals can be sent.
const onPosix = process.platform === 'win32' ? describe.skip : describe

onPosix('a cancelled workflow', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'on %s, aborts the job it started, reports what it knows and ends within the grace time',
    async name => {
      zoho.job.run = { forMs: 3_600_000, ends: 'Completed', records: ALL_GOOD }
      // The next poll is 3 s away: the cancel must end the wait's sleep, not wait for it.
      const run = await runAction(inputs({ 'poll-interval': '2' }), {}, { name, when: /Poll 1: / })
      expect(run.afterSignalMs).toBeLessThan(RUNNER_GRACE_MS)
      expect(run.exitCode).toBe(1)
      expect(run.errors).toEqual([
        'The step was cancelled while waiting for the job; it was last In-progress, 10 records (0 succeeded, 0 failed, 0 unprocessed). ' +
          'The job was aborted, as the step was cancelled while the job it started ran, so that the form is free for the next job.'
      ])
      expect(zoho.job.state).toBe('User Aborted')
      expect(run.outputs['job-status']).toBe('In-progress')
      expect(run.outputs['total-records']).toBe('10')
      expect(run.summary).toContain('⚠️ Zoho Creator start cancelled')
      expect(run.summary).toContain('<td>Final state</td><td>In-progress (still running)</td>')
    }
  )

  it('leaves the job running with abort-on-cancel: false', async () => {
    zoho.job.run = { forMs: 3_600_000, ends: 'Completed', records: ALL_GOOD }
    const run = await runAction(
      inputs({ 'poll-interval': '1', 'abort-on-cancel': 'false' }),
      {},
      { name: 'SIGINT', when: /Poll 1: / }
    )
    expect(run.afterSignalMs).toBeLessThan(RUNNER_GRACE_MS)
    expect(run.errors).toEqual([
      'The step was cancelled while waiting for the job; it was last In-progress, 10 records (0 succeeded, 0 failed, 0 unprocessed). The job goes on in Zoho.'
    ])
    expect(zoho.job.state).toBe('In-progress')
    expect(zoho.emulator.requests.filter(request => request.method === 'PATCH')).toHaveLength(1)
  })

  it('ends a call in flight at once, not at its timeout', async () => {
    zoho.emulator.replyNext({ method: 'PATCH', fault: 'hang' })
    const run = await runAction(
      inputs({ timeout: '60', wait: 'false', 'poll-interval': '' }),
      {},
      { name: 'SIGINT', when: /\(action: start\)/ }
    )
    expect(run.afterSignalMs).toBeLessThan(RUNNER_GRACE_MS)
    expect(run.exitCode).toBe(1)
    expect(run.errors).toEqual(['The step was cancelled (SIGINT).'])
  })

  it('aborts a job whose start was in flight when the step it waits in was cancelled', async () => {
    zoho.emulator.replyNext({ method: 'PATCH', fault: 'hang' })
    const run = await runAction(
      inputs({ timeout: '60', 'poll-interval': '' }),
      {},
      { name: 'SIGINT', when: /\(action: start\)/ }
    )
    expect(run.exitCode).toBe(1)
    // The start may have reached Zoho: the step tries to abort what it may have started.
    expect(run.errors[0]).toMatch(
      /^The step was cancelled \(SIGINT\)\. The job could not be aborted \(the step was cancelled while the job it started ran\)/
    )
  })

  it('removes a result file it was downloading', async () => {
    zoho.job.run = { forMs: 0, ends: 'Completed', records: { ...ALL_GOOD, failed: 2, success: 8 } }
    zoho.emulator.replyNext({ method: 'GET', urlIncludes: '/result', fault: 'trickle-zip' })
    const run = await runAction(
      inputs({ timeout: '60' }),
      {},
      { name: 'SIGINT', when: /Poll 1: the job is Completed/ }
    )
    expect(run.afterSignalMs).toBeLessThan(RUNNER_GRACE_MS)
    expect(run.exitCode).toBe(1)
    expect(Object.keys(run.files)).toEqual([])
    expect(run.outputs['result-dir']).toBeUndefined()
    expect(run.outputs['job-status']).toBe('Completed')
    expect(run.errors).toEqual([
      'The step was cancelled (SIGINT). The job had ended Completed, 10 records (8 succeeded, 2 failed, 0 unprocessed); its result files were not all downloaded.'
    ])
    expect(run.summary).toContain('start cancelled')
  })
})
