// Browser-mode transport: the contract over a WebSocket. Token and Origin are checked on upgrade,
// payloads are capped, dead peers are found by heartbeat.
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { timingSafeEqual } from 'node:crypto'
import { WebSocketServer, type WebSocket } from 'ws'
import { MAX_PAYLOAD, WS_PATH, type CallMsg, type ServerMsg } from '@contract/wire'
import type { EventBus } from '../api/event-bus'
import type { Dispatch } from '../api/dispatcher'

export interface WsTransportOptions {
  token: string
  /** Origins allowed to connect, e.g. http://127.0.0.1:7450 */
  origins: () => string[]
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

  const send = (ws: WebSocket, msg: ServerMsg): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg))
  }

  const offBus = o.bus.onAny((ev, payload) => {
    const text = JSON.stringify({ t: 'event', ev, payload } satisfies ServerMsg)
    for (const ws of wss.clients) if (ws.readyState === ws.OPEN) ws.send(text)
  })

  wss.on('connection', (ws) => {
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
      void o.dispatch(msg.cmd, msg.arg).then((reply) => send(ws, { t: 'reply', id: msg.id, ...reply }))
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
      const url = new URL(req.url ?? '/', 'http://x')
      const reject = (status: number, why: string): void => {
        socket.end(`HTTP/1.1 ${status} ${why}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${why}\n`)
      }
      if (url.pathname !== WS_PATH) return reject(404, 'Not Found')
      if (!tokenMatches(o.token, url.searchParams.get('token'))) return reject(401, 'Unauthorized: missing or wrong token')
      const origin = req.headers.origin
      if (origin !== undefined && !o.origins().includes(origin)) return reject(403, `Forbidden origin ${origin}`)
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
