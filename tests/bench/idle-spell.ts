// Whether a lab's monitor is in its idle spell, read from the lab's journal the way monitor/schedule.ts decides it:
// idleAfterMs (monitor/config.ts, 5 min) after the last action or server state change, with no probe failing. A
// fresh lab's first night (its nightly backup, an action, ~2 min after `up` at the lab's clock speed) restarts that
// wait, so a fixed settle of 6 min after `up` measured a lab that was not idle yet.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DEFAULT_MONITOR_CONFIG } from '../../main/engine/monitor/config'
import type { BenchLab } from './lab-cost'

interface Entry {
  kind: string
  at: string
  text?: string
  data?: { key?: unknown; ok?: unknown }
}

/** ms the idle spell has lasted at `now` (negative: how long until it may begin), or undefined while a probe fails.
 *  Probe results are journaled when they change, so each probe's last entry is its state now; a unit that went away
 *  while failing is journaled as "gone" and fails no more. */
export function idleSpellAge(entries: readonly Entry[], now: number, idleAfterMs = DEFAULT_MONITOR_CONFIG.idleAfterMs): number | undefined {
  let quietSince = entries.length ? Date.parse(entries[0]!.at) : now
  const ok = new Map<string, boolean>()
  for (const e of entries) {
    if (e.kind === 'action' || e.kind === 'state') quietSince = Date.parse(e.at)
    if (e.kind !== 'probe' || typeof e.data?.key !== 'string' || typeof e.data.ok !== 'boolean') continue
    // "… gone: no longer runs on …": the unit went away while failing (monitor/result-changes.ts), so it fails no more
    if (e.text?.includes(' gone: ')) ok.delete(e.data.key)
    else ok.set(e.data.key, e.data.ok)
  }
  if ([...ok.values()].some((v) => !v)) return undefined
  return now - quietSince - idleAfterMs
}

const journal = (l: BenchLab): Entry[] =>
  readFileSync(join(l.home, l.lab, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((line, i) => {
    try {
      return JSON.parse(line) as Entry
    } catch {
      throw new Error(`${join(l.home, l.lab, 'journal.jsonl')} line ${i + 1} is not JSON`)
    }
  })

/** waits until the lab's idle spell has lasted `intoMs` (the stretched cadence in effect), at most `maxMs`;
 *  says how long it waited and whether the spell was reached */
export async function waitForIdleSpell(l: BenchLab, maxMs: number, intoMs = 30_000): Promise<{ waitedMs: number; idle: boolean }> {
  const t0 = Date.now()
  for (;;) {
    const age = idleSpellAge(journal(l), Date.now())
    if (age !== undefined && age >= intoMs) return { waitedMs: Date.now() - t0, idle: true }
    if (Date.now() - t0 >= maxMs) return { waitedMs: Date.now() - t0, idle: false }
    await new Promise((r) => setTimeout(r, 5000))
  }
}
