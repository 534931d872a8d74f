import { TopologySchema, type Topology } from '@contract/topology'
import { describe, expect, it } from 'vitest'
import { loadTopology } from './loader.ts'
import { allServers, dockerName, serverById, startOrder } from './queries.ts'

const nyi = (await loadTopology()).topology

/** A one-rack topology with servers given as [id, dependsOn]; bypasses the loader so cycles get through. */
function tiny(servers: [string, string[]][]): Topology {
  return TopologySchema.parse({
    name: 'tiny',
    domain: 'tiny.test',
    networks: [{ id: 'int', subnet: '10.9.0.0/24' }],
    sites: [
      {
        id: 'dc',
        name: 'DC',
        racks: [
          {
            id: 'r1',
            units: servers.map(([id, dependsOn], i) => ({
              id, kind: 'server', role: 'file', model: 'polywell-1u', u: i + 1, dependsOn, nics: [{ network: 'int', ip: `10.9.0.${i + 10}` }],
            })),
          },
        ],
      },
    ],
  })
}

describe('allServers / serverById', () => {
  it('lists the 18 servers of nyi-2007 with their site and rack', () => {
    const all = allServers(nyi)
    expect(all).toHaveLength(18)
    expect(all.filter((s) => s.rackId === 'nyi-1').map((s) => s.server.id)).toEqual(['fe1', 'web1', 'mx1', 'db1', 'imap1', 'file1', 'ns1'])
    expect(serverById(nyi, 'db3')).toMatchObject({ siteId: 'offsite', rackId: 'offsite-1', server: { role: 'db', replicaOf: 'db1' } })
    expect(serverById(nyi, 'sw-int1')).toBeUndefined()
    expect(serverById(nyi, 'nope')).toBeUndefined()
  })
})

describe('startOrder', () => {
  it('puts every server after everything it depends on', () => {
    const waves = startOrder(nyi)
    expect(waves.flat().sort()).toEqual(allServers(nyi).map((s) => s.server.id).sort())
    const waveOf = new Map(waves.flatMap((w, i) => w.map((id) => [id, i] as const)))
    for (const { server } of allServers(nyi)) for (const dep of server.dependsOn) expect(waveOf.get(dep)).toBeLessThan(waveOf.get(server.id) ?? -1)
  })

  it('starts nyi-2007 in four waves, in file order inside each', () => {
    expect(startOrder(nyi)).toEqual([
      ['db1', 'imap1', 'file1', 'ns1', 'file2', 'ns2', 'backup1', 'file3'],
      ['web1', 'mx1', 'web2', 'mx2', 'db2', 'imap2', 'db3'],
      ['fe1', 'fe2'],
      ['edge'],
    ])
  })

  it('with `only`, starts those servers and what they transitively need', () => {
    expect(startOrder(nyi, ['fe1'])).toEqual([['db1', 'imap1'], ['web1'], ['fe1']])
    expect(startOrder(nyi, ['db2', 'ns1'])).toEqual([['db1', 'ns1'], ['db2']])
    expect(startOrder(nyi, ['edge']).flat().sort()).toEqual(['db1', 'edge', 'fe1', 'fe2', 'imap1', 'mx1', 'mx2', 'ns1', 'ns2', 'web1', 'web2'])
    expect(startOrder(nyi, [])).toEqual([])
  })

  it('refuses an unknown server in `only`', () => {
    expect(() => startOrder(nyi, ['db1', 'db9'])).toThrow(expect.objectContaining({ code: 'NOT_FOUND', message: expect.stringContaining('db9') }))
  })

  it('refuses a cycle that did not come through the loader', () => {
    const t = tiny([['a', ['c']], ['b', ['a']], ['c', ['b']], ['d', []]])
    expect(() => startOrder(t)).toThrow(expect.objectContaining({ code: 'TOPOLOGY_INVALID', message: expect.stringContaining('a, b, c') }))
    expect(startOrder(t, ['d'])).toEqual([['d']])
  })

  it('handles a diamond: the shared dependency starts once, first', () => {
    const t = tiny([['top', ['left', 'right']], ['left', ['base']], ['right', ['base']], ['base', []]])
    expect(startOrder(t)).toEqual([['base'], ['left', 'right'], ['top']])
  })
})

describe('dockerName', () => {
  it('is racklab-<lab>-<id> for every kind', () => {
    expect(dockerName('nyi-2007', 'container', 'db1')).toBe('racklab-nyi-2007-db1')
    expect(dockerName('nyi-2007', 'network', 'int')).toBe('racklab-nyi-2007-int')
    expect(dockerName('nyi-2007', 'volume', 'imap1-spool')).toBe('racklab-nyi-2007-imap1-spool')
  })
  it('refuses parts that are not safe in a Docker name', () => {
    expect(() => dockerName('My Lab', 'container', 'db1')).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }))
    expect(() => dockerName('lab', 'volume', '../etc')).toThrow(/volume id "\.\.\/etc"/)
  })
})
