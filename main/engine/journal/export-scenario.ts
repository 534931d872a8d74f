// Record → scenario: the actions in a stretch of the journal, with their args and the lab-time waits between
// them, become a scenario file. A wait is the idle gap between two actions (from the end of one to the start of
// the next: a replay's step takes its own time again). Its expectations are the probe results that held at the
// end of the stretch and its cleanup the recorded inverses, newest first, of the actions still in effect there
// (in-effect.ts: one undone, or put back by hand, is not undone twice). The journal holds a probe's result only
// when it changes, so a result from before the stretch's last action is known to stand at the end only if the
// probes ran again after it: an export up to now waits for that (the monitor's check, journaled as what stands).
// A stretch that ends sooner than RECHECK_MS after its last action, with no such round, says so in its description
// (the user chose that end; what the journal holds then is kept). Pure: the CLI fetches the journal and checks
// that each action still exists in the lab (exportProblems) before it writes anything.
import { LabError } from '@contract/lab-error'
import type { JournalEntry } from '@contract/status'
import { stringify } from 'yaml'
import type { Inverse } from '../actions/types'
import { stillInEffect } from './in-effect'

export interface RecordedAction {
  /** journal sequence of the entry, and its position among the exported steps (1-based) */
  journalSeq: number
  step: number
  /** lab time it began and ended (the entry is written when it ends) */
  startLabMs: number
  endLabMs: number
  target: string
  action: string
  args: Record<string, string>
  inverse: Inverse
  /** the ledger's number, and the one this action undid */
  ledgerSeq?: number
  undoes?: number
}

interface ActionData {
  action?: unknown
  args?: unknown
  inverse?: unknown
  ok?: unknown
  seq?: unknown
  startLabMs?: unknown
  undoes?: unknown
}

/** the successful actions journaled in (since, until]; EMPTY_RANGE-style BAD_INPUT when there are none */
export function recordedActions(entries: readonly JournalEntry[], since: number, until = Infinity): RecordedAction[] {
  const out: RecordedAction[] = []
  for (const e of entries) {
    if (e.kind !== 'action' || e.seq <= since || e.seq > until) continue
    const d = e.data as ActionData | undefined
    // consoles opened and closed are journaled as actions without data: they change nothing to replay
    if (typeof d?.action !== 'string' || !e.target || d.ok !== true) continue
    out.push({
      journalSeq: e.seq,
      step: out.length + 1,
      // entries written before actions carried their start count from their end, as if they took no time
      startLabMs: typeof d.startLabMs === 'number' ? d.startLabMs : e.labMs,
      endLabMs: e.labMs,
      target: e.target,
      action: d.action,
      args: (d.args && typeof d.args === 'object' ? d.args : {}) as Record<string, string>,
      inverse: (d.inverse && typeof d.inverse === 'object' ? d.inverse : { none: 'not recorded' }) as Inverse,
      ...(typeof d.seq === 'number' ? { ledgerSeq: d.seq } : {}),
      ...(typeof d.undoes === 'number' ? { undoes: d.undoes } : {}),
    })
  }
  if (!out.length) {
    const range = `after journal entry ${since}${until === Infinity ? '' : ` up to ${until}`}`
    throw new LabError('BAD_INPUT', `nothing to export: no action succeeded ${range} (racklab journal --since ${since} lists what is there)`)
  }
  return out
}

const actWords = (target: string, action: string, args: Record<string, string>, where: string): string => {
  for (const [k, v] of Object.entries(args)) if (/\s/.test(v) || !/^[a-z][a-z0-9-]*$/.test(k)) throw new LabError('BAD_INPUT', `${where}: ${k}=${JSON.stringify(v)} cannot be written as a scenario step (a name=value without spaces)`)
  return [target, action, ...Object.entries(args).map(([k, v]) => `${k}=${v}`)].join(' ')
}

