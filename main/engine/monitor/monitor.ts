// The monitor: lives in a long-running runtime and never sleeps. Every tick it samples the hardware, starts
// the probe units that are due (each isolated, none overlapping itself), keeps bounded history, journals
// results that are news and raises or clears alerts. `check` reads its latest results at once.
import type { HardwareStatus } from '@contract/hardware'
import type { Alert, AlertsChanged, HistorySeries } from '@contract/monitor'
import type { JournalEntry, ProbeResult } from '@contract/status'
import type { JournalInput } from '../journal/journal'
import { realTimers, runIsolated, type ProbeUnit, type Timers } from '../probes/probe-unit'
import { evaluateRules } from './alert-rules'
import { AlertBook } from './alert-book'
import { DEFAULT_MONITOR_CONFIG, type MonitorConfig } from './config'
import { hardwareSamples } from './hardware-samples'
import { History, numericValues } from './history'
import { endsLab, ResultChanges } from './result-changes'
import { dueUnits } from './schedule'

export interface MonitorTimers extends Timers {
  setInterval(fn: () => void, ms: number): unknown
  clearInterval(handle: unknown): void
}
const realMonitorTimers: MonitorTimers = { ...realTimers, setInterval: (fn, ms) => setInterval(fn, ms), clearInterval: (h) => clearInterval(h as NodeJS.Timeout) }

/** how long planning waits for its readings after an action before it goes on with those it has */
export const SETTLE_MS = 5_000

export interface MonitorDeps {
  /** the probe units that apply to what runs now (planning runs nothing) */
  plan(): ProbeUnit[]
  /** bring what planning reads from the servers up to date (which database server is the primary: its role
   *  markers); run before the first plan after an action, which may have moved it (a promote, a fail-back) */
  settle?(): Promise<void>
  /** false while probes can't run (no Docker engine) or would only measure boots and shutdowns (an `up` or `down` running): only the hardware is watched then */
  canProbe(): boolean
  hardware(): HardwareStatus | undefined
  labMs(): number
  journal: { append(e: JournalInput): unknown; list(since: number, limit: number): JournalEntry[]; onAppend(fn: (e: JournalEntry) => void): () => void }
  onResults(results: ProbeResult[]): void
  onAlerts(change: AlertsChanged): void
  timers?: MonitorTimers
  config?: Partial<MonitorConfig>
}

export type AgedResult = ProbeResult & { ageMs: number }

export class Monitor {
  readonly cfg: MonitorConfig
  private readonly timers: MonitorTimers
  private readonly history: History
  private readonly alerts = new AlertBook()
  private readonly changes: ResultChanges
  /** unit key → its latest results; at: when the run ended (its age), startedAt: when it began (a run begun
   *  before an action is older news) */
  private readonly latest = new Map<string, { results: ProbeResult[]; at: number; startedAt: number }>()
  private readonly lastStart = new Map<string, number>()
  /** a unit's run under way, and when it began (a run begun before the last action is not joined by `check`) */
  private readonly inFlight = new Map<string, { result: Promise<ProbeResult[]>; startedAt: number }>()
  private readonly busy = new Set<string>()
  private lastActionAt: number | undefined
  /** the monitor's start, then the last action or state change: the lab is idle a while after it */
  private quietSince: number
  /** hardware samples' ok last tick: a change (a trip, a failed disk) counts as an action, whoever made it */
  private hardwareOk = new Map<string, boolean>()
  private interval: unknown
  /** after stop, runs still in flight report nothing (the runtime is closing) */
  private stopped = false
  private readonly offJournal: () => void
  /** actions seen, and hardware changes (they act on the servers too); how many of both the last settle came
   *  after, and the settle under way. Counted, not timed: an action and a settle in the same millisecond stay
   *  ordered. -1: the first plan waits for a reading too (an engine started on a lab whose db2 was promoted
   *  before planned db.replication on db2 and judged every client against db1: critical alerts, cleared a round
   *  later) */
  private actionsSeen = 0
  private hardwareChanges = 0
  private settledAfter = -1
  private settling: Promise<void> | undefined

  constructor(private readonly d: MonitorDeps) {
    this.cfg = { ...DEFAULT_MONITOR_CONFIG, ...d.config }
    this.timers = d.timers ?? realMonitorTimers
    this.history = new History(this.cfg.historyPoints)
    this.changes = new ResultChanges((e) => d.journal.append(e), d.journal.list(0, 5000))
    this.quietSince = this.timers.now()
    this.offJournal = d.journal.onAppend((e) => {
      // an action on the lab carries data.action (opening a console is journaled as an action too, and changes nothing)
      if (e.kind === 'action' && typeof (e.data as { action?: unknown } | undefined)?.action === 'string') this.noteAction()
      // a server that changed state (crashed, stopped from outside) ends an idle spell too
      if (e.kind === 'action' || e.kind === 'state') this.quietSince = this.timers.now()
      // a down ended every probe, even when no tick saw the lab empty (no probes run during up or down, and an up
      // can follow at once): the next lab's results are its own news, never the old lab's latest
      if (endsLab(e)) this.forgetGone([])
    })
  }

