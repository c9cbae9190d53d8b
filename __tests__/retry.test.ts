import { describe, expect, it } from '@jest/globals'
import type { Clock } from '../src/clock.ts'
import {
  ActionError,
  LocalFileError,
  RetriesExhaustedError,
  TransportError
} from '../src/errors.ts'
import { backoffDelay, type RetryPolicy, retryAfterDelay, withRetries } from '../src/retry.ts'
import { parseReply, ZohoError } from '../src/zoho/reply.ts'
import { classify, mayHaveApplied } from '../src/zoho/retry-table.ts'

const POLICY: RetryPolicy = { retries: 3, baseDelayMs: 1000, maxDelayMs: 20_000, timeScale: 1 }

function zohoError(
  status: number,
  body: string,
  retryAfter?: string,
  throttled = false
): ZohoError {
  const headers = retryAfter === undefined ? {} : { 'retry-after': retryAfter }
  const reply = parseReply({ status, headers, body: Buffer.from(body) }, text => text)
  return new ZohoError(`HTTP ${status}`, reply, throttled)
}

describe('classify: the retry table', () => {
  it.each([
    [
      'a refused or reset connection, DNS failure, cut handshake or timeout',
      new TransportError('x', { retryable: true, sent: false }),
      true
    ],
    [
      'an answer cut off or too large',
      new TransportError('x', { retryable: true, sent: true }),
      true
    ],
    [
      'an untrusted certificate or a proxy refusal',
      new TransportError('x', { retryable: false, sent: false }),
      false
    ],
    ['a file that cannot be saved', new LocalFileError('ENOSPC'), false],
    ['HTTP 500 with JSON', zohoError(500, '{"code":1000}'), true],
    ['HTTP 502 from a gateway', zohoError(502, '<html>Bad gateway</html>'), true],
    ['HTTP 503', zohoError(503, ''), true],
    ['HTTP 504', zohoError(504, '<html>timeout</html>'), true],
    ['HTTP 501', zohoError(501, ''), false],
    ['HTTP 429', zohoError(429, '{"code":2955}'), true],
    ['code 2955 with HTTP 200', zohoError(200, '{"code":2955}'), true],
    [
      'the accounts server throttling with HTTP 200',
      zohoError(200, '{"error":"Access Denied"}', undefined, true),
      true
    ],
    ['code 4000 (daily limit) with HTTP 200', zohoError(200, '{"code":4000}'), false],
    ['code 4000 even with HTTP 503', zohoError(503, '{"code":4000}'), false],
    ['code 1030 (token expired)', zohoError(401, '{"code":1030}'), false],
    ['code 2945 (scope missing)', zohoError(401, '{"code":2945}'), false],
    ['HTTP 404', zohoError(404, '{"code":11330}'), false],
    ['HTTP 409', zohoError(409, '{"code":11100}'), false],
    ['another Zoho code with HTTP 200', zohoError(200, '{"code":9999}'), false],
    ['a bug', new TypeError('x'), false],
    ['any other expected failure', new ActionError('x'), false]
  ])('%s → retry: %s', (_failure, error, retry) => {
    expect(classify(error).retry).toBe(retry)
  })

  it('hands on the Retry-After of every answer it retries, 503 included', () => {
    expect(classify(zohoError(429, '{}', '7'))).toMatchObject({ retry: true, retryAfter: '7' })
    expect(classify(zohoError(503, '', '9'))).toEqual({ retry: true, retryAfter: '9' })
    expect(classify(zohoError(503, ''))).toEqual({ retry: true })
    expect(classify(zohoError(401, '{"code":1030}', '5'))).toEqual({ retry: false })
  })

  it('knows how long Zoho’s throttles last when the answer does not say', () => {
    const perMinute = { ms: 60_000, reason: "the next minute of Zoho's per-minute API limit" }
    expect(classify(zohoError(200, '{"code":2955}'))).toEqual({ retry: true, window: perMinute })
    expect(classify(zohoError(429, '{}'))).toEqual({ retry: true, window: perMinute })
    expect(classify(zohoError(200, '{"error":"Access Denied"}', undefined, true))).toEqual({
      retry: true,
      window: {
        ms: 600_000,
        reason: "the end of the accounts server's 10-minute window for token requests"
      }
    })
  })
})

