// `racklab serve`: the renderer and the contract over HTTP + WebSocket, on 127.0.0.1 unless the user opts in.
import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { EventBus } from '../api/event-bus'
import type { Dispatch } from '../api/dispatcher'
import { staticHandler } from './static-files'
import { createWsTransport } from './ws-transport'

export interface WebServerOptions {
  dispatch: Dispatch
  bus: EventBus
  staticDir: string
  /** 127.0.0.1 by default; a LAN address only when the user asks for it (workshops) */
  host?: string
  port?: number
  token?: string
  version: string
}

export interface WebServer {
  url: string
  port: number
  token: string
  close(): Promise<void>
}

export async function startWebServer(o: WebServerOptions): Promise<WebServer> {
  const host = o.host ?? '127.0.0.1'
  const token = o.token ?? randomBytes(18).toString('base64url')
  const serveFile = staticHandler(o.staticDir)
  let port = 0
  const server: Server = createServer((req, res) => {
    const h = req.headers.host ?? ''
    // A DNS-rebinding page would arrive with a foreign Host header.
    if (!allowedHosts(host, port).includes(h)) {
      res.writeHead(421, { 'content-type': 'text/plain' })
      return res.end(`misdirected request for host ${h}\n`)
    }
    void serveFile(req, res)
  })
  const ws = createWsTransport({
    token,
    dispatch: o.dispatch,
    bus: o.bus,
    version: o.version,
    origins: () => allowedHosts(host, port).map((h) => `http://${h}`),
  })
  server.on('upgrade', (req, socket, head) => ws.handleUpgrade(req, socket, head))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(o.port ?? 0, host, () => resolve())
  })
  port = (server.address() as AddressInfo).port
  const shown = host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${shown}:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      ws.close()
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}

function allowedHosts(host: string, port: number): string[] {
  const hosts = [`${host}:${port}`]
  if (host === '127.0.0.1') hosts.push(`localhost:${port}`)
  return hosts
}
