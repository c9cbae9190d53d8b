// Sends one request through @actions/http-client and hands back what came back, unjudged.
// The only module that touches the network.
import { HttpClient } from '@actions/http-client'
import packageJson from '../../package.json' with { type: 'json' }
import { TransportError } from '../errors.ts'
import type { ZohoRequest } from './requests.ts'

export const USER_AGENT = `zoho-creator-bulk-action/${packageJson.version}`

// http-client's timeout is for socket inactivity; three minutes of silence is too long to wait.
const SOCKET_TIMEOUT_MS = 60_000

/** An HTTP response as received: status, the headers we act on, and the body text. */
export interface HttpReply {
  readonly status: number
  readonly location?: string
  readonly body: string
}

// Node's codes for a certificate the runner does not trust.
const UNTRUSTED_CERTIFICATE = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID'
])

export async function send(request: ZohoRequest): Promise<HttpReply> {
  // A redirect would carry the bearer token to whatever host it names: never follow one.
  const http = new HttpClient(USER_AGENT, [], {
    allowRedirects: false,
    socketTimeout: SOCKET_TIMEOUT_MS
  })
  try {
    const response = await http.request(request.method, request.url, request.body ?? null, {
      ...request.headers
    })
    const body = await response.readBody()
    const location = response.message.headers.location
    return {
      status: response.message.statusCode ?? 0,
      ...(location === undefined ? {} : { location }),
      body
    }
  } catch (error) {
    throw new TransportError(describeNetworkError(new URL(request.url).origin, error))
  } finally {
    http.dispose()
  }
}

function describeNetworkError(origin: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const code = error instanceof Error && 'code' in error ? error.code : undefined
  const reason = `Could not reach ${origin}: ${message}`
  if (typeof code === 'string' && UNTRUSTED_CERTIFICATE.has(code)) {
    return (
      `${reason}. The server's TLS certificate is not trusted; behind a TLS-inspecting proxy, ` +
      'set NODE_EXTRA_CA_CERTS to the file of its CA certificate.'
    )
  }
  return `${reason}.`
}
