// Two labs choosing at the same moment: the loser's Docker says "Pool overlaps"; it removes what it made in
// that attempt and chooses again. A lab that already had networks never moves.
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { LabError } from '@contract/errors'
import { TopologySchema, type Topology } from '@contract/topology'
import { Journal } from '../journal/journal'
import type { NetworkSpec } from '../docker/types'
import { moveGroup, ownSubnets, relocateTopology, subnetGroups, type Relocation } from '../topology/relocate'
import type { LifecycleContext } from './lab-context'
import type { Op } from './operations'
import { placeServers } from './plan'
import type { SubnetRecord } from './subnet-record'
import { createNetworks } from './up-networks'

const nyi = (): Topology => TopologySchema.parse(parse(readFileSync(new URL('../../../resources/topologies/nyi-2007.yaml', import.meta.url), 'utf8')))
process.env.RACKLAB_NET_RETRY_MS = '0'
const op: Op = { progress: () => {}, checkpoint: () => {} } as unknown as Op
const overlap = (): LabError => new LabError('ENGINE_ERROR', 'Docker (/var/run/docker.sock) said: Pool overlaps with other one on this address space')

/** a lab whose choices come from `choices` in turn; ensureNetwork fails as `fail` says */
function fakeLab(t: Topology, choices: Relocation[], fail: (spec: NetworkSpec, attempt: number) => boolean, existing: string[] = []) {
  const calls: string[] = []
  let located = t
  let attempt = 0
  const gateway = {
    listNetworks: async () => existing.map((name) => ({ id: name, name, labels: {} })),
    ensureNetwork: async (spec: NetworkSpec) => {
      if (fail(spec, attempt)) throw overlap()
      calls.push(`create ${spec.name} ${spec.subnet}`)
    },
    removeNetwork: async (name: string) => void calls.push(`remove ${name}`),
  }
  const lab = {
    labId: 'b',
    gateway,
    journal: new Journal(undefined),
    get servers() { return placeServers(located) },
    get relocated() { return located },
    refusedSeen: [] as string[][],
    ensureSubnets: async (alsoTaken: { subnet: string }[] = []): Promise<SubnetRecord> => {
      lab.refusedSeen.push(alsoTaken.map((t) => t.subnet))
      const networks = choices[Math.min(attempt++, choices.length - 1)]!
      located = relocateTopology(t, networks)
      return { networks, from: attempt === 1 ? 'topology' : 'pool', allocatedAt: 'now' }
    },
  }
  return { lab: lab as unknown as LifecycleContext, calls }
}

describe('up\'s networks', () => {
  const t = nyi()
  const own = ownSubnets(t)
  const pool = moveGroup(t, subnetGroups(t)[0]!, '10.200.0.0/16')

  it('lost race: what this attempt made is removed and the next choice is created', async () => {
    // int is created, then ext collides with the winner's; the second choice goes through
    const { lab, calls } = fakeLab(t, [own, pool], (spec, attempt) => attempt === 1 && spec.subnet === own.ext)
    await createNetworks(lab, op, ['fe1'])
    expect(calls).toEqual([
      'create racklab-b-int 10.231.0.0/24',
      'remove racklab-b-int',
      'create racklab-b-int 10.200.0.0/24',
      'create racklab-b-ext 10.200.1.0/24',
    ])
    // the second choice was told what Docker refused, though the engine's listing may not show the winner yet
    expect((lab as unknown as { refusedSeen: string[][] }).refusedSeen).toEqual([[], ['10.231.0.0/24', '10.231.1.0/24']])
    expect(lab.relocated.networks.map((n) => n.subnet)).toEqual(['10.200.0.0/24', '10.200.1.0/24', '10.200.2.0/24'])
  })

  it('a lab that already had networks does not retry: the overlap is the error', async () => {
    const { lab, calls } = fakeLab(t, [own, pool], (spec) => spec.subnet === own.wan, ['racklab-b-int'])
    await expect(createNetworks(lab, op, ['db1'])).rejects.toThrow(/Pool overlaps/)
    expect(calls).toEqual(['create racklab-b-int 10.231.0.0/24'])
  })

  it('gives up after a few lost races, with Docker\'s words', async () => {
    const { lab } = fakeLab(t, [own, pool], () => true)
    await expect(createNetworks(lab, op, ['db1'])).rejects.toThrow(/Pool overlaps/)
  })
})
