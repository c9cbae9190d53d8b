// TLS is verified: a certificate the runner does not trust fails the step, and a corporate CA
// handed over with NODE_EXTRA_CA_CERTS (as on a self-hosted runner) is trusted.
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { sampleInputs, startSampleEmulator } from '../emulator/sample.ts'
import type { ZohoEmulator } from '../emulator/zoho-emulator.ts'
import { runAction } from '../emulator/run-action.ts'
import { testCa } from './support/test-ca.ts'

// A certificate from a CA the runner does not know, as a corporate proxy's would be.
const ca = testCa(['127.0.0.1'])
let emulator: ZohoEmulator
let url: string

beforeAll(async () => {
  ;({ emulator, url } = await startSampleEmulator({ key: ca.key, cert: ca.cert }))
})
afterAll(async () => {
  await emulator.stop()
})

it('refuses a server whose certificate is not trusted, and says what to do', async () => {
  const run = await runAction(sampleInputs(url))
  expect(run.exitCode).toBe(1)
  expect(emulator.requests).toHaveLength(0) // the token never left the TLS handshake
  expect(run.errors).toHaveLength(1)
  expect(run.errors[0]).toContain(`Could not reach ${url}: unable to verify the first certificate`)
  expect(run.errors[0]).toContain('set NODE_EXTRA_CA_CERTS')
})

it('trusts a CA given with NODE_EXTRA_CA_CERTS', async () => {
  const run = await runAction(sampleInputs(url), { NODE_EXTRA_CA_CERTS: ca.caPath })
  expect(run.errors).toEqual([])
  expect(run.exitCode).toBe(0)
  expect(run.outputs['code']).toBe('3000')
  expect(emulator.requests).toHaveLength(1)
})
