// The engine's local socket: every client (CLI, `racklab serve`, the window) calls the one dispatcher and
// may subscribe to every contract event. Errors stay inside their connection.
import { chmodSync, rmSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import type { Reply } from '@contract/errors'
import { encode, lineReader, type ClientMessage, type EngineMessage } from './wire'

export interface ServiceHost {
  dispatch(cmd: unknown, arg: unknown, client: string): Promise<Reply<unknown>>
  onAnyEvent(fn: (ev: string, payload: unknown) => void): () => void
  info(): Record<string, unknown>
  /** asked to stop by a client (`racklab engine stop`, `racklab down`) */
  stop(): void
  /** a client's connection ended (its consoles close) */
  clientGone?(client: string): void
}

export interface SocketServer {
  clients(): number
  close(): Promise<void>
}

let nextClient = 0

export async function listenSocket(path: string, host: ServiceHost): Promise<SocketServer> {
  if (process.platform !== 'win32') rmSync(path, { force: true }) // a stale socket from a killed engine
  const sockets = new Set<Socket>()
  const server: Server = createServer((sock) => {
    const client = `sock-${++nextClient}`
    sockets.add(sock)
    let unsub: (() => void) | undefined
    const send = (m: EngineMessage): void => {
      if (!sock.destroyed) sock.write(encode(m))
    }
    const onLine = (line: string): void => {
      let m: ClientMessage
      try {
        m = JSON.parse(line) as ClientMessage
      } catch {
        sock.destroy()
        return
      }
      if (typeof m?.id !== 'number') return
      if ('svc' in m) {
        if (m.svc === 'info') send({ id: m.id, reply: { ok: true, value: host.info() } })
        else if (m.svc === 'subscribe') {
          unsub ??= host.onAnyEvent((ev, p) => send({ ev, p }))
          send({ id: m.id, reply: { ok: true, value: null } })
        } else if (m.svc === 'stop') {
          send({ id: m.id, reply: { ok: true, value: null } })
          host.stop()
        }
        return
      }
      void host.dispatch(m.cmd, m.arg, client).then((reply) => send({ id: m.id, reply }))
    }
    sock.on('data', lineReader(onLine, () => sock.destroy()))
    sock.on('error', () => undefined)
    sock.on('close', () => {
      unsub?.()
      sockets.delete(sock)
      host.clientGone?.(client)
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(path, () => {
      server.off('error', reject)
      resolve()
    })
  })
  if (process.platform !== 'win32') chmodSync(path, 0o600) // the lab's owner only: it runs root consoles
  return {
    clients: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
