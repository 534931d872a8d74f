import { describe, expect, it } from 'vitest'
import type { ProbeResult } from '@contract/status'
import { Journal, type JournalInput } from '../journal/journal'
import { messageClass, ResultChanges } from './result-changes'

const r = (ok: boolean, message: string): ProbeResult => ({ id: 'db.replication', target: 'db2', ok, message, values: { lagSeconds: 3 }, at: '2026-11-30T00:00:00Z' })

describe('ResultChanges', () => {
  it('numbers and hex tokens are not news', () => {
    expect(messageClass('db2 replicates from db1, 3 s behind')).toBe(messageClass('db2 replicates from db1, 40 s behind'))
    expect(messageClass('GUID 3f2a9c01d4 differs')).toBe(messageClass('GUID 77aa00bb11 differs'))
  })

  it('journals the first result, then only ok↔failed or a message of another kind', () => {
    const out: JournalInput[] = []
    const c = new ResultChanges((e) => out.push(e))
    expect(c.record('k', r(true, 'db2 replicates from db1, 0 s behind'))).toBe(true)
    expect(c.record('k', r(true, 'db2 replicates from db1, 2 s behind'))).toBe(false)
    expect(c.record('k', r(false, 'db2 is not receiving from db1 (IO thread Connecting)'))).toBe(true)
    expect(c.record('k', r(false, 'db2 is not receiving from db1 (IO thread Connecting)'))).toBe(false)
    expect(c.record('k', r(false, 'db2: SQL thread stopped'))).toBe(true)
    expect(out.map((e) => e.text)).toEqual(['db.replication ok: db2 replicates from db1, 0 s behind', 'db.replication FAILED: db2 is not receiving from db1 (IO thread Connecting)', 'db.replication FAILED: db2: SQL thread stopped'])
    expect(out[0]).toMatchObject({ kind: 'probe', target: 'db2', data: { probe: 'db.replication', key: 'k', ok: true, values: { lagSeconds: 3 } } })
  })

  it('a new process seeded from the journal does not repeat what is already there', () => {
    const j = new Journal(undefined)
    new ResultChanges((e) => j.append(e)).record('k', r(false, 'db2 is not receiving from db1 (IO thread No)'))
    const again = new ResultChanges((e) => j.append(e), j.list())
    expect(again.record('k', r(false, 'db2 is not receiving from db1 (IO thread No)'))).toBe(false)
    expect(again.record('k', r(true, 'db2 replicates from db1, 0 s behind'))).toBe(true)
  })

  it('after a down, a new process journals each probe\'s first result again: the lab that is up now is news', () => {
    const j = new Journal(undefined)
    new ResultChanges((e) => j.append(e)).record('k', r(true, 'db1,db2,db3: checksums equal'))
    j.append({ kind: 'op', text: 'down: removed 3 containers and 3 networks (data volumes kept)' })
    const afterDown = new ResultChanges((e) => j.append(e), j.list())
    expect(afterDown.record('k', r(true, 'db1,db2,db3: checksums equal'))).toBe(true)
    // and once journaled, a further process seeded from it does not repeat it
    expect(new ResultChanges((e) => j.append(e), j.list()).record('k', r(true, 'db1,db2,db3: checksums equal'))).toBe(false)
  })

  it('says once that a failing probe no longer runs, nothing for a passing one', () => {
    const out: JournalInput[] = []
    const c = new ResultChanges((e) => out.push(e))
    c.gone('a', r(true, 'fine'))
    c.gone('b', r(false, 'db2 is down'))
    c.gone('b', r(false, 'db2 is down'))
    expect(out.map((e) => e.text)).toEqual(['db.replication gone: no longer runs on db2 (it was failing: db2 is down)'])
  })
})
