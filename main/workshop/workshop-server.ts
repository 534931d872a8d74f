// `racklab serve --workshop NAME`: one web server for every lab of a workshop. The same UI as a single lab's,
// one WebSocket transport per lab (each bound to that lab's engine), and the workshop API. Each upgrade and
// each call is judged from its token on the server (scopes.ts): a student's token opens only its own lab.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { LabError } from '@contract/errors'
import type { Dispatch } from '../api/dispatcher'
import type { EventBus } from '../engine/events/event-bus'
import { createHttpOrHttps, schemeOf, type TlsPair } from '../server/http-or-https'
import { allowedHosts, refuseForeign, type Refusal } from '../server/request-guard'
import { isLoopback } from '../server/serve-tls'
import { parseRequestTarget } from '../server/request-url'
import { staticHandler } from '../server/static-files'
import { createWsTransport, type WsTransport } from '../server/ws-transport'
import type { LabRoom } from './lab-room'
import { mayCall, mayOpenLab, roleOf } from './scopes'
import { API_PREFIX, workshopApi } from './workshop-api'

export interface WorkshopServerOptions {
  room: LabRoom
  /** each lab's dispatcher and event bus, as `racklab serve` has for one lab */
  hosts: Map<string, { dispatch: Dispatch; bus: EventBus }>
  staticDir: string
  host?: string
  port?: number
  version: string
  /** HTTPS with this certificate (serve-tls.ts): required off loopback */
  tls?: TlsPair
}

export interface WorkshopLinks {
  trainer: string
  observers: string[]
  students: { lab: string; url: string }[]
}

export interface WorkshopServer {
  base: string
  port: number
  links: WorkshopLinks
  close(): Promise<void>
}

/** The links carry tokens that open consoles: off loopback only over HTTPS (serve-tls.ts makes the certificate) */
export function checkWorkshopHost(host: string, tls: boolean): void {
  if (!isLoopback(host) && !tls) throw new LabError('REFUSED', `--host ${host}: a workshop on a non-loopback address is served over HTTPS only (plain HTTP would carry the tokens in the clear)`)
}

export async function startWorkshopServer(o: WorkshopServerOptions): Promise<WorkshopServer> {
  const host = o.host ?? '127.0.0.1'
  checkWorkshopHost(host, Boolean(o.tls))
  const w = o.room.workshop
  const serveFile = staticHandler(o.staticDir)
  const api = workshopApi(o.room)
  let port = 0
  const scheme = schemeOf(o.tls)
  const admit = (req: IncomingMessage): Refusal | undefined => refuseForeign(req, allowedHosts(host, port), scheme)
  const transports = new Map<string, WsTransport>()
  for (const [lab, h] of o.hosts) {
    transports.set(
      lab,
      createWsTransport({
        dispatch: h.dispatch,
        bus: h.bus,
        version: o.version,
        admit,
        authorize: (url) => {
          const v = mayOpenLab(roleOf(w, url.searchParams.get('token')), lab, w)
          return v.status === 200 ? undefined : { status: v.status, why: v.why ?? 'refused' }
        },
        callPolicy: (url) => {
          const role = roleOf(w, url.searchParams.get('token'))
          return (cmd) => (role ? mayCall(role, String(cmd)).why : 'unknown token')
        },
      }),
    )
  }
  const answer = (res: ServerResponse, status: number, text: string): void => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' })
    res.end(`${text}\n`)
  }
  const server = createHttpOrHttps((req, res) => {
    const refused = admit(req)
    if (refused) return answer(res, refused.status, refused.why)
    const url = parseRequestTarget(req.url)
    const run = url?.pathname.startsWith(API_PREFIX) ? api(req, res, url) : serveFile(req, res)
    run.catch((e: unknown) => {
      if (!res.headersSent) answer(res, 500, `internal error: ${e instanceof Error ? e.message : String(e)}`)
      else res.destroy()
    })
  }, o.tls)
  server.on('upgrade', (req, socket, head) => {
    const url = parseRequestTarget(req.url)
    const lab = url?.searchParams.get('lab') ?? ''
    const t = transports.get(lab)
    if (t) return t.handleUpgrade(req, socket, head)
    socket.on('error', () => socket.destroy())
    const body = `no lab "${lab}" in workshop ${w.name}: the address needs ?lab=NAME\n`
    socket.end(`HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(o.port ?? 0, host, () => resolve())
  })
  port = (server.address() as AddressInfo).port
  const base = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`
  return {
    base,
    port,
    links: {
      trainer: `${base}/?view=trainer&token=${w.trainerToken}`,
      observers: w.observerTokens.map((t) => `${base}/?view=trainer&token=${t}`),
      students: w.labs.map((l) => ({ lab: l.lab, url: `${base}/?lab=${l.lab}&token=${l.studentToken}` })),
    },
    close: async () => {
      for (const t of transports.values()) t.close()
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}
