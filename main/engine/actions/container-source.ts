// What a person does to a server's container (start, stop, kill, pause, unpause, restart) as one family of the
// book, so these too are ledgered with their inverse and finished after an engine crash.
import type { ServerStatus } from '@contract/status'
import { inverseOf } from './inverses'
import type { ActionSource, ActionSpec } from './types'

export type ContainerOp = 'start' | 'stop' | 'kill' | 'pause' | 'unpause' | 'restart'

export interface Containers {
  servers(): string[]
  status(server: string): ServerStatus | undefined
  /** hardware's say: whether the server may run at all */
  hardwareAllows(server: string): { ok: boolean; why?: string }
  control(server: string, op: ContainerOp): Promise<void>
}

const LABELS: Record<ContainerOp, [string, ActionSpec['kind']]> = {
  start: ['Start the container', 'operate'],
  stop: ['Stop the container (clean shutdown)', 'operate'],
  kill: ['Kill the container (crash)', 'break'],
  pause: ['Pause (freeze every process)', 'break'],
  unpause: ['Unpause', 'restore'],
  restart: ['Restart the container', 'operate'],
}

export function refusal(s: ServerStatus | undefined, op: ContainerOp, hw: { ok: boolean; why?: string }): string | undefined {
  if (!s || s.state === 'absent') return `it has no container yet: run up first${s?.imageState === 'no-image' ? ` (its role ${s.role} is not built yet)` : ''}`
  const running = s.state === 'running'
  switch (op) {
    case 'start':
      if (running || s.state === 'paused') return 'it is already running'
      return hw.ok ? undefined : `${hw.why} (see racklab actions server:${s.id})`
    case 'stop':
    case 'kill':
      return running || s.state === 'paused' ? undefined : 'it is not running'
    case 'pause':
      return running ? undefined : 'it is not running'
    case 'unpause':
      return s.state === 'paused' ? undefined : 'it is not paused'
    case 'restart':
      return hw.ok ? undefined : `${hw.why} (see racklab actions server:${s.id})`
  }
}

export function containerSource(c: Containers): ActionSource {
  return {
    family: 'container',
    targets: () => c.servers().map((s) => `server:${s}`),
    async actions(target) {
      const m = /^server:(.+)$/.exec(target)
      if (!m || !c.servers().includes(m[1]!)) return undefined
      const server = m[1]!
      const s = c.status(server)
      return (Object.keys(LABELS) as ContainerOp[]).map((op) => {
        const why = refusal(s, op, c.hardwareAllows(server))
        return {
          id: op,
          label: LABELS[op][0],
          kind: LABELS[op][1],
          ...(why ? { refused: why } : {}),
          inverse: inverseOf(target, op),
          run: async () => {
            await c.control(server, op)
            return `${op} ${server}`
          },
        }
      })
    },
  }
}