describe('mayHaveApplied: the guard against acting twice', () => {
  it.each([
    [
      'a timeout once the request was on the wire',
      new TransportError('x', { retryable: true, sent: true }),
      true
    ],
    [
      'a refused connection or DNS failure',
      new TransportError('x', { retryable: true, sent: false }),
      false
    ],
    ['a proxy refusal', new TransportError('x', { retryable: false, sent: false }), false],
    ['a gateway 502', zohoError(502, '<html/>'), true],
    ['a server failure (500)', zohoError(500, '<html/>'), true],
    ['a per-minute limit (429)', zohoError(429, '{"code":2955}'), false],
    ['a refusal (409)', zohoError(409, '{"code":11100}'), false],
    ['a local file error', new LocalFileError('x'), false]
  ])('%s → %s', (_case, error, applied) => {
    expect(mayHaveApplied(error)).toBe(applied)
  })
})

describe('backoffDelay: exponential with full jitter', () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [5, 16_000],
    [6, 20_000],
    [10, 20_000]
  ])('retry %d waits below %d ms', (retry, ceiling) => {
    expect(backoffDelay(retry, POLICY, () => 0)).toBe(0)
    expect(backoffDelay(retry, POLICY, () => 0.5)).toBe(ceiling / 2)
    expect(backoffDelay(retry, POLICY, () => 0.999_999)).toBe(ceiling - 1)
  })
})

describe('retryAfterDelay', () => {
  const now = Date.parse('2026-11-28T12:00:00Z')
  it.each([
    ['5', 5000],
    [' 0 ', 0],
    ['60', 60_000],
    ['3600', 60_000],
    ['Sat, 28 Nov 2026 12:00:10 GMT', 10_000],
    ['Sat, 28 Nov 2026 11:59:00 GMT', 0],
    ['Sat, 28 Nov 2026 13:00:00 GMT', 60_000]
  ])('reads %j as %d ms (capped at 60 s)', (value, ms) => {
    expect(retryAfterDelay(value, now)).toBe(ms)
  })
  it.each([undefined, 'soon', '-1', '12abc', '2026-11-28T12:00:10Z'])('ignores %j', value => {
    expect(retryAfterDelay(value, now)).toBeUndefined()
  })
})

