import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { JournalEntry, ProbeResult } from '@contract/status'
import { ClientError } from '../client/client-error'
import { createFakeClient } from '../testing/fake-client'
import { engineOk, labStatus } from '../testing/fixtures'
import { flush } from '../testing/flush'
import { useEngineStore } from './engine'
import { JOURNAL_KEEP, useJournalStore } from './journal'
import { useOpsStore } from './ops'
import { useProbesStore } from './probes'

beforeEach(() => setActivePinia(createPinia()))

const entry = (seq: number, text = `entry ${seq}`): JournalEntry => ({ seq, at: '2026-11-02T10:00:00Z', labMs: seq * 1000, kind: 'state', text })
const probe = (id: string, ok: boolean, target = id): ProbeResult => ({ id, target, ok, message: ok ? 'answers' : 'refused', at: '2026-11-02T10:00:00Z' })

describe('engine store', () => {
  it('mirrors engine.status, engine.changed and the connection; waits for open before fetching', async () => {
    const client = createFakeClient('browser', { state: 'connecting' })
    client.answer('engine.status', () => engineOk)
    const engine = useEngineStore()
    engine.bind(client)
    await flush()
    expect(client.callsOf('engine.status')).toHaveLength(0)
    expect(engine.mode).toBe('browser')
    client.setConnection({ state: 'open' })
    await flush()
    expect(engine.engineReady).toBe(true)
    client.emit('engine.changed', { state: 'stopped', message: 'The Docker daemon does not answer on /var/run/docker.sock', host: '/var/run/docker.sock' })
    expect(engine.status?.state).toBe('stopped')
    expect(engine.engineReady).toBe(false)
    client.emit('lab.changed', labStatus([]))
    expect(engine.status?.state).toBe('connected')
    client.setConnection({ state: 'closed', reason: 'connection lost' })
    expect(engine.connection).toEqual({ state: 'closed', reason: 'connection lost' })
    expect(engine.connected).toBe(false)
  })
})

describe('journal store', () => {
  it('loads history, appends events in order without duplicates and keeps the last 500', async () => {
    const client = createFakeClient()
    client.answer('journal.list', () => [entry(1), entry(2), entry(3)])
    const journal = useJournalStore()
    journal.bind(client)
    client.emit('journal.appended', entry(3, 'raced'))
    await flush()
    expect(client.callsOf('journal.list')).toEqual([{ since: 0, limit: JOURNAL_KEEP }])
    expect(journal.entries.map((e) => e.seq)).toEqual([1, 2, 3])
    for (let s = 4; s <= 600; s++) client.emit('journal.appended', entry(s))
    expect(journal.entries).toHaveLength(JOURNAL_KEEP)
    expect(journal.entries[0]?.seq).toBe(101)
    expect(journal.entries.at(-1)?.seq).toBe(600)
  })

  it('says why the history could not be loaded', async () => {
    const client = createFakeClient()
    client.answer('journal.list', () => Promise.reject(new ClientError('INTERNAL', 'journal file unreadable')))
    const journal = useJournalStore()
    journal.bind(client)
    await flush()
    expect(journal.loadError).toBe('INTERNAL: journal file unreadable')
  })
})

describe('probes store', () => {
  it('replaces the board with lab.check results and upserts probe.results events', async () => {
    const client = createFakeClient()
    client.answer('lab.check', () => [probe('smtp-mx1', true), probe('imap-imap1', false)])
    const probes = useProbesStore()
    probes.bind(client)
    client.emit('probe.results', [probe('stale', false)])
    const run = probes.run()
    expect(probes.running).toBe(true)
    await run
    expect(probes.running).toBe(false)
    expect(probes.results.map((r) => r.id)).toEqual(['imap-imap1', 'smtp-mx1'])
    client.emit('probe.results', [probe('imap-imap1', true)])
    expect(probes.failing).toHaveLength(0)
    expect(probes.passing).toHaveLength(2)
  })

  it('keeps one result per probe and target (db.ping runs on every database)', async () => {
    const client = createFakeClient()
    client.answer('lab.check', () => [probe('db.ping', true, 'db1'), probe('db.ping', false, 'db2'), probe('db.ping', true, 'db3')])
    const probes = useProbesStore()
    probes.bind(client)
    await probes.run()
    expect(probes.results.map((r) => r.target)).toEqual(['db1', 'db2', 'db3'])
    client.emit('probe.results', [probe('db.ping', true, 'db2')])
    expect(probes.failing).toHaveLength(0)
    expect(probes.results).toHaveLength(3)
  })

  it('reports a failed check run', async () => {
    const client = createFakeClient()
    client.answer('lab.check', () => Promise.reject(new ClientError('REFUSED', 'the lab is not up')))
    const probes = useProbesStore()
    probes.bind(client)
    await probes.run()
    expect(useOpsStore().lastError).toMatchObject({ code: 'REFUSED', context: 'run checks' })
  })
})
