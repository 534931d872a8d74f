// The lab's subnets across up / down / up, against a fake engine: recorded, reused, released, adopted.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { TopologySchema, type Topology } from '@contract/topology'
import type { DockerGateway } from '../docker/types'
import { chooseSubnets, releaseSubnets } from './lab-subnets'
import { readSubnetRecord } from './subnet-record'

const nyi = (): Topology => TopologySchema.parse(parse(readFileSync(new URL('../../../resources/topologies/nyi-2007.yaml', import.meta.url), 'utf8')))
type Net = { name: string; subnets: string[]; labels: Record<string, string> }
type Published = { labels: Record<string, string>; ports: Record<string, number> }
const engine = (nets: Net[], containers: Published[] = []): DockerGateway => ({ listNetworkSubnets: async () => nets, listContainers: async () => containers }) as unknown as DockerGateway
/** another lab's edge, publishing its passive FTP block */
const edgeOf = (lab: string, base: number): Published => ({ labels: { 'racklab.lab': lab }, ports: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`${base + i}/tcp`, base + i])) })
const labNets = (lab: string, prefix: string, ids = ['int', 'ext', 'wan']): Net[] =>
  ids.map((id) => ({ name: `racklab-${lab}-${id}`, subnets: [`${prefix}.${['int', 'ext', 'wan'].indexOf(id)}.0/24`], labels: { 'racklab.lab': lab, 'racklab.network': id } }))

describe('a lab\'s subnets over its life', () => {
  // a remote engine: the host's routes (this machine's Docker bridges) stay out of the test
  beforeEach(() => vi.stubEnv('DOCKER_HOST', 'tcp://127.0.0.1:2375'))
  afterEach(() => vi.unstubAllEnvs())

  it('is recorded when chosen, kept as first choice after down, and reused on the next up', async () => {
    const t = nyi()
    const dir = mkdtempSync(join(tmpdir(), 'racklab-subnets-'))
    // another lab holds the topology's own: relocated into the pool
    const first = await chooseSubnets(t, engine(labNets('other', '10.231')), 'b', dir)
    expect(first).toMatchObject({ from: 'pool', networks: { int: '10.200.0.0/24', ext: '10.200.1.0/24', wan: '10.200.2.0/24' } })
    expect(readSubnetRecord(dir)).toEqual(first)
    releaseSubnets(dir)
    expect(readSubnetRecord(dir)?.releasedAt).toBeTruthy()
    // the other lab is gone: this one still takes what it had (its volumes were made with it)
    const again = await chooseSubnets(t, engine([]), 'b', dir)
    expect(again).toMatchObject({ from: 'previous', networks: first.networks })
    expect(readSubnetRecord(dir)?.releasedAt).toBeUndefined()
  })

  it("takes a passive FTP block no other lab's container publishes, and keeps it while free", async () => {
    const t = nyi()
    const dir = mkdtempSync(join(tmpdir(), 'racklab-subnets-'))
    expect((await chooseSubnets(t, engine([]), 'b', dir)).ftpPassiveBase).toBe(30000)
    // its own edge publishing 30000… does not push it away
    expect((await chooseSubnets(t, engine([], [edgeOf('b', 30000)]), 'b', dir)).ftpPassiveBase).toBe(30000)
    // after a down, lab a came up on 30000: b moves to the next block, recorded
    releaseSubnets(dir)
    const moved = await chooseSubnets(t, engine(labNets('a', '10.231'), [edgeOf('a', 30000)]), 'b', dir)
    expect(moved.ftpPassiveBase).toBe(30100)
    expect(readSubnetRecord(dir)?.ftpPassiveBase).toBe(30100)
  })

  it('a lab that has networks adopts their subnets, even without a record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'racklab-subnets-'))
    const r = await chooseSubnets(nyi(), engine([...labNets('a', '10.231'), ...labNets('b', '10.204', ['int'])]), 'b', dir)
    expect(r).toMatchObject({ from: 'engine', networks: { int: '10.204.0.0/24', ext: '10.204.1.0/24', wan: '10.204.2.0/24' } })
  })

  it('a lone lab keeps the topology\'s own; a pool that is full is refused by name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'racklab-subnets-'))
    expect((await chooseSubnets(nyi(), engine([]), 'a', dir)).from).toBe('topology')
    vi.stubEnv('RACKLAB_SUBNET_POOL', '10.200.0.0/16')
    const full = engine([...labNets('x', '10.231'), ...labNets('y', '10.200')])
    await expect(chooseSubnets(nyi(), full, 'z', mkdtempSync(join(tmpdir(), 'racklab-subnets-')))).rejects.toThrow(/no free \/16 left in the subnet pool 10\.200\.0\.0\/16.*10\.200\.0\.0\/24 \(docker network racklab-y-int of lab y\)/)
  })
})
