// One HTTP attempt within a deadline: the bottom layer, and the only one that opens a connection.
// @actions/http-client chooses the route (direct, or a tunnel through HTTPS_PROXY; never a proxy for
// loopback). The request itself is made here, so that the deadline or a cancel destroys it and its
// socket whatever the route: http-client's own request API does not hand the request back, and its
// dispose() reaches only its direct agent, not the tunnel agent a proxy uses.
import { HttpClient, getProxyUrl } from '@actions/http-client'
import http, { type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import https from 'node:https'
import type { Socket } from 'node:net'
import { TLSSocket } from 'node:tls'
import packageJson from '../../package.json' with { type: 'json' }
import { cancelReason } from '../clock.ts'
import { ActionError, LocalFileError, messageOf, TransportError } from '../errors.ts'

export const USER_AGENT = `zoho-creator-bulk-action/${packageJson.version}`

export interface HttpRequest {
  readonly method: 'GET' | 'PATCH' | 'POST'
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string | StreamedBody
}

/**
 * A body read from a file as it goes out, so that memory does not grow with it: its length known
 * beforehand (sent as Content-Length, not chunked), and opened anew for each attempt. Its pieces may
 * share two buffers: a piece is written out before the one after the next is asked for.
 */
export interface StreamedBody {
  readonly length: number
  readonly open: () => AsyncIterable<Buffer>
}

export interface AttemptLimits {
  /** The whole attempt's deadline, from connecting to the last byte read. */
  readonly timeoutMs: number
  /** Ends the attempt at once when it aborts (the step is being cancelled). */
  readonly signal?: AbortSignal | undefined
}

/** An answer as received: the status, the headers, and the body as its reader made it. */
export interface HttpAnswer<B> {
  readonly status: number
  readonly headers: IncomingHttpHeaders
  readonly body: B
}

/**
 * Reads a response's body. Its failures end the attempt: a TransportError of its own (an answer too
 * large), a LocalFileError, or the stream's error when the connection closes mid-answer.
 */
export type BodyReader<B> = (response: IncomingMessage) => Promise<B>

// Node's codes for a certificate the runner does not trust: another attempt will not help.
const UNTRUSTED_CERTIFICATE = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID'
])

// How the tunnel agent behind HTTPS_PROXY reports a CONNECT the proxy refused (with its status) or
// could not make (with the cause).
const PROXY_REFUSED = 'tunneling socket could not be established, statusCode='
const PROXY_UNREACHABLE = 'tunneling socket could not be established, cause='

/** Sends `request` and reads its answer with `read`, all within `limits.timeoutMs`. */
export async function send<B>(
  request: HttpRequest,
  limits: AttemptLimits,
  read: BodyReader<B>
): Promise<HttpAnswer<B>> {
  const url = new URL(request.url)
  // Only asked for the route: redirects are never followed here (nothing follows them).
  const route = new HttpClient(USER_AGENT)
  const progress = { sent: false, answered: false }
  const controller = new AbortController()
  const timer = setTimeout(() => {
    controller.abort(
      new TransportError(
        `No complete answer from ${url.origin} within ${limits.timeoutMs / 1000} s (timeout).`,
        { retryable: true, sent: progress.sent }
      )
    )
  }, limits.timeoutMs)
  const cancel = (): void => {
    if (limits.signal !== undefined) controller.abort(cancelReason(limits.signal))
  }
  limits.signal?.addEventListener('abort', cancel)
  if (limits.signal?.aborted === true) cancel()
  const { body } = request
  let destroy = (): void => {}
  try {
    return await new Promise<HttpAnswer<B>>((resolve, reject) => {
      // Node sends a body given whole with its Content-Length.
      const req = (url.protocol === 'https:' ? https : http).request(url, {
        method: request.method,
        headers: {
          ...request.headers,
          'User-Agent': USER_AGENT,
          // Ask for the body as it is; a gateway that compresses all the same is still read.
          'Accept-Encoding': 'identity',
          // A streamed body goes with its length, not chunked (Node counts a string body itself).
          ...(typeof body === 'object' ? { 'Content-Length': String(body.length) } : {})
        },
        agent: route.getAgent(request.url),
        signal: controller.signal
      })
      const ended = new AbortController()
      destroy = () => {
        ended.abort()
        req.destroy()
      }
      // Once the answer has come, its reader settles the attempt, so that whatever it was doing
      // (a file half written) is cleaned up before the attempt is over. Before that, a request still
      // waiting for its socket (a tunnel the proxy never opens) only learns of its end once a
      // socket comes: the attempt ends at the deadline all the same.
      const fail = (error: Error): void => {
        if (!progress.answered) reject(error)
      }
      controller.signal.addEventListener('abort', () => {
        fail(controller.signal.reason as Error)
      })
      req.on('socket', socket => {
        whenOnWire(socket, () => (progress.sent = true))
      })
      req.on('error', fail)
      req.on('response', response => {
        progress.answered = true
        read(response).then(body => {
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body })
        }, reject)
      })
      if (typeof body !== 'object') req.end(body)
      else {
        writeBody(body, req, ended.signal).catch((error: unknown) => {
          fail(
            error instanceof LocalFileError
              ? error
              : new LocalFileError(`Could not read the file to send: ${messageOf(error)}`)
          )
        })
      }
    })
  } catch (error) {
    if (controller.signal.aborted) throw controller.signal.reason as ActionError
    throw attemptFailure(error, url, progress)
  } finally {
    clearTimeout(timer)
    limits.signal?.removeEventListener('abort', cancel)
    destroy()
    route.dispose()
  }
}

