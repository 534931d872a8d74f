// Test double of the renderer client: records every call, answers from per-command handlers the test sets,
// and lets the test emit events and change the connection. Never imported by product code.
import type { Cmd, CmdIn, CmdOut, EventPayloads, Evt } from '@contract/commands'
import { ClientError } from '../client/client-error'
import type { ClientMode, ConnectionInfo, RendererClient } from '../client/types'

type Handler<C extends Cmd> = (arg: CmdIn<C> | undefined) => CmdOut<C> | Promise<CmdOut<C>>
type Handlers = { [C in Cmd]?: Handler<C> }

export interface FakeClient extends RendererClient {
  calls: Array<{ cmd: Cmd; arg: unknown }>
  answer<C extends Cmd>(cmd: C, fn: Handler<C>): void
  emit<E extends Evt>(ev: E, payload: EventPayloads[E]): void
  setConnection(c: ConnectionInfo): void
  callsOf(cmd: Cmd): unknown[]
}

export function createFakeClient(mode: ClientMode = 'browser', initial: ConnectionInfo = { state: 'open' }): FakeClient {
  const handlers: Handlers = {}
  const listeners = new Map<string, Set<(p: unknown) => void>>()
  const connListeners = new Set<(c: ConnectionInfo) => void>()
  let connection = initial
  const calls: FakeClient['calls'] = []

  return {
    mode,
    calls,
    get connection() {
      return connection
    },
    async call<C extends Cmd>(cmd: C, arg?: CmdIn<C>): Promise<CmdOut<C>> {
      calls.push({ cmd, arg })
      const h = handlers[cmd] as Handler<C> | undefined
      if (!h) throw new ClientError('UNKNOWN_COMMAND', `the fake client has no answer for ${cmd}`)
      return h(arg)
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
    close() {},
    answer(cmd, fn) {
      ;(handlers as Record<string, unknown>)[cmd] = fn
    },
    emit(ev, payload) {
      for (const fn of listeners.get(ev) ?? []) fn(payload)
    },
    setConnection(c) {
      connection = c
      for (const fn of connListeners) fn(c)
    },
    callsOf(cmd) {
      return calls.filter((c) => c.cmd === cmd).map((c) => c.arg)
    },
  }
}
