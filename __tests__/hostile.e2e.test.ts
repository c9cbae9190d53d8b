// A misbehaving Zoho or gateway, end to end: answers cut off, too large, compressed or with a
// byte-order mark, Retry-After on a 503, and text from Zoho that carries workflow commands, blank
// lines, HTML or a secret across the point where a message is cut.
import { describe, expect, it } from '@jest/globals'
import { deflateSync, gzipSync, brotliCompressSync } from 'node:zlib'
import { SAMPLE, sampleInputs } from '../emulator/sample.ts'
import { expectMasked } from './support/assertions.ts'
import { RUNNER_GRACE_MS, runAction, timedRun } from '../emulator/run-action.ts'
import { useSampleZoho } from './support/sample-zoho.ts'

const zoho = useSampleZoho()

const inputs = (overrides: Record<string, string> = {}) => ({
  ...sampleInputs(zoho.url),
  timeout: '10',
  ...overrides
})
const methods = () => zoho.emulator.requests.map(request => request.method)
const STARTED = JSON.stringify({ code: 3000, status: 'Job created successfully' })

/** The next start takes effect, and Zoho answers it with code 3000 and this status text. */
function startAnsweredWith(status: string): void {
  zoho.emulator.replyNext({
    method: 'PATCH',
    status: 200,
    body: JSON.stringify({ code: 3000, status }),
    apply: true
  })
}

describe('answers that are cut, large, compressed or marked', () => {
  it('retries an answer cut off mid-body after the backoff, not after the timeout', async () => {
    zoho.emulator.replyNext({ method: 'PATCH', fault: 'cut' })
    const run = await timedRun(inputs())
    expect(run.errors).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(methods()).toEqual(['PATCH', 'PATCH'])
    expect(run.stdout).toMatch(
      /Attempt 1 of 4 failed: The connection to http:\/\/127\.0\.0\.1:\d+ closed before the whole answer arrived \(aborted\)\. Retrying in/
    )
    expect(run.ms).toBeLessThan(RUNNER_GRACE_MS)
  })

  it('settles a start whose answer was cut after it took effect by the job’s status', async () => {
    zoho.emulator.replyNext({ method: 'PATCH', fault: 'apply-then-cut' })
    const run = await runAction(inputs())
    expect(run.exitCode).toBe(0)
    expect(methods()).toEqual(['PATCH', 'PATCH', 'GET'])
    expect(run.outputs['job-status']).toBe('In-progress')
  })

  it('reads a large answer only up to its cap, in linear time, and treats it as lost', async () => {
    const huge = JSON.stringify({ code: 3000, status: 'x'.repeat(20 * 1024 * 1024) })
    zoho.emulator.replyNext({ method: 'PATCH', status: 200, body: huge, apply: true })
    const run = await timedRun(inputs())
    expect(run.errors).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain(
      'Attempt 1 of 4 failed: The answer is larger than 1024 KiB, more than any answer this action expects; it was not read.'
    )
    expect(methods()).toEqual(['PATCH', 'PATCH', 'GET'])
    expect(run.stdout).toContain(
      '::warning::An earlier attempt to start the job took effect: the job is In-progress.'
    )
    expect(run.ms).toBeLessThan(10_000)
  })

  it('reads JSON that starts with a UTF-8 byte-order mark', async () => {
    zoho.emulator.replyNext({ method: 'PATCH', status: 200, body: `\uFEFF${STARTED}`, apply: true })
    const run = await runAction(inputs({ retries: '0' }))
    expect(run.errors).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(run.outputs['code']).toBe('3000')
    expect(run.outputs['status']).toBe('Job created successfully')
  })

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync]
  ] as const)(
    'asks for the answer as it is, and still reads one a gateway sent %s',
    async (encoding, compress) => {
      zoho.emulator.replyNext({
        method: 'PATCH',
        status: 200,
        headers: { 'Content-Encoding': encoding, 'Content-Type': 'application/json' },
        body: compress(Buffer.from(STARTED)),
        apply: true
      })
      const run = await runAction(inputs({ retries: '0' }))
      expect(zoho.emulator.requests[0]?.headers['accept-encoding']).toBe('identity')
      expect(run.errors).toEqual([])
      expect(run.outputs['status']).toBe('Job created successfully')
    }
  )

  it('waits what Retry-After says on a 503 too', async () => {
    zoho.emulator.replyNext({
      method: 'PATCH',
      status: 503,
      headers: { 'Retry-After': '1' },
      body: '<html>Service Unavailable</html>'
    })
    const run = await timedRun(inputs())
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('Retrying in 1.0 s.')
    expect(run.ms).toBeGreaterThanOrEqual(1000)
  })
})

