// Alert rules as data. A rule looks at the latest probe results, the hardware and the history, and says
// which targets it fires for. Adding a probe's rule is one line of probeRule(…).
import type { HardwareStatus } from '@contract/hardware'
import type { AlertSeverity, HistoryPoint } from '@contract/monitor'
import type { ProbeResult } from '@contract/status'
import type { MonitorConfig } from './config'

export interface RuleContext {
  /** the latest result of every probe unit that applies now */
  results: readonly ProbeResult[]
  hardware: HardwareStatus | undefined
  /** a series' points (a probe unit's key, or circuit:…/array:…) */
  history(key: string): readonly HistoryPoint[]
  cfg: MonitorConfig
}

export interface Firing {
  target: string
  text: string
  /** the probe result this firing explains (so the catch-all rule does not repeat it) */
  result?: ProbeResult
  /** tells apart two firings of one rule on one target (the catch-all: which probe) */
  key?: string
}

export interface AlertRule {
  id: string
  severity: AlertSeverity
  /** the condition must hold this long (lab ms) before the alert is raised */
  forLabMs?: (cfg: MonitorConfig) => number
  fire(ctx: RuleContext): Firing[]
}

const num = (r: ProbeResult, k: string): number | undefined => (typeof r.values?.[k] === 'number' ? (r.values[k] as number) : undefined)
/** a probe target that is one server is alerted as server:X; a list (db1,db2,db3) stays as it is */
const targetOf = (r: ProbeResult): string => (/^[a-z0-9][a-z0-9-]*$/i.test(r.target) ? `server:${r.target}` : r.target)

/** fires for each latest result of `probe` that matches `when` */
export function probeRule(id: string, severity: AlertSeverity, probe: string, when: (r: ProbeResult, cfg: MonitorConfig) => boolean, text: (r: ProbeResult, cfg: MonitorConfig) => string): AlertRule {
  return { id, severity, fire: (c) => c.results.filter((r) => r.id === probe && when(r, c.cfg)).map((r) => ({ target: targetOf(r), text: text(r, c.cfg), result: r })) }
}

const circuitRule = (id: string, severity: AlertSeverity, when: (c: HardwareStatus['circuits'][number], cfg: MonitorConfig) => boolean, text: (c: HardwareStatus['circuits'][number], cfg: MonitorConfig) => string, forLabMs?: AlertRule['forLabMs']): AlertRule => ({
  id,
  severity,
  ...(forLabMs ? { forLabMs } : {}),
  fire: (x) => (x.hardware?.circuits ?? []).filter((c) => when(c, x.cfg)).map((c) => ({ target: `circuit:${c.id}`, text: text(c, x.cfg) })),
})

const arrays = (hw: HardwareStatus | undefined): { target: string; a: HardwareStatus['enclosures'][number]['arrays'][number] }[] =>
  (hw?.enclosures ?? []).flatMap((e) => e.arrays.map((a) => ({ target: `array:${e.id}/${a.id}`, a })))

/** a queue that grew on each of its last 3 samples and is not empty */
function growing(points: readonly HistoryPoint[]): boolean {
  const last = points.slice(-3).map((p) => p.values.total)
  return last.length === 3 && last.every((v, i) => v !== undefined && (i === 0 || v > last[i - 1]!))
}

