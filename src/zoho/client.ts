// Sends one request through @actions/http-client within a deadline and hands back what came back,
// unjudged. The only module that touches the network.
import { HttpClient, type HttpClientResponse } from '@actions/http-client'
import { createWriteStream } from 'node:fs'
import { open, rename, rm } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
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
async function send(request: ZohoRequest, timeoutMs: number): Promise<HttpReply> {
  return exchange(request, timeoutMs, async response => ({
    ...replyHeaders(response),
    body: await response.readBody()
  }))
}

/** A download's reply: the body is empty when a ZIP was saved, and holds what came instead when not. */
interface DownloadReply extends HttpReply {
  readonly saved: boolean
}

const ZIP_SIGNATURE = Buffer.from('PK\x03\x04', 'latin1')
// Enough of a body that is not a ZIP to read Zoho's JSON error, or the start of a gateway's page.
const MAX_NON_ZIP_BYTES = 64 * 1024

/**
 * Streams a response to `path` within `timeoutMs` and keeps it only if it is a ZIP (by its magic
 * bytes); anything else is handed back as text, so that no error body poses as a result file.
 */
async function download(
  request: ZohoRequest,
  path: string,
  timeoutMs: number
): Promise<DownloadReply> {
  const partial = `${path}.part`
  try {
    return await exchange(request, timeoutMs, async response => {
      await pipeline(response.message, createWriteStream(partial))
      const head = await readHead(partial, MAX_NON_ZIP_BYTES)
      const headers = replyHeaders(response)
      if (headers.status < 300 && head.subarray(0, 4).equals(ZIP_SIGNATURE)) {
        await rename(partial, path)
        return { ...headers, body: '', saved: true }
      }
      return { ...headers, body: head.toString('utf8'), saved: false }
    })
  } finally {
    await rm(partial, { force: true })
  }
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const file = await open(path)
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(bytes), 0, bytes, 0)
    return buffer.subarray(0, bytesRead)
  } finally {
    await file.close()
  }
}

/** One attempt: the request and whatever `handle` does with the response, within the deadline. */
async function exchange<T>(
  request: ZohoRequest,
  timeoutMs: number,
  handle: (response: HttpClientResponse) => Promise<T>
): Promise<T> {
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
    const response = http
      .request(request.method, request.url, request.body ?? null, { ...request.headers })
      .then(handle)
    return await Promise.race([response, deadline])
  } catch (error) {
    throw error instanceof TransportError ? error : transportError(origin, error)
  } finally {
    clearTimeout(timer)
    http.dispose() // also ends a request the deadline cut short
  }
}

function replyHeaders(response: HttpClientResponse): Omit<HttpReply, 'body'> {
  const { location, 'retry-after': retryAfter } = response.message.headers
  return {
    status: response.message.statusCode ?? 0,
    ...(location === undefined ? {} : { location }),
    ...(retryAfter === undefined ? {} : { retryAfter })
  }
}

function transportError(origin: string, error: unknown): TransportError {
  // Read by shape, not instanceof: Node's network errors may come from another realm.
  const { message, code } = (typeof error === 'object' && error !== null ? error : {}) as {
    message?: unknown
    code?: unknown
  }
  const reason = `Could not reach ${origin}: ${typeof message === 'string' ? message : String(error)}`
  if (typeof code === 'string' && UNTRUSTED_CERTIFICATE.has(code)) {
    return new TransportError(
      `${reason}. The server's TLS certificate is not trusted; behind a TLS-inspecting proxy, ` +
        'set NODE_EXTRA_CA_CERTS to the file of its CA certificate.',
      false,
      false
    )
  }
  return new TransportError(`${reason}.`, true, !(typeof code === 'string' && NOT_SENT.has(code)))
}

export interface CallContext extends RetryContext {
  /** The deadline of each attempt. */
  readonly timeoutMs: number
  /** Counts every request sent (Zoho's daily API limit counts them too). */
  readonly calls: { made: number }
}

/** Sends `request` until `judge` finds no fault with the reply, retrying as retry.ts decides. */
export async function call(
  request: ZohoRequest,
  judge: (reply: ZohoReply) => ZohoError | undefined,
  context: CallContext
): Promise<ZohoReply> {
  return retried(() => send(request, context.timeoutMs), judge, context)
}

/**
 * Downloads `request` to `path` as call() sends it; `judge` says why, when what came back is not a
 * ZIP. Resolves once the file is saved.
 */
export async function fetchFile(
  request: ZohoRequest,
  path: string,
  judge: (reply: ZohoReply) => ZohoError,
  context: CallContext
): Promise<void> {
  await retried(
    () => download(request, path, context.timeoutMs),
    (reply, received) => (received.saved ? undefined : judge(reply)),
    context
  )
}

/** Attempts `transfer`, counting each, until `judge` accepts the reply or retry.ts gives up. */
async function retried<R extends HttpReply>(
  transfer: () => Promise<R>,
  judge: (reply: ZohoReply, received: R) => ZohoError | undefined,
  context: CallContext
): Promise<ZohoReply> {
  return withRetries(async () => {
    context.calls.made++
    const received = await transfer()
    const reply = parseReply(received)
    const error = judge(reply, received)
    if (error !== undefined) throw error
    return reply
  }, context)
}
