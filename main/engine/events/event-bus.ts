// Typed fan-out of contract events. The engine emits; transports (IPC, WebSocket, CLI) subscribe.
import type { EventPayloads, Evt } from '@contract/commands'

type AnyListener = (ev: Evt, payload: unknown) => void

export class EventBus {
  private readonly listeners = new Map<Evt, Set<(p: unknown) => void>>()
  private readonly anyListeners = new Set<AnyListener>()

  emit<E extends Evt>(ev: E, payload: EventPayloads[E]): void {
    for (const fn of this.listeners.get(ev) ?? []) fn(payload)
    for (const fn of this.anyListeners) fn(ev, payload)
  }

  on<E extends Evt>(ev: E, fn: (payload: EventPayloads[E]) => void): () => void {
    let set = this.listeners.get(ev)
    if (!set) this.listeners.set(ev, (set = new Set()))
    const f = fn as (p: unknown) => void
    set.add(f)
    return () => set.delete(f)
  }

  /** every event, for transports that forward all of them */
  onAny(fn: AnyListener): () => void {
    this.anyListeners.add(fn)
    return () => this.anyListeners.delete(fn)
  }
}
