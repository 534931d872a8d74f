import { describe, expect, it } from 'vitest'
import type { Exec } from './db'
import { judgeDbClient, parseDbStatus, probeDbClients, type DbLayout } from './db-clients'
import type { Topology } from '@contract/topology'

const now = (): Date => new Date('2026-11-28T12:00:00Z')
const LAYOUT: DbLayout = { primary: 'db1', names: new Map([['10.231.0.11', 'db1'], ['10.231.0.12', 'db2']]) }
const onDb1 = { host: '10.231.0.11', server: 'db1', writable: true, since: 1795867200 }
const onDb2 = { host: '10.231.0.12', server: 'db2', writable: false, since: 1795867200 }
const status = (over: Record<string, unknown> = {}): string =>
  JSON.stringify({
    server: 'web2', hosts: ['10.231.0.11', '10.231.0.12'],
    instances: [{ pid: 101, client: 'webmail', at: 1795867200, holds: onDb1 }, { pid: 102, client: 'webmail', at: 1795867100, holds: null }],
    fresh: { server: 'db1', writable: true },
    ...over,
  })

describe('db.clients', () => {
  it('passes when a new connection and every process that holds one are on the writable primary', () => {
    const r = judgeDbClient('web2', parseDbStatus(status()), LAYOUT, { now })
    expect(r).toMatchObject({ id: 'db.clients', target: 'web2', ok: true, values: { server: 'db1', processes: 2, onPrimary: 1 }, at: '2026-11-28T12:00:00.000Z' })
    expect(r.message).toBe('web2 is on db1 (writable primary); 1 of 2 client processes hold a connection to it, the others none')
    const idle = judgeDbClient('mx1', parseDbStatus(status({ server: 'mx1', instances: [] })), LAYOUT)
    expect(idle).toMatchObject({ ok: true, message: 'mx1 is on db1 (writable primary); no client process has connected since it started' })
  })

  it('fails for a process left on the read-only replica (the issue 9 web2 case), naming it, since when and why', () => {
    const stuck = status({ instances: [{ pid: 102, client: 'webmail', at: 1795867200, holds: onDb2, why: "10.231.0.11: Can't connect to server on '10.231.0.11' (115); db2 is read-only" }] })
    const r = judgeDbClient('web2', parseDbStatus(stuck), LAYOUT)
    expect(r.ok).toBe(false)
    expect(r.message).toBe("webmail process 102 on web2 holds db2 (read-only) since 12:00:00: db1 (10.231.0.11): Can't connect to server on 'db1 (10.231.0.11)' (115); db2 is read-only")
  })

  it('fails when a new connection from the client cannot get the primary, or gets nothing', () => {
    const ro = judgeDbClient('mx1', parseDbStatus(status({ fresh: { server: 'db2', writable: false, why: '10.231.0.11: no route; db2 is read-only' } })), LAYOUT)
    expect(ro).toMatchObject({ ok: false, message: 'a new connection from mx1 gets db2 (read-only), not the primary db1: db1 (10.231.0.11): no route; db2 is read-only' })
    const none = judgeDbClient('mx1', parseDbStatus(status({ fresh: { server: null, writable: false, why: 'no database answers' } })), LAYOUT)
    expect(none.message).toBe('a new connection from mx1 gets no database, not the primary db1: no database answers')
  })

  it('after a promote the primary of the role markers counts, not the topology one: db2 passes, a process still on db1 fails', () => {
    const promoted: DbLayout = { ...LAYOUT, primary: 'db2' }
    const onDb2w = { ...onDb2, writable: true }
    const ok = judgeDbClient('web1', parseDbStatus(status({ instances: [{ pid: 7, client: 'webmail', at: 1795867200, holds: onDb2w }], fresh: { server: 'db2', writable: true } })), promoted)
    expect(ok).toMatchObject({ ok: true, values: { primary: 'db2', onPrimary: 1 } })
    const stale = judgeDbClient('web1', parseDbStatus(status({ fresh: { server: 'db2', writable: true } })), promoted)
    expect(stale).toMatchObject({ ok: false, message: 'webmail process 101 on web1 holds db1 since 12:00:00' })
    const none = judgeDbClient('web1', parseDbStatus(status()), { ...LAYOUT, primary: null })
    expect(none).toMatchObject({ ok: false, message: 'no running database server is the primary (promote a replica); webmail process 101 on web1 holds db1 since 12:00:00' })
  })

  it('rejects a malformed status by name', () => {
    expect(() => parseDbStatus('Can\'t locate Racklab/DbClient.pm')).toThrow("racklab-db-status printed no JSON: Can't locate Racklab/DbClient.pm")
    expect(() => parseDbStatus('{"server":"web1","hosts":[],"instances":[]}')).toThrow('racklab-db-status gave an unexpected document: fresh: ')
  })

  it('asks every running web and mx server; one that cannot answer is a failed result', async () => {
    const unit = (id: string, role: string, ip: string, extra = {}): object => ({ id, kind: 'server', role, model: 'm', u: 1, nics: [{ network: 'int', ip }], ...extra })
    const topology = { sites: [{ id: 's', racks: [{ id: 'r', units: [
      unit('db1', 'db', '10.231.0.11'), unit('db2', 'db', '10.231.0.12', { replicaOf: 'db1' }),
      unit('web1', 'web', '10.231.0.31'), unit('web2', 'web', '10.231.0.32'), unit('mx1', 'mx', '10.231.0.41'), unit('fe1', 'fe', '10.231.0.21'),
    ] }] }] } as unknown as Topology
    const asked: string[] = []
    const exec: Exec = async (server, cmd) => {
      asked.push(`${server} ${cmd.join(' ')}`)
      if (server === 'mx1') return { exitCode: 2, stdout: '', stderr: 'racklab-db-status: DB_HOSTS and DB_PASSWORD must be set' }
      return { exitCode: 0, stdout: status({ server }), stderr: '' }
    }
    const rs = await probeDbClients(exec, topology, ['db1', 'db2', 'web1', 'web2', 'mx1', 'fe1'])
    expect(asked.sort()).toEqual(['mx1 racklab-db-status', 'web1 racklab-db-status', 'web2 racklab-db-status'])
    expect(rs.map((r) => [r.target, r.ok])).toEqual([['web1', true], ['web2', true], ['mx1', false]])
    expect(rs[2]!.message).toBe('mx1 could not say which database it is on: racklab-db-status exited 2: racklab-db-status: DB_HOSTS and DB_PASSWORD must be set')
  })
})
