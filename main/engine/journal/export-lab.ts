// Record → scenario against the lab itself: the one path behind `racklab journal export --as scenario` and the
// window's Record / Stop recording (contract command journal.export). It reads the whole journal the engine
// keeps, refuses a stretch whose actions the lab no longer has (naming each step), and writes the scenario with
// the lab's servers as its `up` (every one it has created, running or not: a server the incident powered off
// was up when it began) and the topology's servers as what it was recorded on.
import { LabError } from '@contract/lab-error'
import type { ActionInfo, ProbeResult } from '@contract/status'
import { allServers } from '../topology/queries'
import type { LabView } from '../lab/lab-context'
import { exportProblems, exportScenario, recordedActions, standingEntry } from './export-scenario'

export interface ExportLab extends LabView {
  actionsFor(target: string): Promise<ActionInfo[]>
}

export interface JournalExportRequest {
  since: number
  until?: number | undefined
  /** the scenario's name; incident-SINCE-UNTIL when absent */
  name?: string | undefined
}

export interface JournalExport {
  yaml: string
  name: string
  /** how many recorded actions became steps */
  actions: number
  /** the last journal entry the stretch covers */
  until: number
}

/** `recheck`: the monitor's check, which runs again every probe whose latest result predates the last action (and
 *  journals what changed). A stretch up to now waits for it, so the scenario expects the lab as the actions left
 *  it: Stop pressed right after an unplug expected replication in sync (the last result journaled, from before). */
export async function exportJournalStretch(lab: ExportLab, r: JournalExportRequest, recheck?: () => Promise<readonly ProbeResult[]>): Promise<JournalExport> {
  if (r.until !== undefined && r.until <= r.since) throw new LabError('BAD_INPUT', `--until ${r.until} must be after --since ${r.since}`)
  // nothing to wait for when the stretch has no action (refused below, by recordedActions). What the monitor's
  // check found is journaled as what stands (standingEntry): the file is what an export with --until reads later
  if (r.until === undefined && recheck) {
    const lastAction = lab.journal.list(r.since, Number.MAX_SAFE_INTEGER).filter((e) => e.kind === 'action').at(-1)
    if (lastAction) lab.journal.append(standingEntry(lastAction.seq, await recheck()))
  }
  const entries = lab.journal.list(0, Number.MAX_SAFE_INTEGER)
  const problems = await exportProblems(entries, r.since, r.until, async (target, action) => {
    try {
      const list = await lab.actionsFor(target)
      return list.some((x) => x.id === action) ? undefined : `${target} has no action "${action}" in this lab (it has: ${list.map((x) => x.id).join(', ')})`
    } catch (e) {
      return `no target ${target} in this lab: ${(e as Error).message}`
    }
  })
  if (problems.length) throw new LabError('BAD_INPUT', `cannot export: ${problems.length === 1 ? 'a recorded action no longer exists' : 'recorded actions no longer exist'} in this lab:\n  ${problems.join('\n  ')}`)
  const until = r.until ?? entries.at(-1)?.seq ?? r.since
  const up = lab.status().servers.filter((s) => s.state !== 'absent').map((s) => s.id)
  const servers = Object.fromEntries(allServers(lab.topology).map((p) => [p.server.id, p.server.role]))
  const name = r.name ?? `incident-${r.since}-${until}`
  const yaml = exportScenario(entries, { name, since: r.since, until, speed: lab.topology.clock.speed, up, recordedOn: { topology: lab.topology.name, servers } })
  return { yaml, name, actions: recordedActions(entries, r.since, until).length, until }
}
