// Behind a proxy, as on a self-hosted runner: the bundle reaches Zoho's real host names through a
// CONNECT proxy on loopback that tunnels them to the emulator (no DNS needed), trusting a test CA
// given in NODE_EXTRA_CA_CERTS. Bundle only: NODE_EXTRA_CA_CERTS is read when a process starts.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { SAMPLE, sampleInputs, startSampleEmulator } from '../emulator/sample.ts'
import type { EmulatedJob, ZohoEmulator } from '../emulator/zoho-emulator.ts'
import { expectMasked } from './support/assertions.ts'
import { ConnectProxy } from './support/connect-proxy.ts'
import { type ActionRun, RUNNER_GRACE_MS, runAction } from '../emulator/run-action.ts'
import { testCa } from './support/test-ca.ts'

const ca = testCa(['www.zohoapis.eu', 'accounts.zoho.eu'])
let emulator: ZohoEmulator
let job: EmulatedJob
let proxy: ConnectProxy
let proxyUrl: string

beforeEach(async () => {
  let url: string
  ;({ emulator, job, url } = await startSampleEmulator({ key: ca.key, cert: ca.cert }))
  proxy = new ConnectProxy(Number(new URL(url).port))
  proxyUrl = await proxy.start()
})
afterEach(async () => {
  await proxy.stop()
  await emulator.stop()
})

/** The sample step at Zoho's real EU host (no api-url), through the proxy. */
async function runThroughProxy(
  overrides: Record<string, string> = {},
  proxyVariable = proxyUrl
): Promise<ActionRun & { ms: number }> {
  const inputs: Record<string, string> = sampleInputs('')
  delete inputs['api-url']
  const started = Date.now()
  const run = await runAction(
    { ...inputs, ...overrides },
    { HTTPS_PROXY: proxyVariable, NODE_EXTRA_CA_CERTS: ca.caPath }
  )
  return { ...run, ms: Date.now() - started }
}