  start(): void {
    if (this.interval !== undefined) return
    this.interval = this.timers.setInterval(() => this.tick(), this.cfg.tickMs)
    this.tick()
  }

  stop(): void {
    if (this.interval !== undefined) this.timers.clearInterval(this.interval)
    this.interval = undefined
    this.stopped = true
    this.offJournal()
  }

  /** one look: hardware sampled, gone units forgotten, due units started, alerts evaluated */
  tick(): void {
    const now = this.timers.now()
    const hw = this.d.hardware()
    const labMs = this.d.labMs()
    const samples = hw ? hardwareSamples(hw) : []
    for (const s of samples) this.history.add(s.key, s.source, s.target, { at: now, labMs, ok: s.ok, values: s.values })
    const ok = new Map(samples.map((s) => [s.key, s.ok]))
    if (this.hardwareOk.size && [...ok].some(([k, v]) => this.hardwareOk.get(k) !== v)) {
      this.lastActionAt = this.quietSince = now
      this.hardwareChanges++
    }
    this.hardwareOk = ok
    if (this.d.canProbe() && this.unsettled()) {
      // an action since planning's last reading: the units planned from it (db.replication on a promoted
      // primary, db.clients judged against the old one) would report the action's aftermath as faults. One tick
      // follows the settle, however many came while it ran.
      if (!this.settling)
        void this.settle().then(() => {
          if (!this.stopped) this.tick()
        })
    } else if (this.d.canProbe()) {
      const units = this.planSafely()
      this.forgetGone(units)
      const room = this.cfg.concurrency - this.busy.size
      for (const u of dueUnits(units, { lastStart: this.lastStart, busy: this.busy, failing: this.failingKeys(), quietSince: this.quietSince, ...(this.lastActionAt === undefined ? {} : { lastActionAt: this.lastActionAt }) }, now, this.cfg, room)) void this.launch(u)
    }
    this.evaluate(hw)
  }

  private failingKeys(): Set<string> {
    return new Set([...this.latest].filter(([, l]) => l.results.some((r) => !r.ok)).map(([k]) => k))
  }

  /** an action: this process's (journaled), or one it did not journal (another process's, until one engine owns
   *  the lab) */
  noteAction(): void {
    this.lastActionAt = this.quietSince = this.timers.now()
    this.actionsSeen++
  }

  /** the latest result of every unit that applies now, with its age */
  latestResults(): AgedResult[] {
    const now = this.timers.now()
    return [...this.latest.values()].flatMap((l) => l.results.map((r) => ({ ...r, ageMs: now - l.at })))
  }

  /**
   * What `check` answers: a result for every unit that applies now. Not fresh: the latest one at once, and only
   * a unit that never reported, or whose latest result was taken before the last action (a fault or its undo
   * since: that result says nothing of now), is waited for. Fresh: every unit runs after the call (`only`: these
   * probe ids): a run begun before it (or before the last action) ends first and the unit runs again, never
   * overlapping itself; a run begun since is joined. (Joining any run in flight answered a replica's damaged files
   * from a run that had read one of the two before the second was removed; after an undo, a DNS block's failure.)
   */
  async check(o: { fresh?: boolean; only?: readonly string[] } = {}): Promise<AgedResult[]> {
    await this.settle()
    const units = this.planSafely().filter((u) => !o.only || o.only.includes(u.id))
    const actedAt = this.lastActionAt
    const since = o.fresh ? Math.max(this.timers.now(), actedAt ?? 0) : actedAt
    const runs = await Promise.all(
      units.map(async (u) => {
        const last = this.latest.get(u.key)
        const current = last !== undefined && (actedAt === undefined || last.startedAt >= actedAt)
        if (current && !o.fresh) return last.results.map((r) => ({ ...r, ageMs: this.timers.now() - last.at }))
        const flying = this.inFlight.get(u.key)
        if (flying && since !== undefined && flying.startedAt < since) await flying.result.catch(() => undefined)
        const joinable = this.inFlight.get(u.key)
        // a unit still busy after a timeout has no run to join: its timeout result is the latest news
        const after = this.latest.get(u.key)
        const results = await (joinable?.result ?? (this.busy.has(u.key) && after ? Promise.resolve(after.results) : this.launch(u)))
        return results.map((r) => ({ ...r, ageMs: Math.max(0, this.timers.now() - Date.parse(r.at)) }))
      }),
    )
    return runs.flat()
  }

