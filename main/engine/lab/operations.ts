// Long operations (up, down, builds) are objects: an id, typed progress, a way to cancel, one terminal event.
import { randomUUID } from 'node:crypto'
import { setMaxListeners } from 'node:events'
import { LabError, toWireError } from '@contract/errors'
import type { OpDone, OpKind, OpProgress } from '@contract/status'
import type { EventBus } from '../events/event-bus'
import { Timings } from './timings'

export interface Op {
  opId: string
  kind: OpKind
  signal: AbortSignal
  /** phases timed by the operation; they travel with its done event */
  timings: Timings
  progress(p: Omit<OpProgress, 'opId' | 'kind'>): void
  /** something the person should know though the operation goes on; it travels with the done event */
  warn(text: string): void
  /** throws LabError CANCELLED when the user cancelled */
  checkpoint(): void
}

export interface StartedOp {
  opId: string
  done: Promise<OpDone>
}

export class Operations {
  private current: { op: Op; abort: AbortController } | undefined

  constructor(private readonly bus: EventBus) {}

  active(): { opId: string; kind: OpKind } | undefined {
    return this.current && { opId: this.current.op.opId, kind: this.current.op.kind }
  }

  start(kind: OpKind, run: (op: Op) => Promise<void>, signal?: AbortSignal): StartedOp {
    if (this.current) throw new LabError('BUSY', `the lab is busy with "${this.current.op.kind}" (operation ${this.current.op.opId}); wait or cancel it`)
    const abort = new AbortController()
    // every server's steps of a whole-site up listen on it at once (18 servers, a listener each): not a leak, so
    // not Node's warning past 10
    setMaxListeners(64, abort.signal)
    signal?.addEventListener('abort', () => abort.abort(), { once: true })
    const opId = randomUUID().slice(0, 8)
    const warnings: string[] = []
    const op: Op = {
      opId,
      kind,
      signal: abort.signal,
      timings: new Timings(),
      progress: (p) => this.bus.emit('op.progress', { opId, kind, ...p }),
      warn: (text) => void warnings.push(text),
      checkpoint: () => {
        if (abort.signal.aborted) throw new LabError('CANCELLED', `${kind} was cancelled`)
      },
    }
    this.current = { op, abort }
    const done = (async (): Promise<OpDone> => {
      let result: OpDone
      try {
        await run(op)
        result = { opId, kind, status: 'succeeded' }
      } catch (e) {
        const error = toWireError(e)
        result = { opId, kind, status: error.code === 'CANCELLED' ? 'cancelled' : 'failed', error: { code: error.code, message: error.message } }
      } finally {
        this.current = undefined
      }
      if (warnings.length) result.warnings = warnings
      if (op.timings.spans.length) result.timings = op.timings.spans
      this.bus.emit('op.done', result)
      return result
    })()
    return { opId, done }
  }

  cancel(opId: string): boolean {
    if (this.current?.op.opId !== opId) return false
    this.current.abort.abort()
    return true
  }
}
