// Events the model emits: an append-only list the journal and the UI read. `target` uses the same addressing
// as actions (circuit:nyi-1-a, server:db1, array:raid1/raid1-spool, cable:db1/int).

export const HardwareEventKinds = [
  'action', // someone did something (the text says what)
  'circuit.ok',
  'circuit.warning', // above the continuous-load limit (80 %)
  'circuit.overload', // above the rating: the breaker is heating up
  'circuit.tripped',
  'circuit.reset',
  'circuit.dead', // closed breaker but no utility power (blackout)
  'pdu.failed',
  'pdu.ok',
  'unit.off', // data.cause: shutdown | hard-off | power-loss
  'unit.booting',
  'unit.on',
  'unit.redundancy-lost', // a dual-PSU unit now runs on one live PSU
  'unit.redundancy-restored',
  'unit.power-on-skipped', // a staggered power-on found no power
  'array.optimal',
  'array.degraded',
  'array.rebuilding',
  'array.failed',
  'array.rebuild-progress',
  'array.spare-takeover',
  'pool.online', // a server's ZFS pool (target pool:SERVER)
  'pool.degraded',
  'pool.faulted',
  'enclosure.online',
  'enclosure.offline',
  'battery.ok',
  'battery.failed',
  'battery.learning',
  'switch.up',
  'switch.down',
  'network.attached',
  'network.detached',
] as const
export type HardwareEventKind = (typeof HardwareEventKinds)[number]

export interface HardwareEvent {
  labMs: number
  kind: HardwareEventKind
  target: string
  text: string
  data?: Record<string, string | number | boolean | null>
}

export type Emit = (kind: HardwareEventKind, target: string, text: string, data?: HardwareEvent['data']) => void

/** "2h 05m", "3m 20s", "45s": for event texts. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'never'
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`
}