  activeAlerts(): Alert[] {
    return this.alerts.list()
  }

  historySeries(keys?: readonly string[]): HistorySeries[] {
    return this.history.list(keys)
  }

  /** an action was taken since planning's readings were last brought up to date */
  private unsettled(): boolean {
    return this.d.settle !== undefined && this.actionsSeen + this.hardwareChanges > this.settledAfter
  }

  /** planning's readings brought up to date when an action came after them; one settle at a time, shared */
  private async settle(): Promise<void> {
    if (!this.unsettled()) return
    this.settling ??= (async () => {
      const after = this.actionsSeen + this.hardwareChanges
      let timer: unknown
      try {
        // a hung db server (its `cat` waits for the exec's timeout) holds planning up for SETTLE_MS at most
        const late = new Promise<void>((res) => (timer = this.timers.setTimeout(res, SETTLE_MS)))
        await Promise.race([this.d.settle!(), late])
      } catch (e) {
        // planning goes on with the readings it has; the db.ping units read the markers again
        this.d.journal.append({ kind: 'engine', text: `monitor could not read the servers' roles before planning: ${(e as Error).message}` })
      } finally {
        this.timers.clearTimeout(timer)
        this.settledAfter = after
        this.settling = undefined
      }
    })()
    await this.settling
  }

  private planSafely(): ProbeUnit[] {
    try {
      return this.d.plan()
    } catch (e) {
      this.d.journal.append({ kind: 'engine', text: `monitor could not plan probes: ${(e as Error).message}` })
      return []
    }
  }

  private launch(u: ProbeUnit): Promise<ProbeResult[]> {
    const startedAt = this.timers.now()
    this.lastStart.set(u.key, startedAt)
    this.busy.add(u.key)
    const { result, settled } = runIsolated(u, this.timers)
    this.inFlight.set(u.key, { result, startedAt })
    const actions = this.actionsSeen
    void settled.then(() => this.busy.delete(u.key))
    void result.then((rs) => {
      this.inFlight.delete(u.key)
      // an action came while it ran: what it saw is part before, part after, and judged by a plan made before
      // (after a fail-back, web1 "gets db1, not the primary db2": a critical alert raised and cleared within a
      // second). It is no news; the unit is due again at once. (A caller of check gets it: check launches a run
      // for itself and says which results are older than the last action.)
      if (this.actionsSeen !== actions) {
        if (this.lastStart.get(u.key) === startedAt) this.lastStart.delete(u.key)
        return
      }
      this.record(u, rs, startedAt)
    })
    return result
  }

  private record(u: ProbeUnit, results: ProbeResult[], startedAt: number): void {
    if (this.stopped) return
    const now = this.timers.now()
    this.latest.set(u.key, { results, at: now, startedAt })
    for (const r of results) {
      this.history.add(u.key, u.id, u.target, { at: now, labMs: this.d.labMs(), ok: r.ok, values: numericValues(r.values) })
      this.changes.record(u.key, r)
    }
    this.d.onResults(results)
    this.evaluate(this.d.hardware())
  }

  /** a unit no longer planned (its server stopped) has no current result */
  private forgetGone(units: readonly ProbeUnit[]): void {
    const keys = new Set(units.map((u) => u.key))
    for (const [key, l] of this.latest)
      if (!keys.has(key)) {
        this.latest.delete(key)
        for (const r of l.results) this.changes.gone(key, r)
      }
  }

  private evaluate(hw: HardwareStatus | undefined): void {
    const labMs = this.d.labMs()
    const results = [...this.latest.values()].flatMap((l) => l.results)
    const firings = evaluateRules({ results, hardware: hw, history: (k) => this.history.points(k), cfg: this.cfg })
    const change = this.alerts.update(firings, this.timers.now(), labMs)
    if (!change.raised.length && !change.cleared.length) return
    for (const a of change.raised) this.d.journal.append({ kind: 'alert', target: a.target, text: `ALERT ${a.severity} ${a.rule}: ${a.text}`, labMs, data: { alert: a.id, raised: true } })
    for (const a of change.cleared) this.d.journal.append({ kind: 'alert', target: a.target, text: `cleared ${a.rule}: ${a.text}`, labMs, data: { alert: a.id, raised: false } })
    this.d.onAlerts(change)
  }
}
