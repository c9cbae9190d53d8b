// TLS is verified: a certificate the runner does not trust fails the step, and a corporate CA
// handed over with NODE_EXTRA_CA_CERTS (as on a self-hosted runner) is trusted.
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sampleInputs, startSampleEmulator } from './emulator/sample.ts'
import type { ZohoEmulator } from './emulator/zoho-emulator.ts'
import { runAction } from './support/run-action.ts'

const dir = mkdtempSync(join(tmpdir(), 'zoho-tls-'))
const certPath = join(dir, 'cert.pem')
let emulator: ZohoEmulator
let url: string

beforeAll(async () => {
  const keyPath = join(dir, 'key.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1'
    ],
    { stdio: 'ignore' }
  )
  ;({ emulator, url } = await startSampleEmulator({
    key: readFileSync(keyPath, 'utf8'),
    cert: readFileSync(certPath, 'utf8')
  }))
})
afterAll(async () => {
  await emulator.stop()
  rmSync(dir, { recursive: true, force: true })
})

it('refuses a server whose certificate is not trusted, and says what to do', async () => {
  const run = await runAction(sampleInputs(url))
  expect(run.exitCode).toBe(1)
  expect(emulator.requests).toHaveLength(0) // the token never left the TLS handshake
  expect(run.errors).toHaveLength(1)
  expect(run.errors[0]).toContain(`Could not reach ${url}: self-signed certificate`)
  expect(run.errors[0]).toContain('set NODE_EXTRA_CA_CERTS')
})

it('trusts a CA given with NODE_EXTRA_CA_CERTS', async () => {
  const run = await runAction(sampleInputs(url), { NODE_EXTRA_CA_CERTS: certPath })
  expect(run.errors).toEqual([])
  expect(run.exitCode).toBe(0)
  expect(run.outputs['code']).toBe('3000')
  expect(emulator.requests).toHaveLength(1)
})
