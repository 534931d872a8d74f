// The hardware model: physical truth of the lab (power, disks, cables) as a pure, deterministic state machine.
// Time comes from the injected clock; randomness from the seed. Between discrete events every load is constant,
// so `advanceTo` jumps from event to event and integrates breaker heat and rebuild progress exactly: the result
// does not depend on how often the caller ticks.
import { LabError } from '@contract/errors'
import type { ActionInfo } from '@contract/status'
import type { Topology } from '@contract/topology'
import { ActionRegistry, type ActionCtx } from './actions.ts'
import { networkTargets } from './actions-network.ts'
import { powerTargets } from './actions-power.ts'
import { storageTargets } from './actions-storage.ts'
import { buildState } from './build.ts'
import type { Catalog } from './catalog-schema.ts'
import type { LabClock } from './clock.ts'
import { computeEffects, type Effects } from './effects.ts'
import type { Emit, HardwareEvent } from './events.ts'
import { computeFlow, type PowerFlow } from './power.ts'
import { firePower, integrateBreakers, nextPowerDue, settlePower } from './power-rules.ts'
import type { HwState } from './state.ts'
import { buildStatus, type HardwareStatus } from './status.ts'
import { fireStorage, integrateStorage, nextStorageDue, settleStorage } from './storage.ts'
import { diffWatch, takeWatch, type Watch } from './watch.ts'

export interface ModelOptions {
  clock: LabClock
  /** defaults to the topology's seed */
  seed?: number
  /** start with everything switched on and booted (default true) */
  powered?: boolean
}

export interface ActionRequest {
  target: string
  action: string
}

export interface ActionResult extends ActionRequest {
  text: string
  /** the events this action caused at once (later ones come from tick) */
  events: HardwareEvent[]
}

const registry = new ActionRegistry([...powerTargets, ...storageTargets, ...networkTargets])
/** a safety net against a timer that never gets consumed */
const MAX_STEPS_PER_ADVANCE = 1_000_000

export class HardwareModel {
  private readonly s: HwState
  private readonly clock: LabClock
  private readonly log: HardwareEvent[] = []
  private flow: PowerFlow
  private watch: Watch
  private readonly emit: Emit = (kind, target, text, data) => {
    this.log.push(data === undefined ? { labMs: this.s.nowMs, kind, target, text } : { labMs: this.s.nowMs, kind, target, text, data })
  }

  constructor(topology: Topology, catalog: Catalog, opts: ModelOptions) {
    this.clock = opts.clock
    this.s = buildState(topology, catalog, { seed: opts.seed ?? topology.seed, powered: opts.powered ?? true })
    this.s.nowMs = Math.floor(opts.clock.now())
    // the baseline is the state as built, so whatever settling does at once (an instant trip) becomes events
    this.flow = computeFlow(this.s)
    this.watch = takeWatch(this.s, this.flow)
    // circuits start from "ok" so a topology that is already over 80 % says so in the first events
    for (const [id, level] of this.watch.circuits) if (level === 'warning' || level === 'overload') this.watch.circuits.set(id, 'ok')
    this.settle()
  }

  /** Lab milliseconds the model has reached. */
  get labMs(): number {
    return this.s.nowMs
  }

  /** Advances to `nowMs` (default: the clock) and returns the events that happened on the way. */
  tick(nowMs?: number): HardwareEvent[] {
    const mark = this.log.length
    this.advanceTo(nowMs === undefined ? this.clockNow() : Math.floor(nowMs))
    return this.log.slice(mark)
  }

  apply(req: ActionRequest): ActionResult {
    this.advanceTo(this.clockNow())
    const mark = this.log.length
    const text = registry.run(this.ctx(), req.target, req.action)
    this.emit('action', req.target, text, { action: req.action })
    this.settle()
    this.advanceTo(this.s.nowMs) // anything due right now, e.g. the first unit of a staggered power-on
    return { ...req, text, events: this.log.slice(mark) }
  }

  actionsFor(target: string): ActionInfo[] {
    return registry.actionsFor(this.ctx(), target)
  }

  /** Every target in the lab, e.g. for completion in the CLI. */
  targets(): string[] {
    return registry.targets(this.s)
  }

  /** A server's utilisation: 0 draws idle watts, 1 load watts (and slows its enclosure's rebuild). */
  setLoad(server: string, load: number): void {
    const u = this.s.units.get(server)
    if (u?.kind !== 'server') throw new LabError('NOT_FOUND', `no server "${server}" in this lab`)
    if (!(load >= 0 && load <= 1)) throw new LabError('BAD_INPUT', `load must be between 0 and 1, got ${load}`)
    this.advanceTo(this.clockNow())
    u.load = load
    this.settle()
    this.advanceTo(this.s.nowMs)
  }

  /** The append-only event log from index `since`. */
  events(since = 0): HardwareEvent[] {
    return this.log.slice(since)
  }

  get eventCount(): number {
    return this.log.length
  }

  /** Plain-JSON snapshot as of the last tick or action. */
  status(): HardwareStatus {
    return buildStatus(this.s, this.flow)
  }

  /** What each server's container should look like right now. */
  effects(): Effects {
    return computeEffects(this.s)
  }

  /** Whole lab milliseconds from the clock, never behind the model (a caller may have ticked ahead of it). */
  private clockNow(): number {
    return Math.max(this.s.nowMs, Math.floor(this.clock.now()))
  }

  private ctx(): ActionCtx {
    return { s: this.s, emit: this.emit }
  }

  /** Resolves the present instant (power, trips, storage) and emits the state changes. */
  private settle(): void {
    settlePower(this.s)
    settleStorage(this.s, this.emit)
    // a rebuild that just started draws more: settle power once more for instant trips
    this.flow = settlePower(this.s)
    const next = takeWatch(this.s, this.flow)
    diffWatch(this.s, this.flow, this.watch, next, this.emit)
    this.watch = next
  }

  private advanceTo(t: number): void {
    const s = this.s
    if (!Number.isFinite(t)) throw new LabError('BAD_INPUT', `lab time must be a finite number, got ${t}`)
    if (t < s.nowMs) throw new LabError('BAD_INPUT', `lab time cannot go back (${t} < ${s.nowMs})`)
    for (let step = 0; step < MAX_STEPS_PER_ADVANCE; step++) {
      const due = Math.max(s.nowMs, Math.min(nextPowerDue(s, this.flow), nextStorageDue(s)))
      const until = Math.min(due, t)
      integrateBreakers(s, this.flow, until - s.nowMs)
      integrateStorage(s, until - s.nowMs)
      s.nowMs = until
      if (due > t) return
      firePower(s, this.flow, this.emit)
      fireStorage(s, this.emit)
      this.settle()
    }
    throw new LabError('INTERNAL', `hardware model: more than ${MAX_STEPS_PER_ADVANCE} events before ${t} ms`)
  }
}