const fmtLab = (ms: number): string => {
  const s = Math.round(ms / 1000)
  return s >= 60 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${s}s`
}

export interface ExportOptions {
  name: string
  since: number
  until?: number
  /** lab minutes per wall minute (topology clock.speed): a recorded lab-time wait is replayed as wall time / speed */
  speed: number
  /** the servers brought up before the steps (the lab's servers when it was recorded, running or not): their
   *  probe results at the end are expected */
  up: string[]
  /** what the recording was made on: a replay onto another topology is refused with the differences */
  recordedOn: { topology: string; servers: Record<string, string> }
  /** how long each expectation may take to hold on the replay */
  expectWithinMs?: number
}

interface StandingData {
  standing: ProbeEnd[]
  after: number
}

/** The journal entry that says what stands once every probe ran again after entry `after` (an export up to now
 *  waits for the monitor's check and journals it): the journal otherwise holds only changes, and no "gone" for a
 *  unit that was passing (db.replication on a db2 promoted since; web.vips on fe2 alone while fe1 was off). From
 *  it on, what stands is this list; an export of the same stretch later, with --until, reads the same. */
export function standingEntry(after: number, results: readonly { id: string; target: string; ok: boolean }[]): { kind: 'probe'; text: string; data: StandingData } {
  // one per probe and target (mail.e2e through one MX to two stores is two units): failing when one of them does
  const by = new Map<string, ProbeEnd>()
  for (const r of results) {
    const k = `${r.id} ${r.target}`
    by.set(k, { probe: r.id, target: r.target, ok: r.ok && (by.get(k)?.ok ?? true) })
  }
  const standing = [...by.values()].sort((a, b) => a.probe.localeCompare(b.probe) || a.target.localeCompare(b.target))
  const failing = standing.filter((p) => !p.ok)
  const text = `probes: every probe ran again after entry ${after}: ${standing.length - failing.length} passing, ${failing.length} failing${failing.length ? ` (${failing.map((p) => `${p.probe} on ${p.target}`).join(', ')})` : ''}`
  return { kind: 'probe', text, data: { standing, after } }
}

const standingOf = (data: unknown): StandingData | undefined => {
  const d = data as Partial<StandingData> | undefined
  return Array.isArray(d?.standing) && typeof d.after === 'number' ? (d as StandingData) : undefined
}

/** how long after an action the monitor has run every probe again (medium and slow ones 5 s after it, each run
 *  a few seconds): a stretch that ends sooner may end before some of them did */
const RECHECK_MS = 60_000

interface ProbeEnd {
  probe: string
  target: string
  ok: boolean
}

/** the servers a probe target names: one, or several for a probe over a set ("db1,db2,db3" for db.checksum) */
export const targetServers = (target: string): string[] => target.split(',')

/** the probe results standing at `until`: the newest journaled result of each probe on each target. A server
 *  whose server.running fails there is down: its other results are from before it went (stale), so only that one
 *  is kept. A probe over a set of servers (db.checksum on "db1,db2,db3") runs over those running, so its target
 *  changes while one is down: only its newest set stands (the "db2,db3" of db1's outage is over once db1 is back).
 *  Results from before the lab was last taken down (a `down:` op) stand no more. */
export function probesAtEnd(entries: readonly JournalEntry[], until = Infinity): ProbeEnd[] {
  const last = new Map<string, ProbeEnd | undefined>()
  const newestSet = new Map<string, string>()
  for (const e of entries) {
    if (e.seq > until) continue
    // a lab taken down takes its results with it: what stands is what the lab brought up since measured
    if (e.kind === 'op' && /^down: /.test(e.text)) {
      last.clear()
      newestSet.clear()
    }
    if (e.kind !== 'probe') continue
    const round = standingOf(e.data)
    if (round) {
      // every probe ran again: this is what stands, and nothing older
      last.clear()
      newestSet.clear()
      for (const p of round.standing) {
        last.set(`${p.probe} ${p.target}`, { probe: p.probe, target: p.target, ok: p.ok })
        if (targetServers(p.target).length > 1) newestSet.set(p.probe, p.target)
      }
      continue
    }
    const d = e.data as { probe?: unknown; ok?: unknown } | undefined
    if (typeof d?.probe !== 'string' || typeof d.ok !== 'boolean' || !e.target) continue
    // a probe over a set: its newest target stands, one server or more (web.vips on "fe2" while fe1 was off is
    // over once it runs on "fe1,fe2" again; the monitor journals no "gone" for a unit that was passing)
    if (targetServers(e.target).length > 1 || newestSet.has(d.probe)) newestSet.set(d.probe, e.target)
    // "gone": the probe no longer ran there, so nothing held
    last.set(`${d.probe} ${e.target}`, / gone: /.test(e.text) ? undefined : { probe: d.probe, target: e.target, ok: d.ok })
  }
  const down = new Set([...last.values()].filter((p) => p?.probe === 'server.running' && !p.ok).map((p) => p!.target))
  const stands = (p: ProbeEnd): boolean => {
    if (p.probe === 'server.running') return true
    const servers = targetServers(p.target)
    return servers.every((s) => !down.has(s)) && (!newestSet.has(p.probe) || newestSet.get(p.probe) === p.target)
  }
  return [...last.values()].filter((p): p is ProbeEnd => !!p && stands(p)).sort((a, b) => a.probe.localeCompare(b.probe) || a.target.localeCompare(b.target))
}

export function exportScenario(entries: readonly JournalEntry[], o: ExportOptions): string {
  const actions = recordedActions(entries, o.since, o.until)
  const within = `${Math.round((o.expectWithinMs ?? 120_000) / 1000)}s`
  const steps: Record<string, unknown>[] = []
  for (const [i, a] of actions.entries()) {
    const gap = i ? Math.max(0, a.startLabMs - actions[i - 1]!.endLabMs) : 0
    const wallMs = Math.round(gap / o.speed)
    if (wallMs >= 100) steps.push({ name: `wait ${fmtLab(gap)} of lab time, as recorded`, sleep: `${wallMs}ms` })
    steps.push({ name: `recorded step ${a.step} (journal ${a.journalSeq}): ${a.action} ${a.target}`, act: actWords(a.target, a.action, a.args, `step ${a.step} (journal ${a.journalSeq}, ${a.action} ${a.target})`) })
  }
  const upSet = new Set(o.up)
  // how soon after its last action the stretch ends, unless a round of every probe journaled after that action says
  // what stands
  const after = entries.filter((e) => e.seq >= actions.at(-1)!.journalSeq && e.seq <= (o.until ?? Infinity))
  const reran = after.some((e) => e.kind === 'probe' && standingOf(e.data))
  const soon = !reran && after.length ? Date.parse(after.at(-1)!.at) - Date.parse(after[0]!.at) : Infinity
  const cutShort = soon < RECHECK_MS
  for (const p of probesAtEnd(entries, o.until)) if (targetServers(p.target).every((s) => upSet.has(s))) steps.push({ expect: { probe: p.probe, target: p.target, ok: p.ok }, within })
  // the recorded inverses, newest first, of what the stretch did and did not itself put back
  const cleanup: Record<string, unknown>[] = []
  for (const a of stillInEffect(actions).reverse()) {
    if ('action' in a.inverse) cleanup.push({ act: actWords(a.target, a.inverse.action, a.inverse.args ?? {}, `the inverse of step ${a.step}`), optional: true })
    else cleanup.push({ say: `no way back from ${a.action} ${a.target}: ${a.inverse.none}` })
  }
  const doc = {
    name: o.name,
    description: `Recorded from the journal, entries ${o.since + 1}–${o.until ?? actions.at(-1)!.journalSeq}: ${actions.length} action${actions.length === 1 ? '' : 's'}. Expectations are the probe results that held at the end${cutShort ? ` (it ends ${Math.round(soon / 1000)} s after its last action, before every probe had run again: a result from before that action may be expected as it was; an export without --until waits for the probes)` : ''}; cleanup is the recorded inverses of what was still in effect there.`,
    recordedOn: o.recordedOn,
    ...(o.up.length ? { up: o.up } : {}),
    steps,
    cleanup,
  }
  return `# racklab journal export --since ${o.since}${o.until !== undefined ? ` --until ${o.until}` : ''} --as scenario\n${stringify(doc, { lineWidth: 0 })}`
}

/** what the lab says of each recorded action: undefined when it exists, or why not */
export type ActionLookup = (target: string, action: string) => Promise<string | undefined>

/** every recorded action that no longer exists in the lab, naming its step */
export async function exportProblems(entries: readonly JournalEntry[], since: number, until: number | undefined, lookup: ActionLookup): Promise<string[]> {
  const out: string[] = []
  for (const a of recordedActions(entries, since, until)) {
    const why = await lookup(a.target, a.action)
    if (why) out.push(`step ${a.step} (journal ${a.journalSeq}, ${a.action} ${a.target}): ${why}`)
  }
  return out
}

/** servers (id → role) of the recording against the lab's: each difference in words, none when they match */
export function topologyDifferences(recorded: Record<string, string>, lab: Record<string, string>): string[] {
  const out: string[] = []
  for (const [id, role] of Object.entries(recorded)) {
    if (!(id in lab)) out.push(`${id} (${role}) was in the recorded lab and is not in this one`)
    else if (lab[id] !== role) out.push(`${id} was ${role} when recorded and is ${lab[id]} here`)
  }
  for (const [id, role] of Object.entries(lab)) if (!(id in recorded)) out.push(`${id} (${role}) is in this lab and was not in the recorded one`)
  return out
}