describe('text from Zoho', () => {
  it('redacts a secret in a body before cutting the body short for a message', async () => {
    // The token straddles the 160th character, where the quoted body is cut.
    const body = `<html>${'x'.repeat(140)} ${SAMPLE.token} ${SAMPLE.jobId} </html>`
    zoho.emulator.replyNext({ method: 'PATCH', status: 502, body })
    const run = await runAction(inputs({ retries: '0' }))
    expect(run.exitCode).toBe(1)
    expect(run.errors[0]).toContain(`${'x'.repeat(140)} *** ***`)
    for (const part of [SAMPLE.token.slice(0, 8), SAMPLE.jobId.slice(0, 8)]) {
      expect(run.stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain(part)
      expect(run.summary).not.toContain(part)
    }
  })

  it('never lets Zoho’s text start a workflow command', async () => {
    const status = 'ok\n::error::injected\r\n::add-mask::x\n##[error]legacy'
    startAnsweredWith(status)
    const run = await runAction(inputs({ retries: '0' }))
    expect(run.exitCode).toBe(0)
    const lines = run.stdout.split('\n')
    expect(
      lines.filter(
        line =>
          /^(::|##\[)/.test(line) &&
          ![SAMPLE.token, SAMPLE.jobId].some(secret => line === `::add-mask::${secret}`)
      )
    ).toEqual([])
    expect(run.stdout).toContain('Zoho answered code 3000: ok\\n::error::injected\\r\\n')
    expect(run.outputs['status']).toBe(status)
  })

  it('keeps the job summary one HTML block: line breaks become <br>, and no blank line', async () => {
    const status = 'line one\n\n# Heading\n\n[a link](https://example.com) <b>bold</b>'
    startAnsweredWith(status)
    const run = await runAction(inputs({ retries: '0' }))
    expect(run.summary).toContain(
      '<td>line one<br><br># Heading<br><br>[a link](https://example.com) &lt;b&gt;bold&lt;/b&gt;</td>'
    )
    expect(run.summary).not.toMatch(/\n\s*\n/)
  })

  it('caps the summary, the status and the response outputs, whatever Zoho sends', async () => {
    const status = `${SAMPLE.jobId} ${'word '.repeat(100_000)}`
    startAnsweredWith(status)
    const run = await runAction(inputs({ retries: '0' }))
    expect(run.exitCode).toBe(0)
    expect(run.summary.length).toBeLessThan(64 * 1024)
    expect(run.summary).toMatch(/<td>\*\*\* (word ){30,}[^<]*… \(cut\)<\/td>/)
    expect(run.outputs['status']?.length).toBeLessThanOrEqual(1000 + '… (cut)'.length)
    expect(run.outputs['status']).toMatch(/^\*\*\* word /)
    expect(run.outputs['response']).toBeUndefined()
    expect(run.stdout).toMatch(
      /::warning::Zoho's response is \d+ characters long, more than the response output takes \(65536\); the output is left empty\./
    )
    expectMasked(run, [SAMPLE.token, SAMPLE.jobId])
  })
})

describe('an answer without a message', () => {
  it('is logged as it is, with nothing made up', async () => {
    zoho.emulator.replyNext({ method: 'PATCH', status: 200, body: '{"code":3000}', apply: true })
    const run = await runAction(inputs({ retries: '0' }))
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/^Zoho answered code 3000: $/m)
    expect(run.outputs['status']).toBeUndefined()
  })
})

describe('the response output', () => {
  it.each([
    [65_536, true],
    [65_537, false]
  ])('takes an answer of %d characters: %s', async (length, taken) => {
    const body = JSON.stringify({ code: 3000, status: '' })
    startAnsweredWith('x'.repeat(length - body.length))
    const run = await runAction(inputs({ retries: '0' }))
    expect(run.exitCode).toBe(0)
    expect(run.outputs['response']?.length).toBe(taken ? length : undefined)
    expect(run.stdout.includes("::warning::Zoho's response is")).toBe(!taken)
  })
})

describe('inputs', () => {
  it('names every bad input in one run, one error each, and sends nothing', async () => {
    const run = await runAction(inputs({ dc: 'uk', form: 'a b', 'job-id': '0', wait: 'yes' }))
    expect(run.exitCode).toBe(1)
    expect(zoho.emulator.requests).toEqual([])
    expect(run.errors).toEqual([
      expect.stringMatching(/^Input "dc" must be a Zoho data centre/),
      expect.stringMatching(/^Input "form" must be a link name/),
      'Input "job-id" must be the bulk job ID: 10 to 30 decimal digits, such as 3888833000000114027; got "0".',
      expect.stringMatching(/^Input "wait" must be true or false; got "yes"/)
    ])
    // An invalid job ID is not masked: "0" would hide every zero of the log.
    expect(run.stdout).not.toContain('::add-mask::0')
  })

  it('warns of wait inputs given without wait', async () => {
    const run = await runAction(
      inputs({ 'download-results': 'success', 'fail-on-failed-records': 'false' })
    )
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain(
      '::warning::Inputs "download-results", "fail-on-failed-records" take effect only with "wait: true"; without it they have no effect.'
    )
  })
})
