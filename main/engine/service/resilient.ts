// A long-lived client's connection (racklab serve, the window): when the engine service dies, the next call or
// a background retry starts it again (it re-adopts the lab from its labels and ledger) and events resume.
import type { Reply } from '@contract/errors'
import type { EngineConnection } from './socket-client'

export function resilient(first: EngineConnection, reconnect: () => Promise<EngineConnection>, onNote: (text: string) => void = () => {}): EngineConnection {
  let conn = first
  let subscribed = false
  let pending: Promise<EngineConnection> | undefined
  const listeners = new Set<(ev: string, p: unknown, to?: string) => void>()
  const closers: (() => void)[] = []
  let closed = false

  const attach = (c: EngineConnection): void => {
    c.onEvent((ev, p, to) => {
      for (const fn of listeners) fn(ev, p, to)
    })
    c.onClose(() => {
      if (closed) return
      onNote('the lab engine service went away; starting it again')
      void again().catch((e: unknown) => onNote(`could not start the lab engine service again: ${(e as Error).message}`))
    })
  }
  const again = (): Promise<EngineConnection> =>
    (pending ??= (async () => {
      for (let delay = 250; ; delay = Math.min(delay * 2, 5000)) {
        try {
          const c = await reconnect()
          // closed while this attempt was under way: the new connection must not outlive the client
          if (closed) {
            c.close()
            throw new Error('closed')
          }
          attach(c)
          if (subscribed) await c.svc('subscribe')
          conn = c
          onNote('the lab engine service is back')
          return c
        } catch (e) {
          if (closed) throw e
          await new Promise((r) => setTimeout(r, delay))
        }
      }
    })().finally(() => (pending = undefined)))
  attach(first)

  const retrying = async (send: (c: EngineConnection) => Promise<Reply<unknown>>): Promise<Reply<unknown>> => {
    const r = await send(conn)
    if (r.ok || r.error.code !== 'ENGINE_ERROR' || !/closed the connection|connection is closed/.test(r.error.message)) return r
    return send(await again())
  }
  return {
    call: (cmd, arg, client) => retrying((c) => c.call(cmd, arg, client)),
    // a fronted client that leaves while the engine is down owned nothing that survived the engine anyway
    clientGone: (client) => conn.clientGone(client),
    svc: (what) => {
      if (what === 'subscribe') subscribed = true
      return retrying((c) => c.svc(what))
    },
    onEvent: (fn) => {
      listeners.add(fn)
      return () => listeners.delete(fn)
    },
    onClose: (fn) => void closers.push(fn),
    close: () => {
      closed = true
      conn.close()
      for (const fn of closers) fn()
    },
  }
}
