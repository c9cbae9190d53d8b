// The bottom layer on its own, against a scripted node:http server on loopback: one attempt within
// its deadline, what a failure means, bounded and decoded bodies, and ZIPs saved or refused.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { getEventListeners, once } from 'node:events'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import net, { type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TLSSocket } from 'node:tls'
import { gzipSync } from 'node:zlib'
import {
  ActionError,
  CancelledError,
  InputError,
  LocalFileError,
  TransportError
} from '../src/errors.ts'
import { readBody } from '../src/http/body.ts'
import { saveZip } from '../src/http/download.ts'
import {
  attemptFailure,
  type HttpRequest,
  send,
  type StreamedBody,
  whenOnWire
} from '../src/http/send.ts'
import { systemClock } from '../src/clock.ts'
import { download } from '../src/zoho/call.ts'
import { ZohoError } from '../src/zoho/reply.ts'
import { ConnectProxy } from './support/connect-proxy.ts'
import { reply } from './support/replies.ts'
import { testCa } from './support/test-ca.ts'

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void
let handler: Handler = (_req, res) => res.end('{}')
const server = http.createServer((req, res) => {
  handler(req, res)
})
let base = ''
const dir = mkdtempSync(join(tmpdir(), 'zoho-http-'))

beforeAll(async () => {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterEach(() => {
  server.closeAllConnections()
})
afterAll(async () => {
  server.close()
  await once(server, 'close')
  rmSync(dir, { recursive: true, force: true })
})

const get = (path = '/'): HttpRequest => ({ method: 'GET', url: `${base}${path}`, headers: {} })
const failure = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('resolved')
    },
    (error: unknown) => error
  )

