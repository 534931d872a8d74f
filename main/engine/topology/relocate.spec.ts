import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { TopologySchema, type Topology } from '@contract/topology'
import { allServers } from './queries'
import { fitsTopology, isMoved, moveGroup, moveIp, ownSubnets, relocateTopology, relocationFromExisting, subnetGroups } from './relocate'

const nyi = (): Topology => TopologySchema.parse(parse(readFileSync(new URL('../../../resources/topologies/nyi-2007.yaml', import.meta.url), 'utf8')))

describe('relocating a topology', () => {
  it('nyi-2007 moves as one /16 block; topologies spread over several move network by network', () => {
    const t = nyi()
    expect(subnetGroups(t)).toEqual([{ networks: ['int', 'ext', 'wan'], block: '10.231.0.0/16' }])
    const spread = structuredClone(t)
    spread.networks[2]!.subnet = '192.168.7.0/24'
    expect(subnetGroups(spread)).toEqual([
      { networks: ['int'], block: '10.231.0.0/24' },
      { networks: ['ext'], block: '10.231.1.0/24' },
      { networks: ['wan'], block: '192.168.7.0/24' },
    ])
  })

  it('moving the block keeps each subnet at its offset and each address at its host part', () => {
    const t = nyi()
    const rel = moveGroup(t, subnetGroups(t)[0]!, '10.203.0.0/16')
    expect(rel).toEqual({ int: '10.203.0.0/24', ext: '10.203.1.0/24', wan: '10.203.2.0/24' })
    expect(moveIp('10.231.2.11', '10.231.2.0/24', '10.203.2.0/24')).toBe('10.203.2.11')
    expect(() => moveIp('10.231.3.11', '10.231.2.0/24', '10.203.2.0/24')).toThrow(/not inside/)
    expect(() => moveGroup(t, subnetGroups(t)[0]!, '10.203.0.0/24')).toThrow(/only move to a \/16/)
  })

  it('every NIC of the relocated topology keeps its last octet and lands in its network\'s new subnet; the original is untouched', () => {
    const t = nyi()
    const rel = moveGroup(t, subnetGroups(t)[0]!, '10.201.0.0/16')
    const moved = relocateTopology(t, rel)
    const before = allServers(t).flatMap((p) => p.server.nics.map((n) => ({ id: p.server.id, ...n })))
    const after = allServers(moved).flatMap((p) => p.server.nics.map((n) => ({ id: p.server.id, ...n })))
    expect(after).toHaveLength(before.length)
    for (const [i, b] of before.entries()) {
      const a = after[i]!
      expect(a.ip.split('.')[3]).toBe(b.ip.split('.')[3])
      expect(a.ip).toBe(b.ip.replace(/^10\.231\./, '10.201.'))
      expect(rel[a.network]!.startsWith(a.ip.split('.').slice(0, 3).join('.') + '.')).toBe(true)
    }
    expect(moved.networks.map((n) => n.subnet)).toEqual(['10.201.0.0/24', '10.201.1.0/24', '10.201.2.0/24'])
    expect(ownSubnets(t)).toEqual({ int: '10.231.0.0/24', ext: '10.231.1.0/24', wan: '10.231.2.0/24' })
    expect(isMoved(t, rel)).toBe(true)
    expect(isMoved(t, ownSubnets(t))).toBe(false)
    expect(() => relocateTopology(t, { int: '10.201.0.0/24' })).toThrow(/no subnet for network ext, wan/)
  })

  it('the lab\'s existing networks imply the relocation (one is enough); networks not moved together are refused', () => {
    const t = nyi()
    expect(relocationFromExisting(t, { int: '10.205.0.0/24' })).toEqual({ int: '10.205.0.0/24', ext: '10.205.1.0/24', wan: '10.205.2.0/24' })
    expect(relocationFromExisting(t, { int: '10.231.0.0/24', ext: '10.231.1.0/24' })).toEqual(ownSubnets(t))
    expect(() => relocationFromExisting(t, { int: '10.205.0.0/24', ext: '10.206.1.0/24' })).toThrow(/not moved together: int is 10\.205\.0\.0\/24 but ext is 10\.206\.1\.0\/24, not 10\.205\.1\.0\/24/)
    expect(() => relocationFromExisting(t, { int: '10.205.0.0/16' })).toThrow(/a \/16, but the topology says \/24/)
  })

  it('a recorded relocation fits only while it names every network at its size', () => {
    const t = nyi()
    expect(fitsTopology(t, { int: '10.205.0.0/24', ext: '10.205.1.0/24', wan: '10.205.2.0/24' })).toBe(true)
    expect(fitsTopology(t, { int: '10.205.0.0/24', ext: '10.205.1.0/24' })).toBe(false)
    expect(fitsTopology(t, { int: '10.205.0.0/23', ext: '10.205.2.0/24', wan: '10.205.3.0/24' })).toBe(false)
  })
})
