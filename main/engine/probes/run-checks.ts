// `racklab check` run now: every probe that applies to what is running, each isolated (a timeout or a throw is
// a failed result with its reason), a few at a time. A probe that can't run says so; none is faked.
import type { ProbeResult } from '@contract/status'
import type { LabView } from '../lab/lab-context'
import { containerName } from '../lab/naming'
import { ResultChanges } from '../monitor/result-changes'
import { DbRoleBook } from './db-roles'
import { planProbes, type ProbeLab } from './plan'
import { runIsolated, type ProbeUnit } from './probe-unit'

export { CHECKSUM_TABLES, PROBE_IDS } from './plan'

/** how many probes run at once: enough that one slow one doesn't hold the rest up, few enough for a laptop */
export const PROBE_CONCURRENCY = 6

/** read through to the lab on every plan: the monitor keeps this for the lab's life, and `up` may relocate the
 *  lab (new subnets, so new addresses for every server, VIP and frontend) after the monitor was made */
export function probeLabOf(lab: LabView): ProbeLab {
  return {
    get topology() { return lab.topology },
    get relocated() { return lab.relocated },
    get servers() { return lab.servers },
    status: () => lab.status(),
    exec: (server, cmd, o) => lab.gateway.exec(containerName(lab.labId, server), cmd, { timeoutMs: o?.timeoutMs ?? 15_000 }),
    dbRoles: new DbRoleBook(),
    labMs: () => lab.labMs(),
  }
}

/** the current primary read from the role markers of the running db servers: planning depends on it
 *  (db.replication, db.clients), and an action (a promote, a fail-back) may have just moved it */
export async function readDbRoles(lab: LabView, probes: ProbeLab): Promise<void> {
  const runningDbs = lab.status().servers.filter((s) => s.role === 'db' && s.state === 'running').map((s) => s.id)
  await probes.dbRoles.read(probes.exec, runningDbs)
}

/** results in the units' order; at most `limit` units run at once */
export async function runUnits(units: readonly ProbeUnit[], limit = PROBE_CONCURRENCY): Promise<ProbeResult[][]> {
  const out: ProbeResult[][] = new Array<ProbeResult[]>(units.length)
  let next = 0
  const worker = async (): Promise<void> => {
    for (let i = next++; i < units.length; i = next++) out[i] = await runIsolated(units[i]!).result
  }
  await Promise.all(Array.from({ length: Math.min(limit, units.length) }, worker))
  return out
}

/** `only`: run just these probe ids. Results reach the journal when they are news (see ResultChanges). */
export async function runChecks(lab: LabView, only?: readonly string[]): Promise<ProbeResult[]> {
  lab.requireEngine()
  await lab.refresh()
  const probes = probeLabOf(lab)
  await readDbRoles(lab, probes)
  const units = planProbes(probes, only)
  const results = await runUnits(units)
  const changes = new ResultChanges((e) => lab.journal.append(e), lab.journal.list(0, 5000))
  units.forEach((u, i) => results[i]!.forEach((r) => changes.record(u.key, r)))
  return results.flat()
}
