// `racklab serve`: the renderer and the contract over HTTP + WebSocket, on 127.0.0.1 unless the user opts in.
import { randomBytes } from 'node:crypto'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { EventBus } from '../engine/events/event-bus'
import type { Dispatch } from '../api/dispatcher'
import { createHttpOrHttps, schemeOf, type TlsPair } from './http-or-https'
import { allowedHosts, refuseForeign, type Refusal } from './request-guard'
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
  /** HTTPS with this certificate (serve-tls.ts): required off loopback */
  tls?: TlsPair
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
  const scheme = schemeOf(o.tls)
  const admit = (req: IncomingMessage): Refusal | undefined => refuseForeign(req, allowedHosts(host, port), scheme)
  const server: Server = createHttpOrHttps((req, res) => {
    const refused = admit(req)
    if (refused) return answer(res, refused.status, refused.why)
    // whatever escapes one request ends that request, never the process
    serveFile(req, res).catch((e: unknown) => {
      if (!res.headersSent) answer(res, 500, `internal error: ${e instanceof Error ? e.message : String(e)}`)
      else res.destroy()
    })
  }, o.tls)
  const ws = createWsTransport({ token, dispatch: o.dispatch, bus: o.bus, version: o.version, admit })
  server.on('upgrade', (req, socket, head) => ws.handleUpgrade(req, socket, head))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(o.port ?? 0, host, () => resolve())
  })
  port = (server.address() as AddressInfo).port
  const shown = host.includes(':') ? `[${host}]` : host
  return {
    url: `${scheme}://${shown}:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      ws.close()
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}

function answer(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' })
  res.end(`${text}\n`)
}
