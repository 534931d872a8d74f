// Which planned probe units to start now: each on its cadence, medium and slow ones again soon after an
// action, a failing one again soon, never one that is still running (a probe does not overlap itself). When
// there is less room than due units, the one that has waited longest goes first (never run: first of all; cheap
// ones first among equals): ordering by cheapness alone let the always-due fast probes take every free slot on
// a busy host, and failing slow probes (mail.e2e, spam.tagged) kept a boot-time failure for minutes.
import type { ProbeUnit } from '../probes/probe-unit'
import { cadenceOf, type MonitorConfig } from './config'

export interface ScheduleState {
  /** wall ms each unit (by key) last started */
  lastStart: ReadonlyMap<string, number>
  /** keys whose last run has not ended */
  busy: ReadonlySet<string>
  /** wall ms of the last action in the lab */
  lastActionAt?: number
  /** keys whose last run failed: they are looked at again soon (a slow probe that failed while a server was
   * still booting must not report that failure for its whole cadence) */
  failing?: ReadonlySet<string>
  /** wall ms since nothing happened in the lab (its start, its last action or state change); undefined: never idle */
  quietSince?: number
}

/** whether the lab is idle: quiet for cfg.idleAfterMs with nothing failing */
export const isIdle = (s: ScheduleState, now: number, cfg: Pick<MonitorConfig, 'idleAfterMs'>): boolean =>
  s.quietSince !== undefined && now - s.quietSince >= cfg.idleAfterMs && !s.failing?.size

const ORDER = { fast: 0, medium: 1, slow: 2 }

export function dueUnits(units: readonly ProbeUnit[], s: ScheduleState, now: number, cfg: Pick<MonitorConfig, 'everyMs' | 'afterActionMs' | 'retryFailingMs' | 'idleAfterMs' | 'idleFactor'>, room = Infinity): ProbeUnit[] {
  const stretch = isIdle(s, now, cfg) ? cfg.idleFactor : 1
  const due = units.filter((u) => {
    if (s.busy.has(u.key)) return false
    const last = s.lastStart.get(u.key)
    if (last === undefined) return true
    const cadence = cadenceOf(u.id)
    if (now - last >= cfg.everyMs[cadence] * stretch) return true
    if (s.failing?.has(u.key) && now - last >= cfg.retryFailingMs) return true
    if (cadence === 'fast' || s.lastActionAt === undefined) return false
    const settle = s.lastActionAt + cfg.afterActionMs
    return now >= settle && last < settle
  })
  const waited = (u: ProbeUnit): number => now - (s.lastStart.get(u.key) ?? -Infinity)
  return due.sort((a, b) => waited(b) - waited(a) || ORDER[cadenceOf(a.id)] - ORDER[cadenceOf(b.id)]).slice(0, Math.max(0, room))
}
