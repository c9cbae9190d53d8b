// Every row of the retry table, end to end on the bundle, and a retried start that must not act
// twice. Backoff is 10 ms here (see support/run-action.ts) and timeouts are short.
import { describe, expect, it } from '@jest/globals'
import { SAMPLE, sampleInputs } from '../emulator/sample.ts'
import { useSampleZoho } from './support/sample-zoho.ts'
import { runAction } from '../emulator/run-action.ts'

const zoho = useSampleZoho()

const inputs = (overrides: Record<string, string> = {}) => ({
  ...sampleInputs(zoho.url),
  timeout: '0.5',
  ...overrides
})
const methods = () => zoho.emulator.requests.map(request => request.method)
const json = (body: unknown) => JSON.stringify(body)

describe('failures worth retrying', () => {
  it.each([
    ['a reset connection', { fault: 'reset' } as const, 'socket hang up'],
    ['a server that never answers', { fault: 'hang' } as const, 'within 0.5 s (timeout)'],
    [
      'a response that trickles in past the deadline',
      { fault: 'trickle' } as const,
      'within 0.5 s (timeout)'
    ],
    [
      'HTTP 500 with JSON',
      { status: 500, body: json({ code: 1000, message: 'Internal error' }) },
      'HTTP 500'
    ],
    [
      'HTTP 502 from a gateway',
      { status: 502, body: '<html>Bad Gateway</html>' },
      'not JSON (HTTP 502)'
    ],
    ['HTTP 503', { status: 503, body: '<html>Service Unavailable</html>' }, 'not JSON (HTTP 503)'],
    ['HTTP 504', { status: 504, body: '' }, 'not JSON (HTTP 504): an empty body'],
    [
      'HTTP 429',
      { status: 429, body: json({ code: 2955, message: 'Too many requests' }) },
      'HTTP 429, code 2955'
    ],
    [
      'code 2955 with HTTP 200',
      { status: 200, body: json({ code: 2955, message: 'Limit' }) },
      'HTTP 200, code 2955'
    ]
  ])('retries %s, then succeeds', async (_case, reply, why) => {
    zoho.emulator.replyNext(reply)
    const run = await runAction(inputs())

    expect(run.errors).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(methods()).toEqual(['PATCH', 'PATCH'])
    expect(zoho.job.state).toBe('In-progress')
    expect(run.outputs['code']).toBe('3000')
    const retryLines = run.stdout.split('\n').filter(line => line.startsWith('Attempt '))
    expect(retryLines).toHaveLength(1)
    expect(retryLines[0]).toMatch(
      /^Attempt 1 of 4 failed: .* (Retrying in \d+\.\d s|Waiting \d+\.\d s for .*)\.$/
    )
    expect(retryLines[0]).toContain(why)
  })

  it.each([
    ['in seconds', '1', 1],
    ['as an HTTP date', 'date', 2]
  ])('waits as Retry-After says %s', async (_case, header, atMostSeconds) => {
    const retryAfter = header === 'date' ? new Date(Date.now() + 2000).toUTCString() : header
    zoho.emulator.replyNext({
      status: 429,
      headers: { 'Retry-After': retryAfter },
      body: json({ code: 2955 })
    })
    const started = Date.now()
    const run = await runAction(inputs())

    expect(run.exitCode).toBe(0)
    const wait = Number(/Retrying in (\d+\.\d) s\./.exec(run.stdout)?.[1])
    expect(wait).toBeGreaterThan(0)
    expect(wait).toBeLessThanOrEqual(atMostSeconds)
    expect(Date.now() - started).toBeGreaterThanOrEqual(wait * 1000 - 100)
  })

  it('gives up after 1 + retries attempts, saying how many and the last failure', async () => {
    const unavailable = { status: 503, body: json({ code: 1000, message: 'Service unavailable' }) }
    zoho.emulator.replyNext(unavailable, unavailable, unavailable)
    const run = await runAction(inputs({ retries: '2' }))

    expect(run.exitCode).toBe(1)
    expect(methods()).toEqual(['PATCH', 'PATCH', 'PATCH'])
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(
      /^Gave up after 3 attempts; the last one failed: Zoho did not start the job \(HTTP 503, code 1000\): Service unavailable\./
    )
    expect(run.outputs['code']).toBe('1000')
  })

  it('gives up on a refused connection without claiming the job may have been touched', async () => {
    await zoho.emulator.stop()
    const run = await runAction(inputs({ retries: '1' }))
    expect(run.exitCode).toBe(1)
    expect(run.errors[0]).toMatch(
      /^Gave up after 2 attempts; the last one failed: Could not reach .*ECONNREFUSED/
    )
    expect(run.errors[0]).not.toContain('may have reached Zoho')
  })

  it('makes a single attempt when retries is 0', async () => {
    zoho.emulator.replyNext({ fault: 'reset' })
    const run = await runAction(inputs({ retries: '0' }))
    expect(run.exitCode).toBe(1)
    expect(methods()).toEqual(['PATCH'])
    expect(run.stdout).not.toContain('Attempt 1')
  })
})

