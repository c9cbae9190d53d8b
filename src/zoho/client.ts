// Sends one request through @actions/http-client within a deadline and hands back what came back,
// unjudged. The only module that touches the network.
import { HttpClient } from '@actions/http-client'
import packageJson from '../../package.json' with { type: 'json' }
import { TransportError, type ZohoError } from '../errors.ts'
import { type RetryContext, withRetries } from '../retry.ts'
import type { ZohoRequest } from './requests.ts'
import { parseReply, type ZohoReply } from './response.ts'

export const USER_AGENT = `zoho-creator-bulk-action/${packageJson.version}`

/** An HTTP response as received: status, the headers we act on, and the body text. */
export interface HttpReply {
  readonly status: number
  readonly location?: string
  readonly retryAfter?: string
  readonly body: string
}

// Node's codes for a certificate the runner does not trust: another attempt will not help.
const UNTRUSTED_CERTIFICATE = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID'
])

// Failures that happen before a request is on the wire: no connection, no address.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])

/** Sends a request and reads the whole response within `timeoutMs`, or throws TransportError. */
export async function send(request: ZohoRequest, timeoutMs: number): Promise<HttpReply> {
  // A redirect would carry the credentials to whatever host it names: never follow one. The
  // socket timeout is a backstop behind the deadline below, whose message names no path.
  const http = new HttpClient(USER_AGENT, [], {
    allowRedirects: false,
    socketTimeout: timeoutMs + 1000
  })
  const origin = new URL(request.url).origin
  let timer: NodeJS.Timeout | undefined
  // http-client's socketTimeout only notices silence; this bounds the whole exchange.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new TransportError(
          `Could not reach ${origin}: no complete response within ${timeoutMs / 1000} s (timeout).`,
          true,
          true
        )
      )
    }, timeoutMs)
  })
  try {
    return await Promise.race([exchange(http, request), deadline])
  } catch (error) {
    throw error instanceof TransportError ? error : transportError(origin, error)
  } finally {
    clearTimeout(timer)
    http.dispose() // also ends a request the deadline cut short
  }
}

async function exchange(http: HttpClient, request: ZohoRequest): Promise<HttpReply> {
  const response = await http.request(request.method, request.url, request.body ?? null, {
    ...request.headers
  })
  const body = await response.readBody()
  const { location, 'retry-after': retryAfter } = response.message.headers
  return {
    status: response.message.statusCode ?? 0,
    ...(location === undefined ? {} : { location }),
    ...(retryAfter === undefined ? {} : { retryAfter }),
    body
  }
}

function transportError(origin: string, error: unknown): TransportError {
  const message = error instanceof Error ? error.message : String(error)
  const code = error instanceof Error && 'code' in error ? String(error.code) : ''
  const reason = `Could not reach ${origin}: ${message}`
  if (UNTRUSTED_CERTIFICATE.has(code)) {
    return new TransportError(
      `${reason}. The server's TLS certificate is not trusted; behind a TLS-inspecting proxy, ` +
        'set NODE_EXTRA_CA_CERTS to the file of its CA certificate.',
      false,
      false
    )
  }
  return new TransportError(`${reason}.`, true, !NOT_SENT.has(code))
}

export interface CallContext extends RetryContext {
  /** The deadline of each attempt. */
  readonly timeoutMs: number
}

/** Sends `request` until `judge` finds no fault with the reply, retrying as retry.ts decides. */
export async function call(
  request: ZohoRequest,
  judge: (reply: ZohoReply) => ZohoError | undefined,
  context: CallContext
): Promise<ZohoReply> {
  return withRetries(async () => {
    const reply = parseReply(await send(request, context.timeoutMs))
    const error = judge(reply)
    if (error !== undefined) throw error
    return reply
  }, context)
}