describe('withRetries', () => {
  function fakeClock(randoms: number[] = []): Clock & { slept: number[] } {
    const slept: number[] = []
    return {
      slept,
      now: () => Date.parse('2026-11-28T12:00:00Z'),
      sleep: ms => {
        slept.push(ms)
        return Promise.resolve()
      },
      random: () => randoms.shift() ?? 0.5
    }
  }

  function attempts(...results: (Error | string)[]): {
    run: () => Promise<string>
    count: () => number
  } {
    let n = 0
    return {
      run: () => {
        const result = results[n++]
        return result instanceof Error ? Promise.reject(result) : Promise.resolve(result ?? 'done')
      },
      count: () => n
    }
  }

  it('retries what is worth it, logging attempt, reason and wait, until it succeeds', async () => {
    const clock = fakeClock([0.25, 0.5])
    const lines: string[] = []
    const seen: ActionError[] = []
    const work = attempts(
      zohoError(503, ''),
      new TransportError('Could not reach x: reset.', { retryable: true, sent: true }),
      'ok'
    )
    const result = await withRetries(
      work.run,
      classify,
      { policy: POLICY, clock, log: line => lines.push(line) },
      error => seen.push(error)
    )
    expect(result).toBe('ok')
    expect(work.count()).toBe(3)
    expect(clock.slept).toEqual([250, 1000])
    expect(lines).toEqual([
      'Attempt 1 of 4 failed: HTTP 503 Retrying in 0.3 s.',
      'Attempt 2 of 4 failed: Could not reach x: reset. Retrying in 1.0 s.'
    ])
    expect(seen).toHaveLength(2)
  })

  it('waits what Retry-After says instead of the backoff', async () => {
    const clock = fakeClock()
    await withRetries(attempts(zohoError(429, '{"code":2955}', '2'), 'ok').run, classify, {
      policy: POLICY,
      clock,
      log: () => {}
    })
    expect(clock.slept).toEqual([2000])
  })

  it('stops at once on a failure not worth retrying', async () => {
    const clock = fakeClock()
    const work = attempts(zohoError(503, ''), zohoError(401, '{"code":1030}'), 'ok')
    await expect(
      withRetries(work.run, classify, { policy: POLICY, clock, log: () => {} })
    ).rejects.toThrow('HTTP 401')
    expect(work.count()).toBe(2)
  })

  it('gives up after 1 + retries attempts, saying how many and the last failure', async () => {
    const clock = fakeClock()
    const work = attempts(
      zohoError(502, ''),
      zohoError(503, ''),
      zohoError(504, ''),
      zohoError(500, ''),
      'ok'
    )
    const failure = withRetries(work.run, classify, { policy: POLICY, clock, log: () => {} })
    await expect(failure).rejects.toBeInstanceOf(RetriesExhaustedError)
    await expect(failure).rejects.toThrow('Gave up after 4 attempts; the last one failed: HTTP 500')
    expect(work.count()).toBe(4)
    expect(clock.slept).toHaveLength(3)
  })

  it('makes one attempt when retries is 0, and throws its failure as it is', async () => {
    const clock = fakeClock()
    const work = attempts(zohoError(503, ''), 'ok')
    await expect(
      withRetries(work.run, classify, { policy: { ...POLICY, retries: 0 }, clock, log: () => {} })
    ).rejects.toThrow(/^HTTP 503$/)
    expect(clock.slept).toEqual([])
  })

  it('lets a bug through untouched', async () => {
    const bug = new TypeError('oops')
    await expect(
      withRetries(attempts(bug).run, classify, {
        policy: POLICY,
        clock: fakeClock(),
        log: () => {}
      })
    ).rejects.toBe(bug)
  })

  it('does not wait past the deadline: it gives up with the last failure instead', async () => {
    const clock = fakeClock([0.9])
    const work = attempts(zohoError(503, ''), 'ok')
    const failure = withRetries(work.run, classify, {
      policy: POLICY,
      clock,
      log: () => {},
      deadline: clock.now() + 500
    })
    await expect(failure).rejects.toThrow('Gave up after 1 attempts; the last one failed: HTTP 503')
    expect(work.count()).toBe(1)
    expect(clock.slept).toEqual([])
  })

  it('stops before an attempt once the step is cancelled', async () => {
    const controller = new AbortController()
    controller.abort()
    const work = attempts('ok')
    await expect(
      withRetries(work.run, classify, {
        policy: POLICY,
        clock: fakeClock(),
        log: () => {},
        signal: controller.signal
      })
    ).rejects.toThrow('The step was cancelled.')
    expect(work.count()).toBe(0)
  })

  it('waits a throttle out to the end of its window, and says so', async () => {
    const clock = fakeClock()
    const lines: string[] = []
    await withRetries(attempts(zohoError(200, '{"code":2955}'), 'ok').run, classify, {
      policy: POLICY,
      clock,
      log: line => lines.push(line)
    })
    expect(clock.slept).toEqual([60_000])
    expect(lines).toEqual([
      "Attempt 1 of 4 failed: HTTP 200 Waiting 60.0 s for the next minute of Zoho's per-minute API limit."
    ])
  })

  it('gives up on a throttle whose window ends after the deadline', async () => {
    const clock = fakeClock()
    const work = attempts(zohoError(200, '{"code":2955}'), 'ok')
    await expect(
      withRetries(work.run, classify, {
        policy: POLICY,
        clock,
        log: () => {},
        deadline: clock.now() + 30_000
      })
    ).rejects.toBeInstanceOf(RetriesExhaustedError)
    expect(clock.slept).toEqual([])
  })

  it('scales the backoff and the windows by timeScale, not Retry-After', async () => {
    const clock = fakeClock([0.5])
    const policy = { ...POLICY, timeScale: 0.001 }
    await withRetries(
      attempts(zohoError(503, ''), zohoError(200, '{"code":2955}'), zohoError(429, '{}', '2'), 'ok')
        .run,
      classify,
      {
        policy,
        clock,
        log: () => {}
      }
    )
    expect(clock.slept).toEqual([0.5, 60, 2000])
  })
})