/**
 * Writes a streamed body's pieces, each once the socket took the one before (a piece's buffer is
 * used again for the next), and ends the request; stops when the attempt has ended. A failure to
 * send ends the attempt through the request's own error.
 */
async function writeBody(
  body: StreamedBody,
  req: ClientRequest,
  ended: AbortSignal
): Promise<void> {
  const stopped = new Promise<false>(resolve => {
    ended.addEventListener(
      'abort',
      () => {
        resolve(false)
      },
      { once: true }
    )
  })
  const pieces = body.open()[Symbol.asyncIterator]()
  let next = pieces.next()
  for (let piece = await next; piece.done !== true; piece = await next) {
    const written = new Promise<boolean>(resolve =>
      req.write(piece.value, error => {
        resolve(!error)
      })
    )
    // The next piece is read while this one is written (the body's pieces use two buffers). Its
    // failure is handled where it is awaited: it must not count as unhandled meanwhile, which
    // would end the process.
    next = pieces.next()
    next.catch(() => undefined)
    if (!(await Promise.race([written, stopped]))) {
      await next.catch(() => undefined)
      await pieces.return?.(undefined)
      return
    }
  }
  req.end()
}

/** Calls `mark` once the request can reach the server: connected, and for TLS, past the handshake. */
export function whenOnWire(socket: Socket, mark: () => void): void {
  if (socket instanceof TLSSocket) socket.once('secureConnect', mark)
  else if (socket.connecting) socket.once('connect', mark)
  else mark()
}

/** What a failed attempt means for the person reading the log, and for the retry loop. */
export function attemptFailure(
  error: unknown,
  url: URL,
  progress: { readonly sent: boolean; readonly answered: boolean }
): ActionError {
  if (error instanceof ActionError) return error
  // Read by shape, not instanceof: Node's network errors may come from another realm.
  const { code } = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown }
  const text = messageOf(error)
  if (text.startsWith(PROXY_REFUSED)) {
    const status = Number(text.slice(PROXY_REFUSED.length))
    return proxyRefused(proxyOf(url), url.host, status)
  }
  if (text.startsWith(PROXY_UNREACHABLE)) {
    return new TransportError(
      `Could not reach the proxy ${proxyOf(url)} (HTTPS_PROXY): ${text.slice(PROXY_UNREACHABLE.length)}.`,
      { retryable: true, sent: false }
    )
  }
  if (code === 'ERR_INVALID_CHAR' || code === 'ERR_INVALID_HTTP_TOKEN') {
    return new TransportError(`The request to ${url.origin} could not be built: ${text}.`, {
      retryable: false,
      sent: false
    })
  }
  if (typeof code === 'string' && UNTRUSTED_CERTIFICATE.has(code)) {
    return new TransportError(
      `Could not reach ${url.origin}: ${text}. The server's TLS certificate is not trusted; behind ` +
        'a TLS-inspecting proxy, set NODE_EXTRA_CA_CERTS to the file of its CA certificate.',
      { retryable: false, sent: false }
    )
  }
  if (progress.answered) {
    return new TransportError(
      `The connection to ${url.origin} closed before the whole answer arrived (${text}).`,
      { retryable: true, sent: true }
    )
  }
  return new TransportError(`Could not reach ${url.origin}: ${text}.`, {
    retryable: true,
    sent: progress.sent
  })
}

/** The proxy's host and port (never its credentials), for a failure only a proxy route has. */
function proxyOf(url: URL): string {
  return new URL(getProxyUrl(url.href)).host
}

const PROXY_HINTS: Readonly<Record<number, string>> = {
  407: 'it wants credentials: give them in HTTPS_PROXY as http://user:password@host:port',
  403: 'it does not allow this host: ask its administrators to allow it, or list the host in NO_PROXY if the runner can reach it directly'
}

/** The proxy answered the CONNECT with something other than 200: nothing reached the server. */
function proxyRefused(proxy: string, target: string, status: number): TransportError {
  const hint = PROXY_HINTS[status] ?? `it could not open a connection to ${target}`
  return new TransportError(
    `The proxy ${proxy} (HTTPS_PROXY) refused the tunnel to ${target} with HTTP ${status}: ${hint}.`,
    { retryable: false, sent: false }
  )
}