describe('send', () => {
  it('sends the body with its length, asks for identity encoding, and hands back the answer', async () => {
    let seen: http.IncomingHttpHeaders = {}
    handler = (req, res) => {
      seen = req.headers
      res.writeHead(201, { 'Retry-After': '3' }).end('ok')
    }
    const answer = await send(
      { method: 'PATCH', url: `${base}/x?y=1`, headers: { A: 'b' }, body: 'héllo' },
      { timeoutMs: 1000 },
      readBody(100)
    )
    expect(answer.status).toBe(201)
    expect(answer.headers['retry-after']).toBe('3')
    expect(answer.body.toString()).toBe('ok')
    expect(seen['content-length']).toBe('6')
    expect(seen['accept-encoding']).toBe('identity')
    expect(seen['a']).toBe('b')
    expect(seen['user-agent']).toMatch(/^zoho-creator-bulk-action\//)
  })

  it('ends an attempt at its deadline, saying it was sent once the server had it', async () => {
    handler = () => {}
    const error = await failure(send(get(), { timeoutMs: 100 }, readBody(100)))
    expect(error).toBeInstanceOf(TransportError)
    expect(error).toMatchObject({
      message: `No complete answer from ${base} within 0.1 s (timeout).`,
      retryable: true,
      sent: true
    })
  })

  it('ends an attempt at once on a cancel, already given or coming later', async () => {
    handler = () => {}
    const given = new AbortController()
    given.abort(new CancelledError('The step was cancelled (SIGINT).'))
    expect(
      await failure(send(get(), { timeoutMs: 5000, signal: given.signal }, readBody(9)))
    ).toEqual(new CancelledError('The step was cancelled (SIGINT).'))
    const later = new AbortController()
    setTimeout(() => {
      later.abort(new CancelledError('The step was cancelled (SIGTERM).'))
    }, 50)
    const started = Date.now()
    const error = await failure(send(get(), { timeoutMs: 5000, signal: later.signal }, readBody(9)))
    expect(error).toBeInstanceOf(CancelledError)
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('calls a refused connection not sent, and a connection cut mid-answer a lost answer', async () => {
    const refused = await failure(
      send({ ...get(), url: 'http://127.0.0.1:1/' }, { timeoutMs: 1000 }, readBody(9))
    )
    expect(refused).toMatchObject({ retryable: true, sent: false })
    expect((refused as Error).message).toMatch(
      /^Could not reach http:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/
    )
    handler = (req, res) => {
      res.writeHead(200, { 'Content-Length': '100' })
      res.write('half', () => req.socket.destroy())
    }
    expect(await failure(send(get(), { timeoutMs: 1000 }, readBody(1000)))).toMatchObject({
      message: `The connection to ${base} closed before the whole answer arrived (aborted).`,
      retryable: true,
      sent: true
    })
  })

  it('refuses to build a request whose header cannot be sent, and sends nothing', async () => {
    let requests = 0
    handler = (_req, res) => {
      requests++
      res.end()
    }
    const error = await failure(
      send(
        { ...get(), headers: { Authorization: 'Zoho-oauthtoken a\r\nX: y' } },
        { timeoutMs: 1000 },
        readBody(9)
      )
    )
    expect(error).toMatchObject({ retryable: false, sent: false })
    expect((error as Error).message).toMatch(
      /^The request to http:\/\/127\.0\.0\.1:\d+ could not be built: /
    )
    expect(requests).toBe(0)
  })
})

describe('send with a streamed body', () => {
  const post = (body: StreamedBody): HttpRequest => ({ ...get('/up'), method: 'POST', body })

  it('says a file it could not read as a local failure, not a network one', async () => {
    handler = req => {
      req.resume() // reads and never answers: the body's failure ends the attempt
    }
    const error = await failure(
      send(
        post({
          length: 10,
          open: async function* () {
            yield Buffer.from('12345')
            await Promise.resolve()
            throw new Error('EIO: i/o error, read')
          }
        }),
        { timeoutMs: 5000 },
        readBody(9)
      )
    )
    expect(error).toBeInstanceOf(LocalFileError)
    expect((error as Error).message).toBe('Could not read the file to send: EIO: i/o error, read')
  })

  it('stops reading the file once the attempt has ended, the server taking none of it', async () => {
    handler = () => {} // never reads: the socket fills, and the write waits
    const seen = { read: 0, closed: false }
    const piece = Buffer.alloc(1024 * 1024)
    const body = {
      length: 1024 * piece.length,
      open: () => ({
        [Symbol.asyncIterator]: () => ({
          next: () => Promise.resolve({ done: seen.read++ >= 1024, value: piece }),
          return: () => {
            seen.closed = true
            return Promise.resolve({ done: true as const, value: undefined })
          }
        })
      })
    }
    const error = await failure(send(post(body), { timeoutMs: 300 }, readBody(9)))
    expect(error).toMatchObject({ retryable: true })
    for (let waited = 0; !seen.closed && waited < 2000; waited += 20)
      await new Promise(resolve => setTimeout(resolve, 20))
    expect(seen.closed).toBe(true)
    expect(seen.read).toBeLessThan(200)
  })
})

describe('readBody', () => {
  it('stops reading past its cap', async () => {
    handler = (_req, res) => res.end('x'.repeat(2048))
    expect(await failure(send(get(), { timeoutMs: 1000 }, readBody(1024)))).toMatchObject({
      message:
        'The answer is larger than 1 KiB, more than any answer this action expects; it was not read.',
      retryable: true,
      sent: true
    })
  })

  it('decodes gzip, and caps what it inflates, not what came over the wire', async () => {
    handler = (_req, res) =>
      res.writeHead(200, { 'Content-Encoding': ' GZIP ' }).end(gzipSync('a'.repeat(5000)))
    expect((await send(get(), { timeoutMs: 1000 }, readBody(5000))).body.toString()).toBe(
      'a'.repeat(5000)
    )
    expect(await failure(send(get(), { timeoutMs: 1000 }, readBody(4999)))).toBeInstanceOf(
      TransportError
    )
  })

  it('calls an encoding it cannot decode a lost answer', async () => {
    handler = (_req, res) => res.writeHead(200, { 'Content-Encoding': 'zstd' }).end('x')
    expect(await failure(send(get(), { timeoutMs: 1000 }, readBody(100)))).toMatchObject({
      message: 'The answer came encoded as "zstd", which this action cannot decode.',
      retryable: true,
      sent: true
    })
  })

  it('reads an empty or identity-encoded body as it is', async () => {
    handler = (_req, res) => res.writeHead(204, { 'Content-Encoding': 'identity' }).end()
    expect((await send(get(), { timeoutMs: 1000 }, readBody(10))).body).toEqual(Buffer.alloc(0))
  })
})

describe('saveZip', () => {
  const ZIP = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(5000, 7)])

  it('saves a 2xx ZIP, sent in small pieces, through a .part file it renames', async () => {
    handler = (_req, res) => {
      res.write(ZIP.subarray(0, 2))
      setTimeout(() => res.end(ZIP.subarray(2)), 20)
    }
    const path = join(dir, 'ok.zip')
    const answer = await send(get(), { timeoutMs: 1000 }, saveZip(path, 100))
    expect(answer.body).toEqual({ saved: true })
    expect(readFileSync(path)).toEqual(ZIP)
    expect(readdirSync(dir)).toEqual(['ok.zip'])
  })

  it.each([
    [
      'a 2xx answer that is not a ZIP',
      200,
      Buffer.from('{"code":3000,"message":"x"}'.padEnd(500, ' '))
    ],
    ['a ZIP with an error status', 500, ZIP],
    ['an empty answer', 200, Buffer.alloc(0)],
    ['an answer shorter than a ZIP signature', 200, Buffer.from('PK')]
  ])('keeps no file for %s, and hands back its start', async (_case, status, body) => {
    handler = (_req, res) => res.writeHead(status).end(body)
    const path = join(dir, 'not.zip')
    const answer = await send(get(), { timeoutMs: 1000 }, saveZip(path, 100))
    expect(answer.body).toEqual({ saved: false, head: body.subarray(0, 100) })
    expect(existsSync(path)).toBe(false)
    expect(existsSync(`${path}.part`)).toBe(false)
  })

  it('reports a file it cannot write as a local error with its path, not a network one', async () => {
    handler = (_req, res) => res.end(ZIP)
    const path = join(dir, 'no-such-folder', 'failure.zip')
    const error = await failure(send(get(), { timeoutMs: 1000 }, saveZip(path, 100)))
    expect(error).toBeInstanceOf(LocalFileError)
    expect((error as Error).message).toMatch(/^Could not save .*failure\.zip: ENOENT/)
  })

  it('removes the .part file when the connection is cut mid-file', async () => {
    handler = (req, res) => {
      res.writeHead(200, { 'Content-Length': String(ZIP.length) })
      res.write(ZIP.subarray(0, 100), () => req.socket.destroy())
    }
    const path = join(dir, 'cut.zip')
    expect(await failure(send(get(), { timeoutMs: 1000 }, saveZip(path, 100)))).toMatchObject({
      retryable: true,
      sent: true
    })
    expect(existsSync(path)).toBe(false)
    expect(existsSync(`${path}.part`)).toBe(false)
  })

  it('has removed the .part file by the time a deadline ends the attempt', async () => {
    handler = (_req, res) => {
      res.writeHead(200)
      res.write(ZIP.subarray(0, 100)) // and nothing more
    }
    const path = join(dir, 'late.zip')
    expect(await failure(send(get(), { timeoutMs: 200 }, saveZip(path, 100)))).toMatchObject({
      message: expect.stringMatching(/within 0\.2 s \(timeout\)/)
    })
    expect(existsSync(`${path}.part`)).toBe(false)
  })
})

describe('send through a tunnel (HTTP_PROXY, to a host that is not loopback)', () => {
  const saved = process.env['HTTP_PROXY']
  afterEach(() => {
    if (saved === undefined) delete process.env['HTTP_PROXY']
    else process.env['HTTP_PROXY'] = saved
  })

  it('closes the tunnelled connection as soon as its reader gives up', async () => {
    const closed: number[] = []
    handler = (req, res) => {
      req.socket.once('close', () => closed.push(Date.now()))
      res.writeHead(200)
      res.write('x'.repeat(100)) // more than the reader takes; the rest never comes
    }
    const proxy = new ConnectProxy((server.address() as AddressInfo).port)
    process.env['HTTP_PROXY'] = await proxy.start()
    try {
      const error = await failure(
        send(
          { method: 'GET', url: 'http://www.zohoapis.eu/x', headers: {} },
          { timeoutMs: 5000 },
          readBody(10)
        )
      )
      const failedAt = Date.now()
      expect(error).toMatchObject({ retryable: true, sent: true })
      expect(proxy.connects).toEqual(['www.zohoapis.eu:80'])
      for (let waited = 0; closed.length === 0 && waited < 1000; waited += 20)
        await new Promise(resolve => setTimeout(resolve, 20))
      expect((closed[0] ?? Infinity) - failedAt).toBeLessThan(1000)
    } finally {
      await proxy.stop()
    }
  })
})

describe('send through HTTPS_PROXY', () => {
  const saved = process.env['HTTPS_PROXY']
  afterEach(() => {
    if (saved === undefined) delete process.env['HTTPS_PROXY']
    else process.env['HTTPS_PROXY'] = saved
  })
  const zoho: HttpRequest = { method: 'GET', url: 'https://www.zohoapis.eu/x', headers: {} }

  it('names a proxy it cannot reach, and calls the request not sent', async () => {
    process.env['HTTPS_PROXY'] = 'http://user:secret@127.0.0.1:1'
    const error = await failure(send(zoho, { timeoutMs: 1000 }, readBody(9)))
    expect(error).toMatchObject({ retryable: true, sent: false })
    expect((error as Error).message).toMatch(
      /^Could not reach the proxy 127\.0\.0\.1:1 \(HTTPS_PROXY\): (?!tunneling).*ECONNREFUSED.*\.$/
    )
    expect((error as Error).message).not.toContain('secret')
  })

  it('names a proxy that refuses the tunnel, with its status, and calls it final', async () => {
    const proxy = new ConnectProxy(1)
    proxy.mode = { kind: 'refuse', status: 407 }
    process.env['HTTPS_PROXY'] = await proxy.start()
    try {
      const error = await failure(send(zoho, { timeoutMs: 1000 }, readBody(9)))
      expect(error).toMatchObject({ retryable: false, sent: false })
      expect((error as Error).message).toMatch(
        /^The proxy 127\.0\.0\.1:\d+ \(HTTPS_PROXY\) refused the tunnel to www\.zohoapis\.eu with HTTP 407: it wants credentials/
      )
      expect(proxy.connects).toEqual(['www.zohoapis.eu:443'])
    } finally {
      await proxy.stop()
    }
  })
})

describe('a local failure is not a network one', () => {
  it('is not retried, and names the path', async () => {
    let requests = 0
    handler = (_req, res) => {
      requests++
      res.end(Buffer.from('PK\x03\x04zip', 'latin1'))
    }
    const path = join(dir, 'missing-folder', 'failure.zip')
    const context = {
      policy: { retries: 3, baseDelayMs: 1, maxDelayMs: 1, timeScale: 1 },
      clock: systemClock,
      log: () => {},
      timeoutMs: 1000,
      calls: { made: 0 },
      redact: (text: string) => text
    }
    const error = await failure(
      download(get(), path, () => new ZohoError('no', reply(200, '')), context)
    )
    expect(error).toBeInstanceOf(LocalFileError)
    expect((error as Error).message).toContain(path)
    expect(requests).toBe(1)
  })

  it('is not counted as maybe sent when the name does not resolve', async () => {
    const error = await failure(
      send({ ...get(), url: 'http://no-such-host.invalid/' }, { timeoutMs: 5000 }, readBody(9))
    )
    expect(error).toMatchObject({ retryable: true, sent: false })
    expect((error as Error).message).toMatch(/^Could not reach http:\/\/no-such-host\.invalid: /)
  })
})

describe('attemptFailure', () => {
  const url = new URL('https://www.zohoapis.eu/x')
  const nothingSent = { sent: false, answered: false }

  it.each([
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'CERT_HAS_EXPIRED',
    'ERR_TLS_CERT_ALTNAME_INVALID'
  ])('calls %s a certificate the runner does not trust, not worth another attempt', code => {
    const error = attemptFailure({ code, message: 'bad certificate' }, url, nothingSent)
    expect(error).toMatchObject({
      message:
        "Could not reach https://www.zohoapis.eu: bad certificate. The server's TLS certificate is " +
        'not trusted; behind a TLS-inspecting proxy, set NODE_EXTRA_CA_CERTS to the file of its CA certificate.',
      retryable: false,
      sent: false
    })
  })

  it('calls another failure of a connection worth another attempt', () => {
    expect(
      attemptFailure({ code: 'ECONNRESET', message: 'socket hang up' }, url, {
        sent: true,
        answered: false
      })
    ).toMatchObject({ retryable: true, sent: true })
  })
})

describe('whenOnWire', () => {
  it('marks a TLS socket once its handshake is through, not when it connects', () => {
    const socket = new TLSSocket(new net.Socket())
    let marked = false
    whenOnWire(socket, () => (marked = true))
    socket.emit('connect')
    expect(marked).toBe(false)
    socket.emit('secureConnect')
    expect(marked).toBe(true)
    socket.destroy()
  })

  it('marks a socket that is already connected at once (a tunnel hands one over)', async () => {
    const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1')
    await once(socket, 'connect')
    let marked = false
    whenOnWire(socket, () => (marked = true))
    expect(marked).toBe(true)
    socket.destroy()
  })
})

describe('send, further', () => {
  it('refuses a header name that cannot be sent', async () => {
    const error = await failure(
      send({ ...get(), headers: { 'Bad Name': 'x' } }, { timeoutMs: 1000 }, readBody(9))
    )
    expect(error).toMatchObject({ retryable: false, sent: false })
    expect((error as Error).message).toMatch(/could not be built: /)
  })

  it('leaves no listener on the step signal once an attempt is over', async () => {
    handler = (_req, res) => res.end('{}')
    const step = new AbortController()
    for (let attempt = 0; attempt < 3; attempt++)
      await send(get(), { timeoutMs: 1000, signal: step.signal }, readBody(9))
    await failure(
      send(
        { ...get(), url: 'http://127.0.0.1:1/' },
        { timeoutMs: 1000, signal: step.signal },
        readBody(9)
      )
    )
    expect(getEventListeners(step.signal, 'abort')).toHaveLength(0)
  })
})

describe('send over TLS, and through a proxy that fails', () => {
  const ca = testCa(['www.zohoapis.eu', 'localhost'])
  const tls = https.createServer({ key: ca.key, cert: ca.cert }, (_req, res) => res.end('{}'))
  let port = 0
  const proxied = process.env['HTTPS_PROXY']
  beforeAll(async () => {
    tls.listen(0, '127.0.0.1')
    await once(tls, 'listening')
    port = (tls.address() as AddressInfo).port
  })
  afterEach(() => {
    tls.closeAllConnections()
    if (proxied === undefined) delete process.env['HTTPS_PROXY']
    else process.env['HTTPS_PROXY'] = proxied
  })
  afterAll(async () => {
    tls.close()
    await once(tls, 'close')
  })
  const direct = (): HttpRequest => ({
    method: 'GET',
    url: `https://localhost:${port}/x`,
    headers: {}
  })
  const zoho: HttpRequest = { method: 'GET', url: 'https://www.zohoapis.eu/x', headers: {} }

  it('calls a certificate the runner does not trust final, and the request not sent', async () => {
    const error = await failure(send(direct(), { timeoutMs: 2000 }, readBody(9)))
    expect(error).toMatchObject({ retryable: false, sent: false })
    expect((error as Error).message).toMatch(/The server's TLS certificate is not trusted/)
  })

  it.each([
    [
      403,
      'it does not allow this host: ask its administrators to allow it, or list the host in NO_PROXY if the runner can reach it directly'
    ],
    [502, 'it could not open a connection to www.zohoapis.eu']
  ])('names what a proxy refusing with %d means', async (status, hint) => {
    const proxy = new ConnectProxy(port)
    proxy.mode = { kind: 'refuse', status }
    process.env['HTTPS_PROXY'] = await proxy.start()
    try {
      const error = await failure(send(zoho, { timeoutMs: 1000 }, readBody(9)))
      expect((error as Error).message).toContain(`with HTTP ${status}: ${hint}.`)
    } finally {
      await proxy.stop()
    }
  })

  it('ends at its deadline although the proxy never answers the CONNECT', async () => {
    const proxy = new ConnectProxy(port)
    proxy.mode = { kind: 'hang' }
    process.env['HTTPS_PROXY'] = await proxy.start()
    try {
      const started = Date.now()
      const error = await failure(send(zoho, { timeoutMs: 300 }, readBody(9)))
      expect(error).toMatchObject({ retryable: true, sent: false })
      expect(Date.now() - started).toBeLessThan(2000)
    } finally {
      await proxy.stop()
    }
  })
})

// saveZip as a reader of a response it is handed piece by piece: how far it reads, and how it tells
// a failure of the file system from one of the connection.
describe('saveZip, piece by piece', () => {
  const SIGNATURE = Buffer.from('PK\x03\x04', 'latin1')

  /** A response of `status` whose body comes in `pieces` as they are asked for, counting them. */
  function response(status: number, pieces: (Buffer | Error)[]) {
    const read = { pieces: 0 }
    function* body(): Generator<Buffer> {
      for (const piece of pieces) {
        read.pieces += 1
        if (piece instanceof Error) throw piece
        yield piece
      }
    }
    const message = { statusCode: status, headers: {}, [Symbol.asyncIterator]: body }
    return { message: message as unknown as http.IncomingMessage, read }
  }

  it('saves a ZIP that is no more than its signature', async () => {
    const { message } = response(200, [SIGNATURE])
    const path = join(dir, 'tiny.zip')
    expect(await saveZip(path, 100)(message)).toEqual({ saved: true })
    expect(readFileSync(path)).toEqual(SIGNATURE)
  })

  it('keeps no ZIP sent with a 3xx status', async () => {
    const { message } = response(300, [SIGNATURE])
    expect(await saveZip(join(dir, 'moved.zip'), 100)(message)).toEqual({
      saved: false,
      head: SIGNATURE
    })
  })

  it('reads what is not a ZIP only as far as the head it hands back', async () => {
    const pieces = ['<html', '>ERR', 'OR 50', '0</ht', 'ml>'].map(text => Buffer.from(text))
    const { message, read } = response(502, pieces)
    expect(await saveZip(join(dir, 'page.zip'), 9)(message)).toEqual({
      saved: false,
      head: Buffer.from('<html>ERR')
    })
    expect(read.pieces).toBe(2)
  })

  it.each(['open', 'write', 'rename'])(
    'calls a failure of the file system (%s) a local one, with the path',
    async syscall => {
      const failure = Object.assign(new Error(`EIO: i/o error, ${syscall}`), { syscall })
      const { message } = response(200, [SIGNATURE, failure])
      const path = join(dir, `${syscall}.zip`)
      await expect(saveZip(path, 100)(message)).rejects.toThrow(
        new LocalFileError(`Could not save ${path}: EIO: i/o error, ${syscall}`)
      )
    }
  )

  it('hands back a failure of the connection as it came', async () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { syscall: 'read' })
    const { message } = response(200, [SIGNATURE, reset])
    await expect(saveZip(join(dir, 'reset.zip'), 100)(message)).rejects.toBe(reset)
  })

  it('cannot rename over a folder: a local failure', async () => {
    const path = join(dir, 'a-folder.zip')
    mkdirSync(join(path, 'inside'), { recursive: true })
    const { message } = response(200, [SIGNATURE])
    await expect(saveZip(path, 100)(message)).rejects.toThrow(LocalFileError)
    expect(existsSync(`${path}.part`)).toBe(false)
  })
})

describe('errors', () => {
  it('name themselves, and an InputError says its problems in one line', () => {
    expect(new ActionError('x').name).toBe('ActionError')
    const error = new InputError(['Input "dc" is missing.', 'Input "app" is missing.'])
    expect(error.message).toBe('Input "dc" is missing. Input "app" is missing.')
    expect(error.name).toBe('InputError')
  })
})
