// journal.export against a small fake lab: the servers the lab has (running or not) are `up`, the stretch defaults
// to the newest entry, a vanished action is refused naming its step, and an empty stretch says so.
import type { ActionInfo, JournalEntry, LabStatus, ProbeResult, ServerStatus } from '@contract/status'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { Journal } from './journal'
import { exportJournalStretch, type ExportLab } from './export-lab'
import { loadTopology } from '../topology/loader'

const srv = (id: string, state: ServerStatus['state']): ServerStatus => ({ id, role: 'db', rack: 'nyi-1', state, health: state === 'running' ? 'healthy' : 'unknown' }) as ServerStatus

async function fakeLab(actions: Record<string, string[]>): Promise<{ lab: ExportLab; journal: Journal }> {
  const { topology } = await loadTopology(undefined)
  const journal = new Journal(undefined)
  const servers = [srv('db1', 'powered-off'), srv('db2', 'running'), srv('db3', 'running'), srv('mx1', 'absent')]
  const lab = {
    topology,
    journal,
    status: () => ({ labId: 'x', topology: 'nyi-2007', servers }) as unknown as LabStatus,
    actionsFor: async (target: string) => {
      const list = actions[target]
      if (!list) throw new Error(`no target "${target}"`)
      return list.map((id) => ({ id }) as ActionInfo)
    },
  } as unknown as ExportLab
  return { lab, journal }
}

const action = (target: string, action: string, inverse: object, seq: number): Omit<JournalEntry, 'seq' | 'at' | 'labMs'> & { labMs: number } => ({ kind: 'action', target, text: `${action} ${target}`, labMs: seq * 60_000, data: { action, args: {}, inverse, ok: true, seq } })

describe('exportJournalStretch', () => {
  it('exports up to the newest entry, with every server the lab has as up', async () => {
    const { lab, journal } = await fakeLab({ 'server:db1': ['hold-power', 'power-on'] })
    journal.append({ kind: 'op', text: 'up: db1, db2, db3' })
    journal.append(action('server:db1', 'hold-power', { action: 'power-on' }, 1))
    journal.append({ kind: 'probe', target: 'db1', text: 'server.running FAILED: powered-off', data: { probe: 'server.running', ok: false } })
    const out = await exportJournalStretch(lab, { since: 1 })
    expect(out).toMatchObject({ name: 'incident-1-3', actions: 1, until: 3 })
    const doc = parse(out.yaml) as { up: string[]; steps: unknown[]; cleanup: unknown[]; recordedOn: { servers: Record<string, string> } }
    expect(doc.up).toEqual(['db1', 'db2', 'db3'])
    expect(doc.steps).toContainEqual({ expect: { probe: 'server.running', target: 'db1', ok: false }, within: '120s' })
    expect(doc.cleanup).toEqual([{ act: 'server:db1 power-on', optional: true }])
    expect(doc.recordedOn.servers.imap1).toBe('imap')
    expect((await exportJournalStretch(lab, { since: 1, name: 'db1-off' })).name).toBe('db1-off')
  })

  it('refuses an action the lab no longer has, naming the step, and an empty stretch', async () => {
    const { lab, journal } = await fakeLab({ 'server:db1': ['power-on'] })
    journal.append(action('server:db1', 'hold-power', { action: 'power-on' }, 1))
    journal.append(action('cable:db9/int', 'unplug', { action: 'plug' }, 2))
    await expect(exportJournalStretch(lab, { since: 0 })).rejects.toThrow(/cannot export: recorded actions no longer exist in this lab:\n {2}step 1 \(journal 1, hold-power server:db1\): server:db1 has no action "hold-power" in this lab \(it has: power-on\)\n {2}step 2 \(journal 2, unplug cable:db9\/int\): no target cable:db9\/int in this lab/)
    await expect(exportJournalStretch(lab, { since: 2 })).rejects.toThrow(/nothing to export: no action succeeded after journal entry 2/)
    await expect(exportJournalStretch(lab, { since: 2, until: 2 })).rejects.toThrow(/--until 2 must be after --since 2/)
  })

  it('up to now, it waits for the probes to run again after the last action: the scenario expects the lab as it was left', async () => {
    const { lab, journal } = await fakeLab({ 'cable:db2/int': ['unplug', 'plug'] })
    journal.append({ kind: 'probe', target: 'db2', text: 'db.replication ok: in sync', data: { probe: 'db.replication', ok: true } })
    journal.append({ kind: 'probe', target: 'db3', text: 'db.ping ok', data: { probe: 'db.ping', ok: true } })
    journal.append(action('cable:db2/int', 'unplug', { action: 'plug' }, 1))
    const expects = (yaml: string): unknown[] => (parse(yaml) as { steps: { expect?: unknown }[] }).steps.filter((x) => x.expect).map((x) => x.expect)
    // no monitor to ask, Stop pressed at once: what the journal holds, and a word that it is from before the unplug
    const blind = await exportJournalStretch(lab, { since: 2 })
    expect(expects(blind.yaml)).toEqual([{ probe: 'db.ping', target: 'db3', ok: true }, { probe: 'db.replication', target: 'db2', ok: true }])
    expect(blind.yaml).toMatch(/before every probe had run again/)
    // the monitor's check: every unit that applies now, each run again after the unplug (db.replication fails and
    // is journaled, db.ping holds); two units with one probe and target (as mail.e2e through one MX to two stores)
    // are one expectation, failing if one of them does
    let rechecks = 0
    const result = (id: string, target: string, ok: boolean): ProbeResult => ({ id, target, ok, message: '', at: '' })
    const recheck = async (): Promise<ProbeResult[]> => {
      rechecks++
      journal.append({ kind: 'probe', target: 'db2', text: 'db.replication FAILED: not receiving', data: { probe: 'db.replication', ok: false } })
      return [result('db.replication', 'db2', false), result('db.ping', 'db3', true), result('db.clients', 'db3', true), result('db.clients', 'db3', false)]
    }
    const out = await exportJournalStretch(lab, { since: 2 }, recheck)
    expect(rechecks).toBe(1)
    // what the check found is journaled as what stands (entry 5), and the stretch ends there
    expect(journal.list(4, 10).map((x) => x.text)).toEqual(['probes: every probe ran again after entry 3: 1 passing, 2 failing (db.clients on db3, db.replication on db2)'])
    expect(out.until).toBe(5)
    expect(expects(out.yaml)).toEqual([{ probe: 'db.clients', target: 'db3', ok: false }, { probe: 'db.ping', target: 'db3', ok: true }, { probe: 'db.replication', target: 'db2', ok: false }])
    // a stretch with its own end is what the journal says there: nothing is run again, and the same stretch
    // exported later with --until is the same file
    expect((await exportJournalStretch(lab, { since: 2, until: 5 }, recheck)).yaml.replace(/^#.*\n/, '')).toBe(out.yaml.replace(/^#.*\n/, ''))
    expect(rechecks).toBe(1)
  })
})
