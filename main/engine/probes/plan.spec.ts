import { beforeAll, describe, expect, it } from 'vitest'
import type { LabStatus, ServerState, ServerStatus } from '@contract/status'
import type { Topology } from '@contract/topology'
import { placeServers } from '../lab/plan'
import { loadTopology } from '../topology/loader'
import type { ExecOutput } from './db'
import { DbRoleBook } from './db-roles'
import { planProbes, type ProbeLab } from './plan'
import { runUnits } from './run-checks'

let topology: Topology
beforeAll(async () => {
  topology = (await loadTopology()).topology
})

function probeLab(states: Record<string, ServerState>, exec: ProbeLab['exec'] = () => Promise.reject(new Error('no exec in this test'))): ProbeLab {
  const servers = placeServers(topology)
  const list: ServerStatus[] = [...servers.values()].map((p) => ({ id: p.server.id, role: p.server.role, site: '', rack: '', model: '', image: '', imageState: p.server.role === 'file' ? 'no-image' : 'built', state: states[p.server.id] ?? 'absent', health: 'unknown', ips: {} }))
  const status = { labId: 't', topology: topology.name, engine: { state: 'connected', message: '', host: '' }, servers: list } as LabStatus
  return { topology, relocated: topology, servers, status: () => status, exec, dbRoles: new DbRoleBook(), labMs: () => 0 }
}
const keys = (lab: ProbeLab, only?: string[]): string[] => planProbes(lab, only).map((u) => u.key)

describe('planProbes', () => {
  it('plans only what applies to what runs: the DB tier alone gets DB probes', () => {
    expect(keys(probeLab({ db1: 'running', db2: 'running', db3: 'running' }))).toEqual(['db.ping@db1', 'db.ping@db2', 'db.ping@db3', 'db.replication@db2', 'db.replication@db3', 'db.checksum@db1,db2,db3'])
  })

  it('after a promote the role markers decide: the promoted db2 is not probed as a replica, db1 and db3 are', async () => {
    const markers: Record<string, string> = { db1: 'role=primary\nprimary=\n', db2: 'role=primary\nprimary=\nepoch=1\nset_by=engine\n', db3: 'role=replica\nprimary=10.0.0.2\nepoch=1\n' }
    // the marker for `cat`; an empty SHOW SLAVE STATUS for the rest (db1 is not a replica)
    const lab = probeLab({ db1: 'running', db2: 'running', db3: 'running' }, (server, cmd) => Promise.resolve({ exitCode: 0, stdout: cmd[0] === 'cat' ? (markers[server] ?? '') : '', stderr: '' }))
    await lab.dbRoles.read(lab.exec, ['db1', 'db2', 'db3'])
    expect(keys(lab, ['db.replication'])).toEqual(['db.replication@db1', 'db.replication@db3'])
    // db1's marker says it led before: it is named a fenced former primary, db3 (a replica by its marker) is not
    const [db1, db3] = (await runUnits(planProbes(lab, ['db.replication']))).map((r) => r[0]?.message)
    expect(db1).toMatch(/^db1 is a former primary, fenced read-only since db2 took over/)
    expect(db3).toBe('db3 is not configured as a replica (SHOW SLAVE STATUS is empty)')
    // fail-back: db1 leads again with a higher epoch, db2 is a replica again
    markers.db1 = 'role=primary\nepoch=2\nset_by=engine\n'
    markers.db2 = 'role=replica\nepoch=2\nset_by=engine\n'
    await lab.dbRoles.read(lab.exec, ['db1', 'db2', 'db3'])
    expect(keys(lab, ['db.replication'])).toEqual(['db.replication@db2', 'db.replication@db3'])
  })

  it('a server stopped or powered off is a failed server.running unit; one never created is not', () => {
    const lab = probeLab({ db1: 'running', db2: 'powered-off', db3: 'stopped' })
    expect(keys(lab)).toEqual(['db.ping@db1', 'server.running@db2', 'server.running@db3'])
  })

  it('covers every mx, frontend and store, mail delivery through each MX; `only` narrows it', () => {
    const all = Object.fromEntries(['mx1', 'mx2', 'imap1', 'imap2', 'fe1', 'fe2', 'edge', 'db1'].map((s) => [s, 'running' as const]))
    const lab = probeLab(all)
    expect(keys(lab, ['smtp.accept', 'web.upstreams', 'mail.e2e', 'imap.replication'])).toEqual(['smtp.accept@mx1', 'smtp.accept@mx2', 'imap.replication@imap1', 'mail.e2e@mx1>imap1', 'mail.e2e@mx2>imap1', 'web.upstreams@fe1', 'web.upstreams@fe2'])
  })

  it('probes DAV and FTP on every running file node, each against its own daemons, not one node for all', () => {
    const lab = probeLab({ file1: 'running', file2: 'running', file3: 'powered-off', db1: 'running' })
    expect(keys(lab, ['storage.dav', 'storage.ftp', 'storage.scrub'])).toEqual(['storage.scrub@file1', 'storage.scrub@file2', 'storage.dav@file1', 'storage.ftp@file1', 'storage.dav@file2', 'storage.ftp@file2'])
  })

  it('asks every running name server across the network: from the edge when it runs, else from the other name server, else itself', async () => {
    const asked = async (states: Record<string, ServerState>): Promise<string[]> => {
      const calls: string[] = []
      const exec: ProbeLab['exec'] = (server, cmd) => (calls.push(`${server} asks ${/@(\S+)/.exec(cmd.join(' '))?.[1] ?? '?'}`), Promise.resolve({ exitCode: 0, stdout: '', stderr: '' }))
      await runUnits(planProbes(probeLab(states, exec), ['dns.answers']))
      return calls.sort()
    }
    const ip = (id: string, net: string): string => topology.sites.flatMap((x) => x.racks.flatMap((r) => r.units)).flatMap((u) => (u.kind === 'server' && u.id === id ? u.nics : [])).find((n) => n.network === net)!.ip
    expect(await asked({ ns1: 'running', ns2: 'running', edge: 'running' })).toEqual([`edge asks ${ip('ns1', 'ext')}`, `edge asks ${ip('ns2', 'ext')}`])
    expect(await asked({ ns1: 'running', ns2: 'running' })).toEqual([`ns1 asks ${ip('ns2', 'int')}`, `ns2 asks ${ip('ns1', 'int')}`])
    expect(await asked({ ns1: 'running', ns2: 'stopped' })).toEqual([`ns1 asks ${ip('ns1', 'int')}`])
  })

  it('an exec that hangs or throws on one server fails only that server’s probes, each with its reason', async () => {
    const exec = (server: string): Promise<ExecOutput> =>
      server === 'db2' ? Promise.reject(new Error('"mariadb-admin ping" in racklab-t-db2 did not finish within 15000 ms')) : Promise.resolve({ exitCode: 0, stdout: `mysqld is alive`, stderr: '' })
    const units = planProbes(probeLab({ db1: 'running', db2: 'running', db3: 'running' }, exec), ['db.ping'])
    const results = (await runUnits(units)).flat()
    expect(results.map((r) => [r.target, r.ok])).toEqual([['db1', true], ['db2', false], ['db3', true]])
    expect(results[1]?.message).toMatch(/db2: MariaDB does not answer: .*did not finish within 15000 ms/)
  })
})
