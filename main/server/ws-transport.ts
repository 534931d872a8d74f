// Browser-mode transport: the contract over a WebSocket. Host, Origin (the server's `admit`) and the token are
// checked on upgrade, payloads are capped, dead peers are found by heartbeat. Nothing a peer sends may throw
// out of here or leave a rejected promise unhandled: either would end `racklab serve`.
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { randomUUID, timingSafeEqual } from 'node:crypto'
import { WebSocketServer, type WebSocket } from 'ws'
import { MAX_PAYLOAD, WS_PATH, type CallMsg, type ServerMsg } from '@contract/wire'
import type { EventBus } from '../engine/events/event-bus'
import type { Dispatch } from '../api/dispatcher'
import type { Refusal } from './request-guard'
import { parseRequestTarget } from './request-url'

export interface WsTransportOptions {
  /** the one token of a single-lab serve; a workshop judges each token itself (authorize) */
  token?: string
  /** a workshop's check of the upgrade URL (token, lab) instead of the one token */
  authorize?: (url: URL) => Refusal | undefined
  /** per connection, from its upgrade URL: why a command is refused to this peer, undefined when allowed */
  callPolicy?: (url: URL) => (cmd: unknown) => string | undefined
  /** the server's own Host and Origin check, the same one plain HTTP requests pass */
  admit: (req: IncomingMessage) => Refusal | undefined
  dispatch: Dispatch
  bus: EventBus
  version: string
  heartbeatMs?: number
}

export interface WsTransport {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void
  clientCount(): number
  close(): void
}

export function tokenMatches(expected: string, given: string | null): boolean {
  if (!given) return false
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}

export function createWsTransport(o: WsTransportOptions): WsTransport {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD })
  const alive = new WeakMap<WebSocket, boolean>()
  /** one client per connection: what it opens is its own, and closes with it */
  const clientOf = new WeakMap<WebSocket, string>()

  const send = (ws: WebSocket, msg: ServerMsg): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg))
  }

  const offBus = o.bus.onAny((ev, payload, to) => {
    const text = JSON.stringify({ t: 'event', ev, payload } satisfies ServerMsg)
    for (const ws of wss.clients) if (ws.readyState === ws.OPEN && (to === undefined || clientOf.get(ws) === to)) ws.send(text)
  })

  wss.on('connection', (ws, req: IncomingMessage) => {
    const client = `ws:${randomUUID()}`
    const url = parseRequestTarget(req.url)
    const refuse = url && o.callPolicy ? o.callPolicy(url) : () => undefined
    clientOf.set(ws, client)
    ws.on('close', () => o.dispatch.clientGone(client))
    alive.set(ws, true)
    ws.on('pong', () => alive.set(ws, true))
    // oversize or malformed frames: ws closes the connection itself (1009/1002); don't crash the server
    ws.on('error', () => ws.terminate())
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(1003, 'text frames only')
      let msg: CallMsg
      try {
        msg = JSON.parse(data.toString()) as CallMsg
      } catch {
        return ws.close(1007, 'invalid JSON')
      }
      if (msg?.t !== 'call' || typeof msg.id !== 'number') return ws.close(1008, 'expected {t:"call", id, cmd, arg}')
      const id = msg.id
      const forbidden = refuse(msg.cmd)
      if (forbidden) return send(ws, { t: 'reply', id, ok: false, error: { code: 'FORBIDDEN', message: forbidden } })
      o.dispatch(msg.cmd, msg.arg, client)
        .then((reply) => send(ws, { t: 'reply', id, ...reply }))
        // e.g. a reply JSON.stringify cannot write: the caller learns it failed, the server carries on
        .catch((e: unknown) => send(ws, { t: 'reply', id, ok: false, error: { code: 'INTERNAL', message: `the reply could not be sent: ${e instanceof Error ? e.message : String(e)}` } }))
    })
    send(ws, { t: 'hello', version: o.version })
  })

  const beat = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate()
        continue
      }
      alive.set(ws, false)
      ws.ping()
    }
  }, o.heartbeatMs ?? 15_000)
  beat.unref()

  return {
    handleUpgrade(req, socket, head) {
      // a peer that resets mid-handshake must not become an unhandled 'error' event
      socket.on('error', () => socket.destroy())
      const reject = (r: Refusal): void => rejectUpgrade(socket, r)
      const refused = o.admit(req)
      if (refused) return reject(refused)
      const url = parseRequestTarget(req.url)
      if (!url) return reject({ status: 400, why: 'bad request: the upgrade URL is not a valid path' })
      if (url.pathname !== WS_PATH) return reject({ status: 404, why: `no WebSocket at ${url.pathname}; it is at ${WS_PATH}` })
      const denied = o.authorize ? o.authorize(url) : o.token !== undefined && tokenMatches(o.token, url.searchParams.get('token')) ? undefined : { status: 401, why: 'missing or wrong token' }
      if (denied) return reject(denied)
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
    },
    clientCount: () => wss.clients.size,
    close() {
      clearInterval(beat)
      offBus()
      for (const ws of wss.clients) ws.terminate()
      wss.close()
    },
  }
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 421: 'Misdirected Request' }

/** the HTTP answer to a refused upgrade; the details (which may echo client input) go in the body only */
function rejectUpgrade(socket: Duplex, r: Refusal): void {
  const body = `${r.why}\n`
  socket.end(`HTTP/1.1 ${r.status} ${REASONS[r.status] ?? 'Refused'}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
}