describe('failures not worth retrying fail at once', () => {
  it.each([
    ['the daily limit (code 4000 with HTTP 200)', {}, () => (zoho.emulator.dailyLimit = 0), '4000'],
    ['an expired token (1030)', { token: '1000.expired' }, () => {}, '1030'],
    [
      'a missing scope (2945)',
      {},
      () => {
        zoho.emulator.addToken(SAMPLE.token, ['ZohoCreator.bulk.READ'])
      },
      '2945'
    ],
    ['an unknown job (11330, HTTP 404)', { 'job-id': '3888833000000999999' }, () => {}, '11330']
  ])('%s', async (_case, overrides, arrange, code) => {
    arrange()
    const run = await runAction(inputs(overrides))
    expect(run.exitCode).toBe(1)
    expect(methods()).toEqual(['PATCH'])
    expect(run.outputs['code']).toBe(code)
    expect(run.stdout).not.toContain('Attempt 1')
  })
})

describe('a retried start or abort does not act twice', () => {
  it.each(['apply-then-reset', 'apply-then-hang'] as const)(
    'reports success when the lost first start took effect (%s)',
    async fault => {
      zoho.emulator.replyNext({ method: 'PATCH', fault })
      const run = await runAction(inputs())

      expect(run.errors).toEqual([])
      expect(run.exitCode).toBe(0)
      expect(methods()).toEqual(['PATCH', 'PATCH', 'GET'])
      expect(zoho.job.state).toBe('In-progress')
      // The outputs report the status read that settled it, as Zoho sent it: no invented answer,
      // and the state in Zoho's words as its status text, since the read has no message.
      expect(run.outputs['code']).toBe('3000')
      expect(run.outputs['status']).toBe('IN PROGRESS')
      expect(run.outputs['job-status']).toBe('In-progress')
      expect(JSON.parse(run.outputs['response'] ?? '')).toEqual({
        code: 3000,
        data: { api_status: 'IN PROGRESS' }
      })
      expect(run.stdout).toContain(
        '::warning::An earlier attempt to start the job took effect: the job is In-progress. ' +
          'Its answer was lost, and Zoho rejected the retry.'
      )
      expect(run.stdout).not.toContain('Zoho answered code')
      expect(run.stdout).toMatch(
        /^An earlier attempt to start the job may have reached Zoho, and the retry was rejected \(Zoho did not start the job \(HTTP 400, code 7130\): .*\); reading the job's status to settle it\.$/m
      )
    }
  )

  it('does the same for an abort', async () => {
    zoho.job.state = 'In-progress'
    zoho.emulator.replyNext({ method: 'PATCH', fault: 'apply-then-reset' })
    const run = await runAction(inputs({ action: 'abort' }))

    expect(run.exitCode).toBe(0)
    expect(methods()).toEqual(['PATCH', 'PATCH', 'GET'])
    expect(run.outputs['job-status']).toBe('User Aborted')
    expect(run.stdout).toContain(
      '::warning::An earlier attempt to abort the job took effect: the job is User Aborted.'
    )
  })

  it('fails with the state when the job is in another one (Expired)', async () => {
    zoho.job.state = 'Expired'
    zoho.emulator.replyNext({ method: 'PATCH', fault: 'reset' })
    const run = await runAction(inputs())

    expect(run.exitCode).toBe(1)
    expect(methods()).toEqual(['PATCH', 'PATCH', 'GET'])
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(
      /^Zoho did not start the job: the job is Expired, after a retry was rejected \(.*code 7130/
    )
    expect(run.outputs['code']).toBe('7130')
  })

  it.each(['System Aborted', 'Completed', 'Failed'] as const)(
    'does not call a start successful when the job had ended (%s) before this run',
    async state => {
      zoho.job.state = state
      zoho.emulator.replyNext({ method: 'PATCH', fault: 'hang' })
      const run = await runAction(inputs())
      expect(run.exitCode).toBe(1)
      expect(methods()).toEqual(['PATCH', 'PATCH', 'GET'])
      expect(run.errors).toEqual([
        expect.stringMatching(
          new RegExp(
            `^The job has ended \\(${state}\\), and this run cannot tell whether its start did that: an ` +
              'earlier attempt may have reached Zoho, its answer was lost, and the retry was rejected ' +
              '\\(Zoho did not start the job \\(HTTP \\d+, code \\d+\\): .*\\)\\. The job may have ended before ' +
              'this run; check it in Creator before you run the step again\\.$'
          )
        )
      ])
      expect(run.stdout).not.toContain('::warning::An earlier attempt')
      expect(run.outputs['job-status']).toBe(state)
    }
  )

  it('does not say an attempt was sent when the connection was never made', async () => {
    await zoho.emulator.stop()
    const run = await runAction(inputs({ retries: '1' }))
    expect(run.errors[0]).not.toContain('may have reached Zoho')
    expect(run.errors[0]).not.toContain('reading the job')
  })

  it('says the outcome is unknown when the status cannot be read', async () => {
    zoho.emulator.addToken(SAMPLE.token, ['ZohoCreator.bulk.UPDATE']) // no READ scope
    zoho.emulator.replyNext({ method: 'PATCH', fault: 'apply-then-reset' })
    const run = await runAction(inputs())

    expect(run.exitCode).toBe(1)
    expect(methods()).toEqual(['PATCH', 'PATCH', 'GET'])
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(
      /^The outcome of the start is unknown: an earlier attempt may have reached Zoho, the retry was rejected, and the job's status could not be read \(Zoho did not read the job's status \(HTTP 401, code 2945\).*\)\. Zoho's last answer: Zoho did not start the job \(HTTP 400, code 7130\)/
    )
  })

  it.each([
    [{}, 'in a state Zoho did not say'],
    [{ data: { api_status: 'ARCHIVED' } }, 'in a state this action does not know ("ARCHIVED")']
  ])('names a state it cannot read when it settles (%j)', async (status, shown) => {
    zoho.emulator.statusBody = () => ({ code: 3000, ...status })
    zoho.emulator.replyNext({ method: 'PATCH', fault: 'apply-then-reset' })
    const run = await runAction(inputs())

    expect(run.exitCode).toBe(1)
    expect(run.errors[0]).toMatch(
      new RegExp(
        `^Zoho did not start the job: the job is ${shown.replace(/[()]/g, '\\$&')}, after a retry was rejected`
      )
    )
  })

  it('says the abort was refused and the status could not be read', async () => {
    zoho.emulator.addToken(SAMPLE.token, ['ZohoCreator.bulk.UPDATE']) // no READ scope
    zoho.job.state = 'Completed'
    const run = await runAction(inputs({ action: 'abort' }))

    expect(run.exitCode).toBe(1)
    expect(methods()).toEqual(['PATCH', 'GET'])
    expect(run.errors[0]).toMatch(
      /^Zoho refused the abort, and the job's status could not be read \(Zoho did not read the job's status \(HTTP 401, code 2945\)/
    )
  })

  it.each([
    [401, { code: 2945, message: 'OAUTH_SCOPE_MISMATCH' }],
    [200, { code: 9999, message: 'Something else' }],
    [501, { code: 9999, message: 'Not implemented' }]
  ])(
    'reads no status for an abort refused for the request, not the job (HTTP %d)',
    async (status, body) => {
      zoho.job.state = 'In-progress'
      zoho.emulator.replyNext({ method: 'PATCH', status, body: JSON.stringify(body) })
      const run = await runAction(inputs({ action: 'abort' }))

      expect(run.exitCode).toBe(1)
      expect(methods()).toEqual(['PATCH'])
    }
  )

  it('needs no status read when the retry simply succeeds', async () => {
    zoho.emulator.replyNext({ method: 'PATCH', fault: 'reset' })
    const run = await runAction(inputs())
    expect(run.exitCode).toBe(0)
    expect(methods()).toEqual(['PATCH', 'PATCH'])
    expect(run.outputs['status']).toBe('Job created successfully')
  })
})
