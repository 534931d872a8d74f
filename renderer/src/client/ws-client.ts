// Browser mode: one WebSocket to `racklab serve`, calls matched to replies by id, events fanned out to listeners.
// The socket reconnects with backoff; the server broadcasts events to every socket, so nothing is re-subscribed.
import type { Cmd, CmdIn, CmdOut, EventPayloads, Evt } from '@contract/commands'
import type { CallMsg } from '@contract/wire'
import { WS_PATH } from '@contract/wire'
import { ClientError, asWireError } from './client-error'
import type { ConnectionInfo, RendererClient } from './types'

/** The part of the DOM WebSocket we use; tests inject a fake class with this shape. */
export interface WsLike {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((ev: unknown) => void) | null
  onclose: ((ev: { code: number; reason: string }) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  onerror: ((ev: unknown) => void) | null
}
export type WsCtor = new (url: string) => WsLike

export interface WsClientOptions {
  url: string
  WebSocket?: WsCtor
  /** first and largest reconnect delay in ms */
  minDelay?: number
  maxDelay?: number
  /** added to "could not connect": the browser never sees why an upgrade was refused (e.g. 401 bad token) */
  hint?: string
}

const OPEN = 1

/** Reads the token `racklab serve` printed in the address, from `?token=` or `#token=`. */
export function tokenFrom(loc: Pick<Location, 'search' | 'hash'>): string | null {
  return new URLSearchParams(loc.search).get('token') ?? new URLSearchParams(loc.hash.replace(/^#/, '')).get('token')
}

export function wsUrlFor(loc: Pick<Location, 'protocol' | 'host' | 'search' | 'hash'>): string {
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws'
  const token = tokenFrom(loc)
  // a workshop serves several labs: the page's ?lab= picks which one this socket is for
  const lab = new URLSearchParams(loc.search).get('lab')
  const query = [...(token === null ? [] : [`token=${encodeURIComponent(token)}`]), ...(lab === null ? [] : [`lab=${encodeURIComponent(lab)}`])]
  return `${scheme}://${loc.host}${WS_PATH}${query.length ? `?${query.join('&')}` : ''}`
}

interface Pending {
  cmd: string
  resolve(v: unknown): void
  reject(e: Error): void
}

export function createWsClient(opts: WsClientOptions): RendererClient & { readonly serverVersion: string | null } {
  const Ctor: WsCtor = opts.WebSocket ?? (globalThis.WebSocket as unknown as WsCtor)
  const minDelay = opts.minDelay ?? 500
  const maxDelay = opts.maxDelay ?? 5000
  const listeners = new Map<string, Set<(p: unknown) => void>>()
  const connListeners = new Set<(c: ConnectionInfo) => void>()
  const pending = new Map<number, Pending>()
  /** calls made while the socket is still connecting; sent once it opens */
  let queued: CallMsg[] = []
  let nextId = 1
  let delay = minDelay
  let socket: WsLike | null = null
  let timer: ReturnType<typeof setTimeout> | null = null
  let stopped = false
  let connection: ConnectionInfo = { state: 'connecting' }
  let serverVersion: string | null = null

  function setConnection(c: ConnectionInfo): void {
    connection = c
    for (const fn of connListeners) fn(c)
  }

  function failAll(why: string): void {
    const err = (cmd: string): ClientError => new ClientError('DISCONNECTED', `${cmd}: ${why}`)
    for (const p of pending.values()) p.reject(err(p.cmd))
    pending.clear()
    queued = []
  }

  function onMessage(data: unknown): void {
    if (typeof data !== 'string') return
    let msg: unknown
    try {
      msg = JSON.parse(data)
    } catch {
      return // the server only sends JSON; a garbled frame has no id to answer anyway
    }
    if (typeof msg !== 'object' || msg === null) return
    const m = msg as Record<string, unknown>
    if (m.t === 'reply' && typeof m.id === 'number') {
      const p = pending.get(m.id)
      if (!p) return
      pending.delete(m.id)
      if (m.ok === true) p.resolve(m.value)
      else {
        const wire = asWireError(m.error)
        p.reject(wire ? ClientError.fromWire(wire) : new ClientError('INTERNAL', `${p.cmd} failed without an error description`))
      }
    } else if (m.t === 'event' && typeof m.ev === 'string') {
      for (const fn of listeners.get(m.ev) ?? []) fn(m.payload)
    } else if (m.t === 'hello' && typeof m.version === 'string') {
      serverVersion = m.version
    }
  }

  function connect(): void {
    timer = null
    setConnection({ state: 'connecting', ...(connection.reason === undefined ? {} : { reason: connection.reason }) })
    const ws = new Ctor(opts.url)
    socket = ws
    ws.onopen = () => {
      if (socket !== ws) return
      delay = minDelay
      setConnection({ state: 'open' })
      const toSend = queued
      queued = []
      for (const msg of toSend) ws.send(JSON.stringify(msg))
    }
    ws.onmessage = (ev) => {
      if (socket === ws) onMessage(ev.data)
    }
    ws.onerror = () => {} // a close event always follows; that is where we act
    ws.onclose = (ev) => {
      if (socket !== ws) return
      socket = null
      const reason = ev.reason || (connection.state === 'open' ? 'connection lost' : `could not connect to ${opts.url.replace(/\?.*$/, '')} — ${opts.hint ?? 'is racklab serve running?'}`)
      failAll(`the connection to racklab serve closed (${reason})`)
      setConnection({ state: 'closed', reason })
      if (!stopped) {
        timer = setTimeout(connect, delay)
        delay = Math.min(delay * 2, maxDelay)
      }
    }
  }

  connect()

  return {
    mode: 'browser',
    get connection() {
      return connection
    },
    get serverVersion() {
      return serverVersion
    },
    call<C extends Cmd>(cmd: C, arg?: CmdIn<C>): Promise<CmdOut<C>> {
      return new Promise<CmdOut<C>>((resolve, reject) => {
        if (stopped || connection.state === 'closed' || !socket) {
          reject(new ClientError('DISCONNECTED', `${cmd}: not connected to racklab serve${connection.reason ? ` (${connection.reason})` : ''}`))
          return
        }
        const id = nextId++
        const msg: CallMsg = arg === undefined ? { t: 'call', id, cmd } : { t: 'call', id, cmd, arg }
        pending.set(id, { cmd, resolve: (v) => resolve(v as CmdOut<C>), reject })
        if (socket.readyState === OPEN) socket.send(JSON.stringify(msg))
        else queued.push(msg)
      })
    },
    on<E extends Evt>(ev: E, fn: (payload: EventPayloads[E]) => void): () => void {
      const set = listeners.get(ev) ?? new Set()
      listeners.set(ev, set)
      const h = (p: unknown): void => fn(p as EventPayloads[E])
      set.add(h)
      return () => set.delete(h)
    },
    onConnection(fn) {
      connListeners.add(fn)
      return () => connListeners.delete(fn)
    },
    close() {
      stopped = true
      if (timer) clearTimeout(timer)
      timer = null
      const ws = socket
      socket = null
      failAll('the client was closed')
      setConnection({ state: 'closed', reason: 'closed by the page' })
      ws?.close()
    },
  }
}
