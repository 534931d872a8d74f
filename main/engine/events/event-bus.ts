// Typed fan-out of contract events. The engine emits; transports (IPC, WebSocket, CLI) subscribe.
// An event may be addressed to one client (a console's output goes only to the client that opened it);
// transports deliver an addressed event to that client alone.
import type { EventPayloads, Evt } from '@contract/commands'

type AnyListener = (ev: Evt, payload: unknown, to?: string) => void

export class EventBus {
  private readonly listeners = new Map<Evt, Set<(p: unknown, to?: string) => void>>()
  private readonly anyListeners = new Set<AnyListener>()

  /** to: the one client this event is for; undefined = every client */
  emit<E extends Evt>(ev: E, payload: EventPayloads[E], to?: string): void {
    for (const fn of this.listeners.get(ev) ?? []) fn(payload, to)
    for (const fn of this.anyListeners) fn(ev, payload, to)
  }

  on<E extends Evt>(ev: E, fn: (payload: EventPayloads[E], to?: string) => void): () => void {
    let set = this.listeners.get(ev)
    if (!set) this.listeners.set(ev, (set = new Set()))
    const f = fn as (p: unknown, to?: string) => void
    set.add(f)
    return () => set.delete(f)
  }

  /** every event, for transports that forward all of them */
  onAny(fn: AnyListener): () => void {
    this.anyListeners.add(fn)
    return () => this.anyListeners.delete(fn)
  }
}
