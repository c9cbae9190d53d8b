// A certificate authority made for one test run, and a server certificate it signed for the names
// given: the runner trusts the CA through NODE_EXTRA_CA_CERTS, as it would a corporate one.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestCa {
  /** The CA certificate's file, for NODE_EXTRA_CA_CERTS. */
  readonly caPath: string
  /** The server's key and certificate, PEM. */
  readonly key: string
  readonly cert: string
  remove(): void
}

export function makeTestCa(dnsNames: readonly string[]): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'zoho-ca-'))
  const path = (name: string) => join(dir, name)
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' })
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    path('ca.key'),
    '-out',
    path('ca.pem'),
    '-days',
    '1',
    '-subj',
    '/CN=Zoho action test CA'
  )
  openssl(
    'req',
    ...ec,
    '-keyout',
    path('server.key'),
    '-out',
    path('server.csr'),
    '-subj',
    `/CN=${dnsNames[0] ?? 'localhost'}`
  )
  writeFileSync(path('ext'), `subjectAltName=${dnsNames.map(name => `DNS:${name}`).join(',')}\n`)
  openssl(
    'x509',
    '-req',
    '-in',
    path('server.csr'),
    '-CA',
    path('ca.pem'),
    '-CAkey',
    path('ca.key'),
    '-CAcreateserial',
    '-out',
    path('server.pem'),
    '-days',
    '1',
    '-extfile',
    path('ext')
  )
  return {
    caPath: path('ca.pem'),
    key: readFileSync(path('server.key'), 'utf8'),
    cert: readFileSync(path('server.pem'), 'utf8'),
    remove: () => {
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
