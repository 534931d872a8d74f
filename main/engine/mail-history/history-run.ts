// A scenario's mail workload from start to verdict: send while the steps run, then (after cleanup) read every
// store until all accepted mail is accounted for or `settle` runs out, and hold the counts against expect.mail.
import type { MailExpectation, ScenarioWorkload } from '../scenarios/schema'
import { checkHistory, describeHistory, historyCounts, type HistoryReport, type StoreRead } from './check'
import { readStore } from './stores'
import { startWorkload, type SentMessage, type WorkloadExec } from './workload'

export interface HistoryDeps {
  exec: WorkloadExec
  /** a test user's password, for the webmail path */
  password?(user: string): string | undefined
  now(): number
  sleep(ms: number): Promise<void>
}

const POLL_MS = 5000

export function runWorkload(w: ScenarioWorkload, d: HistoryDeps): { runTag: string; stop(): Promise<SentMessage[]> } {
  // unique per run (earlier runs' mail stays in the mailboxes); the seed alone decides the stream's content
  const runTag = `${w.seed}-${d.now().toString(36)}`
  const spec = { via: w.via, to: w.to, seed: w.seed, everyMs: w.every, ...(d.password ? { password: (u: string) => d.password!(u) } : {}) }
  return { runTag, ...startWorkload(spec, runTag, d.exec, () => d.now(), (ms) => d.sleep(ms)) }
}

export async function readStores(w: ScenarioWorkload, runTag: string, d: HistoryDeps): Promise<StoreRead[]> {
  const users = [...new Set(w.to.map((a) => a.split('@')[0]!))]
  const out: StoreRead[] = []
  for (const server of w.stores) {
    try {
      out.push({ server, messages: await readStore(d.exec, server, users, runTag) })
    } catch (e) {
      out.push({ server, error: e instanceof Error ? e.message : String(e) })
    }
  }
  return out
}

/** read until nothing accepted is missing from any store (mail may still sit in a queue), or settle ends */
export async function settleAndCheck(w: ScenarioWorkload, runTag: string, sent: SentMessage[], d: HistoryDeps): Promise<HistoryReport> {
  const deadline = d.now() + w.settle
  for (;;) {
    const report = checkHistory(sent, await readStores(w, runTag, d))
    const settled = !report.lost.length && !report.replicaDiffers.length && !report.unreadable.length
    if (settled || d.now() >= deadline) return report
    await d.sleep(Math.min(POLL_MS, Math.max(0, deadline - d.now())))
  }
}

/** which expectations failed, in words; empty when all hold (an unreadable store fails any expectation) */
export function unmetExpectations(r: HistoryReport, want: MailExpectation | undefined): string[] {
  if (!want) return []
  const counts = historyCounts(r)
  const out = Object.entries(want)
    .filter(([k, v]) => v !== undefined && counts[k as keyof MailExpectation] !== v)
    .map(([k, v]) => `${k} ${counts[k as keyof MailExpectation]}, expected ${v}`)
  if (r.unreadable.length) out.push(`could not read ${r.unreadable.map((u) => u.server).join(', ')}`)
  return out
}

export function historyValues(r: HistoryReport): Record<string, number> {
  return { ...historyCounts(r), ...(r.latencyMs ? { latencyP50Ms: r.latencyMs.p50, latencyP90Ms: r.latencyMs.p90, latencyP99Ms: r.latencyMs.p99, latencyMaxMs: r.latencyMs.max } : {}) }
}

export { describeHistory }