describe('through an HTTPS proxy', () => {
  it('starts the job at Zoho’s host name, tunnelled by the proxy, the certificate checked', async () => {
    const run = await runThroughProxy()
    expect(run.errors).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(proxy.connects).toEqual(['www.zohoapis.eu:443'])
    expect(emulator.requests.map(request => request.headers.host)).toEqual(['www.zohoapis.eu'])
    expect(job.state).toBe('In-progress')
    expect(run.outputs['code']).toBe('3000')
  })

  it('mints the token at the accounts host and calls the API host, both through the proxy', async () => {
    const run = await runThroughProxy({
      token: '',
      'client-id': SAMPLE.clientId,
      'client-secret': SAMPLE.clientSecret,
      'refresh-token': SAMPLE.refreshToken
    })
    expect(run.exitCode).toBe(0)
    expect(proxy.connects).toEqual(['accounts.zoho.eu:443', 'www.zohoapis.eu:443'])
    expectMasked(run, [SAMPLE.clientSecret, SAMPLE.refreshToken, ...emulator.minted])
  })

  it('ends an attempt that trickles forever at its timeout, and the process right after', async () => {
    emulator.replyNext({ fault: 'trickle' })
    const run = await runThroughProxy({ timeout: '1', retries: '0' })
    expect(run.exitCode).toBe(1)
    expect(run.errors).toEqual([
      "No complete answer from https://www.zohoapis.eu within 1 s (timeout). An attempt may have reached Zoho all the same: check the job's status before you run the step again."
    ])
    expect(run.ms).toBeLessThan(RUNNER_GRACE_MS)
  })

  it('ends an attempt whose tunnel the proxy never opens at its timeout, without claiming it was sent', async () => {
    proxy.mode = { kind: 'hang' }
    const run = await runThroughProxy({ timeout: '1', retries: '1' })
    expect(run.exitCode).toBe(1)
    expect(proxy.connects).toHaveLength(2)
    expect(emulator.requests).toEqual([])
    expect(run.errors[0]).toMatch(
      /^Gave up after 2 attempts; the last one failed: No complete answer from https:\/\/www\.zohoapis\.eu within 1 s \(timeout\)\.$/
    )
    expect(run.ms).toBeLessThan(RUNNER_GRACE_MS)
  })

  it.each([
    [407, 'it wants credentials: give them in HTTPS_PROXY as http://user:password@host:port'],
    [
      403,
      'it does not allow this host: ask its administrators to allow it, or list the host in NO_PROXY if the runner can reach it directly'
    ],
    [502, 'it could not open a connection to www.zohoapis.eu']
  ])(
    'names a proxy that refuses the tunnel (HTTP %d), and does not retry',
    async (status, hint) => {
      proxy.mode = { kind: 'refuse', status }
      const run = await runThroughProxy({ retries: '3' })
      expect(run.exitCode).toBe(1)
      expect(proxy.connects).toEqual(['www.zohoapis.eu:443'])
      expect(emulator.requests).toEqual([])
      const host = new URL(proxyUrl).host
      expect(run.errors).toEqual([
        `The proxy ${host} (HTTPS_PROXY) refused the tunnel to www.zohoapis.eu with HTTP ${status}: ${hint}.`
      ])
      expect(run.stdout).not.toContain('Attempt 1')
      expect(run.outputs).toEqual({ 'job-id': SAMPLE.jobId })
    }
  )

  it('loads a CSV through the tunnel: create, the streamed upload, start and wait', async () => {
    job.state = 'Completed' // the sample job has ended: the form is free
    const workspace = await mkdtemp(join(tmpdir(), 'zoho-workspace-'))
    try {
      await writeFile(join(workspace, 'rows.csv'), 'Email\r\nada@example.com\r\nnot-an-email\r\n')
      const inputs: Record<string, string> = sampleInputs('')
      delete inputs['api-url']
      delete inputs['job-id']
      const run = await runAction(
        { ...inputs, action: 'load', file: 'rows.csv', 'poll-interval': '0.1' },
        { HTTPS_PROXY: proxyUrl, NODE_EXTRA_CA_CERTS: ca.caPath, GITHUB_WORKSPACE: workspace }
      )
      expect(run.exitCode).toBe(1) // one row failed
      expect(run.outputs['success-records']).toBe('1')
      expect(run.outputs['failed-records']).toBe('1')
      const upload = emulator.requests.find(request => request.url.includes('/insert/'))
      expect(upload?.headers['content-length']).toMatch(/^\d+$/)
      expect(upload?.headers['transfer-encoding']).toBeUndefined()
      expect(new Set(proxy.connects)).toEqual(new Set(['www.zohoapis.eu:443']))
    } finally {
      await rm(workspace, { recursive: true, force: true })
    }
  })

  it('sends a create again when its tunnel was dropped before anything reached Zoho', async () => {
    proxy.mode = { kind: 'drop', count: 1 }
    const inputs: Record<string, string> = sampleInputs('')
    delete inputs['api-url']
    delete inputs['job-id']
    job.state = 'Completed'
    const run = await runAction(
      { ...inputs, action: 'create' },
      { HTTPS_PROXY: proxyUrl, NODE_EXTRA_CA_CERTS: ca.caPath }
    )
    expect(run.errors).toEqual([])
    expect(proxy.connects).toEqual(['www.zohoapis.eu:443', 'www.zohoapis.eu:443'])
    expect(emulator.requests.map(request => request.method)).toEqual(['POST'])
    expect(run.outputs['job-id']).toMatch(/^\d{19}$/)
  })

  it('sends the proxy its credentials and never prints them', async () => {
    proxy.mode = { kind: 'refuse', status: 407 }
    const withCredentials = proxyUrl.replace('http://', 'http://builder:pr0xy-pa55@')
    const run = await runThroughProxy({}, withCredentials)
    expect(proxy.credentials).toEqual([
      `Basic ${Buffer.from('builder:pr0xy-pa55').toString('base64')}`
    ])
    expect(run.errors[0]).toContain(`The proxy ${new URL(proxyUrl).host} (HTTPS_PROXY) refused`)
    for (const text of [run.stdout, run.stderr, run.summary])
      expect(text).not.toContain('pr0xy-pa55')
  })
})
