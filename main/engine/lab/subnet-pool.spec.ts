import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { LabError } from '@contract/errors'
import { TopologySchema, type Topology } from '@contract/topology'
import { moveGroup, ownSubnets, subnetGroups } from '../topology/relocate'
import { allocateSubnets, DEFAULT_POOL, type AllocationInput, type TakenSubnet } from './subnet-pool'
import { parseRoutes } from './host-routes'

const nyi = (): Topology => TopologySchema.parse(parse(readFileSync(new URL('../../../resources/topologies/nyi-2007.yaml', import.meta.url), 'utf8')))
const input = (taken: TakenSubnet[], more: Partial<AllocationInput> = {}, t = nyi()): AllocationInput => ({
  groups: subnetGroups(t),
  own: ownSubnets(t),
  taken,
  pool: DEFAULT_POOL,
  move: (g, to) => moveGroup(t, g, to),
  ...more,
})
const docker = (subnet: string, name = 'x'): TakenSubnet => ({ subnet, by: `docker network ${name}` })
const labAt = (b: string): TakenSubnet[] => ['0', '1', '2'].map((n) => docker(`10.${b}.${n}.0/24`, `racklab-${b}-${n}`))

describe('choosing a lab\'s subnets', () => {
  it('a lone lab keeps the topology\'s own subnets', () => {
    expect(allocateSubnets(input([docker('172.17.0.0/16', 'bridge')]))).toEqual({ networks: ownSubnets(nyi()), from: 'topology' })
  })

  it('a second lab gets the first free /16 of the pool, the third the next one', () => {
    const second = allocateSubnets(input([...labAt('231')]))
    expect(second).toEqual({ from: 'pool', networks: { int: '10.200.0.0/24', ext: '10.200.1.0/24', wan: '10.200.2.0/24' } })
    const third = allocateSubnets(input([...labAt('231'), ...labAt('200')]))
    expect(third.networks.int).toBe('10.201.0.0/24')
  })

  it('one overlapping network anywhere in a block, even a host route, makes the whole block taken', () => {
    const r = allocateSubnets(input([docker('10.231.2.0/24'), docker('10.200.77.0/24'), { subnet: '10.201.3.4/32', by: 'host route via tun0' }, docker('10.202.0.0/15')]))
    expect(r.networks.int).toBe('10.204.0.0/24')
  })

  it('the previous subnets are reused while free, even when the topology\'s own are free too', () => {
    const previous = { int: '10.203.0.0/24', ext: '10.203.1.0/24', wan: '10.203.2.0/24' }
    expect(allocateSubnets(input([], { previous }))).toEqual({ networks: previous, from: 'previous' })
    // taken meanwhile by someone else: the usual order again
    expect(allocateSubnets(input([docker('10.203.1.0/24')], { previous })).from).toBe('topology')
  })

  it('an exhausted pool is a clear error naming the pool and what uses it', () => {
    const taken = [...labAt('231'), ...['200', '201', '202', '203', '204', '205', '206', '207'].flatMap(labAt)]
    let err: unknown
    try {
      allocateSubnets(input(taken))
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(LabError)
    expect((err as LabError).code).toBe('REFUSED')
    const msg = (err as LabError).message
    expect(msg).toContain('no free /16 left in the subnet pool 10.200.0.0/13 (set RACKLAB_SUBNET_POOL to widen it) for network int, ext, wan')
    expect(msg).toContain('10.207.2.0/24 (docker network racklab-207-2)')
    expect(msg).not.toContain('10.231.0.0/24 (')
  })

  it('a pool smaller than the block, or not a subnet, is refused with its name', () => {
    expect(() => allocateSubnets(input(labAt('231'), { pool: '10.200.0.0/20' }))).toThrow(/no free \/16 left in the subnet pool 10\.200\.0\.0\/20.*nothing \(the pool is smaller than one block\)/)
    expect(() => allocateSubnets(input(labAt('231'), { pool: '10.200.0.1/13' }))).toThrow(/subnet pool \(RACKLAB_SUBNET_POOL\) "10\.200\.0\.1\/13": host bits are set/)
  })

  it('several pools are tried in order', () => {
    const r = allocateSubnets(input([...labAt('231'), ...labAt('200')], { pool: '10.200.0.0/16, 10.250.0.0/16' }))
    expect(r.networks.wan).toBe('10.250.2.0/24')
  })

  it('networks that do not share a /16 move one by one into free blocks of their own size', () => {
    const t = nyi()
    t.networks[2]!.subnet = '192.168.7.0/24'
    const r = allocateSubnets(input([docker('10.231.0.0/24'), docker('10.200.0.0/24')], {}, t))
    expect(r).toEqual({ from: 'pool', networks: { int: '10.200.1.0/24', ext: '10.200.2.0/24', wan: '10.200.3.0/24' } })
  })
})

describe('the host routes', () => {
  it('are read from /proc/net/route, without the default route', () => {
    const text = [
      'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
      'eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0',
      'br-c9c491b5dde2\t0000E70A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
      'docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0',
      'tun0\t04030A0A\t00000000\t0005\t0\t0\t0\tFFFFFFFF\t0\t0\t0',
    ].join('\n')
    expect(parseRoutes(text)).toEqual([
      { subnet: '10.231.0.0/24', by: 'host route via br-c9c491b5dde2' },
      { subnet: '172.17.0.0/16', by: 'host route via docker0' },
      { subnet: '10.10.3.4/32', by: 'host route via tun0' },
    ])
  })
})