export const ALERT_RULES: AlertRule[] = [
  probeRule('replication.stopped', 'critical', 'db.replication', (r) => !r.ok, (r) => `replication to ${r.target} is broken: ${r.message}`),
  probeRule('replication.lagging', 'warning', 'db.replication', (r, cfg) => r.ok && (num(r, 'lagSeconds') ?? 0) > cfg.lagAlertSeconds, (r, cfg) => `${r.target} is ${num(r, 'lagSeconds')} s behind its primary (alert above ${cfg.lagAlertSeconds} s)`),
  probeRule('replica.inconsistent', 'critical', 'db.checksum', (r) => !r.ok && num(r, 'answered') === num(r, 'servers'), (r) => `database copies differ: ${r.message}`),
  probeRule('replication.stopped', 'critical', 'imap.replication', (r) => !r.ok && r.values?.syncClientRunning === false, (r) => `mail replication from ${r.target} is stopped: ${r.message}`),
  probeRule('replica.inconsistent', 'critical', 'imap.replication', (r) => !r.ok && ((num(r, 'differences') ?? 0) > 0 || (num(r, 'fileProblems') ?? 0) > 0), (r) => `mail store and replica differ: ${r.message}`),
  probeRule('backend.readonly', 'critical', 'db.clients', (r) => !r.ok, (r) => `a backend is not on the primary database: ${r.message}`),
  probeRule('queue.deferred', 'warning', 'mx.queue', (r) => (num(r, 'deferred') ?? 0) > 0 || (num(r, 'hold') ?? 0) > 0, (r) => `mail is waiting: ${r.message}`),
  {
    id: 'queue.growing',
    severity: 'warning',
    fire: (c) => c.results.filter((r) => r.id === 'mx.queue' && growing(c.history(`mx.queue@${r.target}`))).map((r) => ({ target: targetOf(r), text: `${r.target}'s queue grows: ${c.history(`mx.queue@${r.target}`).slice(-3).map((p) => p.values.total).join(' → ')} messages` })),
  },
  circuitRule('circuit.tripped', 'critical', (c) => c.state === 'tripped', (c) => `circuit ${c.id} tripped${c.tripCause ? `: ${c.tripCause}` : ''}`),
  circuitRule('circuit.overload', 'warning', (c, cfg) => c.state !== 'tripped' && c.loadPct > cfg.circuitAlertPct, (c, cfg) => `circuit ${c.id} at ${c.loadPct.toFixed(0)} % of its ${c.ratedAmps} A rating (${c.amps.toFixed(1)} A) for over ${Math.round(cfg.circuitAlertForLabMs / 1000)} lab s`, (cfg) => cfg.circuitAlertForLabMs),
  { id: 'array.degraded', severity: 'critical', fire: (c) => arrays(c.hardware).filter(({ a }) => a.state === 'degraded' || a.state === 'failed').map(({ target, a }) => ({ target, text: `${target.slice(6)} is ${a.state}` })) },
  {
    id: 'pool.faulted',
    severity: 'critical',
    fire: (c) => (c.hardware?.pools ?? []).filter((p) => p.state === 'FAULTED').map((p) => ({ target: `pool:${p.server}`, text: `${p.server}'s ZFS pool is FAULTED: it and every backup in it are gone` })),
  },
  {
    id: 'pool.degraded',
    severity: 'warning',
    fire: (c) =>
      (c.hardware?.pools ?? [])
        .filter((p) => p.state === 'DEGRADED')
        .map((p) => ({ target: `pool:${p.server}`, text: `${p.server}'s ZFS pool is DEGRADED (${p.vdevs.filter((v) => v.state !== 'optimal').map((v) => `${v.id} ${v.state === 'rebuilding' ? `resilvering ${v.rebuildPct ?? 0} %` : v.state}`).join(', ')}): backups go on with less redundancy` })),
  },
  { id: 'array.rebuilding', severity: 'warning', fire: (c) => arrays(c.hardware).filter(({ a }) => a.state === 'rebuilding').map(({ target, a }) => ({ target, text: `${target.slice(6)} is rebuilding: ${a.rebuildPct ?? 0} %${a.etaMs !== null ? `, about ${Math.ceil(a.etaMs / 60_000)} lab min left` : ''}` })) },
]

/** Every failed probe result that no rule above explains: an alert too, with the probe's own reason. */
export const CATCH_ALL: AlertRule = { id: 'probe.failed', severity: 'warning', fire: () => [] }

export function catchAll(results: readonly ProbeResult[], explained: ReadonlySet<ProbeResult>): Firing[] {
  return results.filter((r) => !r.ok && !explained.has(r)).map((r) => ({ target: targetOf(r), text: `${r.id}: ${r.message}`, result: r, key: r.id }))
}

/** every rule's firings, then the catch-all for failed results none of them explained */
export function evaluateRules(ctx: RuleContext, rules: readonly AlertRule[] = ALERT_RULES): { rule: AlertRule; firings: Firing[]; forLabMs: number }[] {
  const out = rules.map((rule) => ({ rule, firings: rule.fire(ctx), forLabMs: rule.forLabMs?.(ctx.cfg) ?? 0 }))
  const explained = new Set(out.flatMap((o) => o.firings.map((f) => f.result).filter((r): r is ProbeResult => !!r)))
  out.push({ rule: CATCH_ALL, firings: catchAll(ctx.results, explained), forLabMs: 0 })
  return out
}
