// A certificate authority for the tests, and a server certificate it signed for Zoho's EU hosts,
// localhost and 127.0.0.1: the runner trusts the CA through NODE_EXTRA_CA_CERTS, as it would a corporate one.
// Committed, so that the tests need no openssl (made once with openssl req -x509 and x509 -req,
// EC P-256, valid 100 years; the CA's key was not kept, so nothing else can be signed with it).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export interface TestCa {
  /** The CA certificate's file, for NODE_EXTRA_CA_CERTS. */
  readonly caPath: string
  /** The server's key and certificate, PEM. */
  readonly key: string
  readonly cert: string
}

const DIR = new URL('./test-ca/', import.meta.url)
/** The names the server certificate holds. */
const NAMES = ['www.zohoapis.eu', 'accounts.zoho.eu', 'localhost', '127.0.0.1']

/** The test CA, with a server certificate for `names` (each one it holds). */
export function testCa(names: readonly string[]): TestCa {
  const missing = names.filter(name => !NAMES.includes(name))
  if (missing.length > 0)
    throw new Error(`The test certificate does not hold ${missing.join(', ')}`)
  return {
    caPath: fileURLToPath(new URL('ca.pem', DIR)),
    key: readFileSync(new URL('server.key', DIR), 'utf8'),
    cert: readFileSync(new URL('server.pem', DIR), 'utf8')
  }
}
