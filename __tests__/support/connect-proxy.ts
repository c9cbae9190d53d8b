// A CONNECT proxy on loopback, as on a self-hosted runner behind a corporate proxy: the action asks
// it to CONNECT to Zoho's real host names, and it tunnels every one of them to the emulator, so no
// DNS is needed. It can refuse tunnels (407, 403, 502), drop the next ones before answering (nothing
// reaches Zoho), or never answer, and records what it was asked.
import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import net from 'node:net'

export type ProxyMode =
  | { readonly kind: 'tunnel' }
  | { readonly kind: 'refuse'; readonly status: number }
  | { readonly kind: 'hang' }
  /** Closes the next `count` CONNECTs without a word, then tunnels. */
  | { kind: 'drop'; count: number }

export class ConnectProxy {
  /** The targets of the CONNECT requests received, as host:port. */
  readonly connects: string[] = []
  /** The Proxy-Authorization headers received. */
  readonly credentials: (string | undefined)[] = []
  mode: ProxyMode = { kind: 'tunnel' }
  readonly #server = http.createServer((_req, res) => res.writeHead(405).end())
  readonly #sockets = new Set<net.Socket>()

  /** Tunnels every CONNECT to 127.0.0.1:`targetPort`. */
  constructor(targetPort: number) {
    this.#server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      this.#sockets.add(client)
      client.on('close', () => this.#sockets.delete(client))
      client.on('error', () => {})
      this.connects.push(req.url ?? '')
      this.credentials.push(req.headers['proxy-authorization'])
      if (this.mode.kind === 'hang') return
      if (this.mode.kind === 'drop' && this.mode.count > 0) {
        this.mode.count -= 1
        client.destroy()
        return
      }
      if (this.mode.kind === 'refuse') {
        client.end(`HTTP/1.1 ${this.mode.status} Refused\r\nContent-Length: 0\r\n\r\n`)
        return
      }
      const upstream = net.connect(targetPort, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.write(head)
        upstream.pipe(client)
        client.pipe(upstream)
      })
      this.#sockets.add(upstream)
      upstream.on('close', () => {
        this.#sockets.delete(upstream)
        client.destroy()
      })
      upstream.on('error', () => client.destroy())
      client.on('close', () => upstream.destroy())
    })
  }

  /** Listens on loopback; returns the proxy URL for HTTPS_PROXY. */
  async start(): Promise<string> {
    this.#server.listen(0, '127.0.0.1')
    await once(this.#server, 'listening')
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy()
    await new Promise<void>(resolve =>
      this.#server.close(() => {
        resolve()
      })
    )
  }
}
