// Grading an exercise: which objectives a lab has reached, from what the server itself observed (the monitor's
// probe results, the servers' states, the hardware model), never from anything a client says. Pure: the
// workshop server feeds it observations and keeps the score it returns.
import type { ProbeResult, ServerStatus } from '@contract/status'
import type { HardwareStatus } from '@contract/hardware'
import { LabError } from '@contract/errors'
import type { Scenario, ScenarioGoal } from './schema'

export interface Observation {
  probes: ProbeResult[]
  servers: ServerStatus[]
  hardware?: HardwareStatus | undefined
}

export interface LabScore {
  /** epoch ms when the exercise's steps ended (the clock of the time box); probe results older do not count */
  startedAt: number
  /** objective id → points earned and when */
  achieved: Record<string, { points: number; at: number }>
  /** hints revealed so far (the first N of the exercise's hints) */
  hintsTaken: number
  hintCost: number
}

export const newScore = (startedAt: number): LabScore => ({ startedAt, achieved: {}, hintsTaken: 0, hintCost: 0 })

export const scoreOf = (s: LabScore): number => Math.max(0, Object.values(s.achieved).reduce((n, a) => n + a.points, 0) - s.hintCost)
export const maxScore = (ex: Scenario): number => (ex.objectives ?? []).reduce((n, o) => n + o.points, 0)
export const timeLeftMs = (ex: Scenario, s: LabScore, now: number): number | null => (ex.timebox === undefined ? null : Math.max(0, s.startedAt + ex.timebox - now))

/** does one goal hold in this observation? with the words that say what was seen */
export function goalHolds(g: ScenarioGoal, o: Observation, startedAt: number): { ok: boolean; seen: string } {
  if (g.probe !== undefined) {
    // a result from before the exercise began says nothing about what the student did
    const results = o.probes.filter((r) => r.id === g.probe && (!g.target || r.target === g.target) && Date.parse(r.at) >= startedAt)
    if (!results.length) return { ok: false, seen: `no result of ${g.probe}${g.target ? ` on ${g.target}` : ''} since the exercise began` }
    const want = g.ok ?? true
    return { ok: results.every((r) => r.ok === want), seen: results.map((r) => `${r.target}: ${r.ok ? 'ok' : 'failing'}`).join('; ') }
  }
  if (g.server !== undefined) {
    const s = o.servers.find((x) => x.id === g.server)
    if (!s) return { ok: false, seen: `${g.server} is not in the lab` }
    return { ok: (!g.state || s.state === g.state) && (!g.health || s.health === g.health), seen: `${s.id} is ${s.state}, ${s.health}` }
  }
  if (g.circuit !== undefined) {
    const c = o.hardware?.circuits.find((x) => x.id === g.circuit)
    if (!c) return { ok: false, seen: `no circuit ${g.circuit} in the hardware model` }
    return { ok: c.state !== 'tripped' && c.energized && c.loadPct < g.maxLoadPct!, seen: `${c.id} ${c.state} at ${Math.round(c.loadPct)} %` }
  }
  const a = o.hardware?.enclosures.flatMap((e) => e.arrays).find((x) => x.id === g.array)
  if (!a) return { ok: false, seen: `no array ${g.array} in the hardware model` }
  return { ok: a.state === g.arrayState, seen: `${a.id} is ${a.state}` }
}

/** the score after this observation: objectives reached now are added (once; earned points are never taken
 *  back, even when the lab breaks again later), none after the time box */
export function grade(ex: Scenario, s: LabScore, o: Observation, now: number): LabScore {
  if (timeLeftMs(ex, s, now) === 0) return s
  let achieved = s.achieved
  for (const obj of ex.objectives ?? []) {
    if (achieved[obj.id]) continue
    if (obj.when.every((g) => goalHolds(g, o, s.startedAt).ok)) achieved = { ...achieved, [obj.id]: { points: obj.points, at: now } }
  }
  return achieved === s.achieved ? s : { ...s, achieved }
}

/** reveal the next hint: its text and the score that pays for it; refused when none is left */
export function revealHint(ex: Scenario, s: LabScore): { hint: string; score: LabScore } {
  const h = ex.hints[s.hintsTaken]
  if (!h) throw new LabError('REFUSED', ex.hints.length ? `all ${ex.hints.length} hints are already revealed` : `exercise ${ex.name} has no hints`)
  return { hint: h.text, score: { ...s, hintsTaken: s.hintsTaken + 1, hintCost: s.hintCost + h.cost } }
}

/** the objectives in order, each with whether it is reached: the dashboard's "current step" is the first not */
export function progress(ex: Scenario, s: LabScore): { id: string; text: string; points: number; done: boolean }[] {
  return (ex.objectives ?? []).map((o) => ({ id: o.id, text: o.text, points: o.points, done: !!s.achieved[o.id] }))
}
