// Long operations (lab up/down) as progress rows, and the error notices every failed call ends up in.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { CmdIn } from '@contract/commands'
import type { OpDone, OpKind, OpProgress } from '@contract/status'
import { toClientError } from '../client/client-error'
import type { RendererClient } from '../client/types'
import { all, whenOpen } from './when-open'

/** unseen: the op ended while this page was disconnected, so its outcome never arrived (see the journal) */
export type OpStatus = 'running' | OpDone['status'] | 'unseen'
export interface OpView {
  opId: string
  kind: OpKind
  phase: OpProgress['phase'] | 'requested'
  current: number
  /** -1 when the engine does not know the total */
  max: number
  text: string
  server?: string
  status: OpStatus
  error?: { code: string; message: string }
}
export interface ErrorNotice {
  id: number
  code: string
  message: string
  /** what the user was doing, e.g. "Stop web1" */
  context: string
  at: number
}

const KEEP_FINISHED = 4
const KEEP_ERRORS = 5

export const useOpsStore = defineStore('ops', () => {
  const ops = ref<OpView[]>([])
  const errors = ref<ErrorNotice[]>([])
  let nextNotice = 1
  let client: RendererClient | null = null

  const running = computed(() => ops.value.filter((o) => o.status === 'running'))
  const lastError = computed(() => errors.value[0] ?? null)

  function find(opId: string): OpView | undefined {
    return ops.value.find((o) => o.opId === opId)
  }

  function upsert(opId: string, kind: OpKind): OpView {
    const found = find(opId)
    if (found) return found
    const row: OpView = { opId, kind, phase: 'requested', current: 0, max: -1, text: 'requested', status: 'running' }
    ops.value.unshift(row)
    // the reactive proxy of the row, so later writes are tracked
    return ops.value[0] as OpView
  }

  /** Running rows always stay; of the finished ones only the newest few. */
  function prune(): void {
    const finished = ops.value.filter((o) => o.status !== 'running')
    if (finished.length <= KEEP_FINISHED) return
    const drop = new Set(finished.slice(KEEP_FINISHED).map((o) => o.opId))
    ops.value = ops.value.filter((o) => !drop.has(o.opId))
  }

  /** After a reconnect: rows still running that are not the lab's current op ended unseen. */
  async function settle(c: RendererClient): Promise<void> {
    if (!running.value.length) return
    try {
      const current = (await c.call('lab.status')).op?.opId
      for (const op of running.value) if (op.opId !== current) Object.assign(op, { status: 'unseen', text: 'ended while this page was disconnected' })
      prune()
    } catch (e) {
      report(e, 'reload lab status')
    }
  }

  function onProgress(p: OpProgress): void {
    const op = upsert(p.opId, p.kind)
    Object.assign(op, { phase: p.phase, current: p.current, max: p.max, text: p.text })
    if (p.server === undefined) delete op.server
    else op.server = p.server
  }

  function onDone(d: OpDone): void {
    const op = upsert(d.opId, d.kind)
    op.status = d.status
    if (d.status === 'succeeded') {
      op.phase = 'done'
      if (op.max > 0) op.current = op.max
    }
    if (d.error) {
      op.error = d.error
      report(d.error, `lab ${d.kind}`)
    }
    // it succeeded, but something was left that the person should know of (a network Docker would not remove)
    for (const w of d.warnings ?? []) report({ code: 'WARNING', message: w }, `lab ${d.kind}`)
    prune()
  }

  function report(e: unknown, context: string): void {
    const err = toClientError(e)
    errors.value.unshift({ id: nextNotice++, code: err.code, message: err.message, context, at: Date.now() })
    errors.value.splice(KEEP_ERRORS)
  }

  function dismiss(id: number): void {
    errors.value = errors.value.filter((n) => n.id !== id)
  }

  async function startOp<K extends 'lab.up' | 'lab.down'>(cmd: K, arg: CmdIn<K>): Promise<void> {
    const kind: OpKind = cmd === 'lab.up' ? 'up' : 'down'
    if (!client) return report(new Error('not connected to the engine yet'), `lab ${kind}`)
    try {
      const { opId } = await client.call(cmd, arg)
      upsert(opId, kind)
    } catch (e) {
      report(e, `lab ${kind}`)
    }
  }

  const up = (arg: CmdIn<'lab.up'> = {}): Promise<void> => startOp('lab.up', arg)
  const down = (arg: CmdIn<'lab.down'> = {}): Promise<void> => startOp('lab.down', arg)

  async function cancel(opId: string): Promise<void> {
    if (!client) return
    try {
      await client.call('op.cancel', { opId })
    } catch (e) {
      report(e, 'cancel')
    }
  }

  function bind(c: RendererClient): () => void {
    client = c
    return all([
      c.on('op.progress', onProgress),
      c.on('op.done', onDone),
      // an op started elsewhere (the CLI, another browser) still shows up as a row
      c.on('lab.changed', (l) => {
        if (l.op) upsert(l.op.opId, l.op.kind)
      }),
      whenOpen(c, () => void settle(c)),
      () => {
        client = null
      },
    ])
  }

  return { ops, errors, running, lastError, report, dismiss, up, down, cancel, bind }
})
