// A client of a lab's engine service: calls go over the local socket, events come back on it.
import { connect, type Socket } from 'node:net'
import type { Reply } from '@contract/errors'
import { encode, lineReader, type EngineMessage } from './wire'

export interface EngineConnection {
  /** client: which of the clients this connection fronts makes the call (serve: a browser); none = itself */
  call(cmd: string, arg?: unknown, client?: string): Promise<Reply<unknown>>
  svc(what: 'info' | 'stop' | 'subscribe'): Promise<Reply<unknown>>
  /** one of the clients this connection fronts left: the engine frees what it owned (its consoles) */
  clientGone(client: string): void
  /** every event the engine publishes (after subscribe()); `to` names the fronted client it is for, if one */
  onEvent(fn: (ev: string, payload: unknown, to?: string) => void): () => void
  onClose(fn: () => void): void
  close(): void
}

export function connectEngine(path: string, timeoutMs = 2000): Promise<EngineConnection> {
  return new Promise((resolve, reject) => {
    const sock: Socket = connect(path)
    const timer = setTimeout(() => {
      sock.destroy()
      reject(new Error(`the engine socket ${path} did not answer within ${timeoutMs} ms`))
    }, timeoutMs)
    sock.once('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    sock.once('connect', () => {
      clearTimeout(timer)
      sock.removeAllListeners('error')
      resolve(wrap(sock))
    })
  })
}

function wrap(sock: Socket): EngineConnection {
  let seq = 0
  const pending = new Map<number, (r: Reply<unknown>) => void>()
  const listeners = new Set<(ev: string, p: unknown, to?: string) => void>()
  const closers: (() => void)[] = []
  let closed = false
  const onLine = (line: string): void => {
    const m = JSON.parse(line) as EngineMessage
    if ('ev' in m) for (const fn of listeners) fn(m.ev, m.p, m.to)
    else pending.get(m.id)?.(m.reply)
    if ('id' in m) pending.delete(m.id)
  }
  sock.on('data', lineReader(onLine, () => sock.destroy()))
  sock.on('error', () => undefined)
  sock.on('close', () => {
    closed = true
    // an engine that went away answers every open call with an error, never a hang
    for (const done of pending.values()) done({ ok: false, error: { code: 'ENGINE_ERROR', message: 'the lab engine service closed the connection' } })
    pending.clear()
    for (const fn of closers) fn()
  })
  const send = (msg: Record<string, unknown>): Promise<Reply<unknown>> =>
    new Promise((resolve) => {
      if (closed) return resolve({ ok: false, error: { code: 'ENGINE_ERROR', message: 'the lab engine service connection is closed' } })
      const id = ++seq
      pending.set(id, resolve)
      sock.write(encode({ id, ...msg } as never))
    })
  return {
    call: (cmd, arg, client) => send(client === undefined ? { cmd, arg } : { cmd, arg, client }),
    svc: (what) => send({ svc: what }),
    clientGone: (client) => void send({ svc: 'gone', client }),
    onEvent: (fn) => {
      listeners.add(fn)
      return () => listeners.delete(fn)
    },
    onClose: (fn) => void closers.push(fn),
    // end (what was written still goes), then destroy soon: a half-closed socket the engine never ends must not
    // keep this process alive
    close: () => {
      sock.end()
      setTimeout(() => sock.destroy(), 500).unref()
    },
  }
}
