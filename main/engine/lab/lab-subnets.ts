// Which subnets a lab's networks get on this engine: its own existing networks' (adopt), else a fresh choice
// against every network on the engine and the host's routes (subnet-pool.ts), recorded in its state dir.
import { LabError } from '@contract/errors'
import type { Topology } from '@contract/topology'
import { LABEL_LAB, LABEL_NETWORK, type DockerGateway } from '../docker/types'
import { chooseFtpBase, ftpPortsNeeded } from './ftp-ports'
import { fitsTopology, moveGroup, ownSubnets, relocationFromExisting, subnetGroups, type Relocation } from '../topology/relocate'
import { hostRoutes } from './host-routes'
import { hostListeningPorts } from './host-ports'
import { readSubnetRecord, writeSubnetRecord, type SubnetRecord } from './subnet-record'
import { allocateSubnets, DEFAULT_POOL, type TakenSubnet } from './subnet-pool'

export const subnetPool = (): string => process.env.RACKLAB_SUBNET_POOL || DEFAULT_POOL

/** the host's routes matter only when the engine runs on this host (its bridges are routes here) */
const engineIsLocal = (): boolean => process.platform === 'linux' && (!process.env.DOCKER_HOST || process.env.DOCKER_HOST.startsWith('unix://'))

export interface EngineSubnets {
  /** this lab's existing networks: network id → subnet */
  own: Record<string, string>
  taken: TakenSubnet[]
}

export async function engineSubnets(gw: DockerGateway, labId: string): Promise<EngineSubnets> {
  const own: Record<string, string> = {}
  const taken: TakenSubnet[] = []
  for (const n of await gw.listNetworkSubnets()) {
    const net = n.labels[LABEL_NETWORK]
    if (n.labels[LABEL_LAB] === labId && net && n.subnets[0]) own[net] = n.subnets[0]
    else for (const s of n.subnets) taken.push({ subnet: s, by: `docker network ${n.name}${n.labels[LABEL_LAB] ? ` of lab ${n.labels[LABEL_LAB]}` : ''}` })
  }
  if (engineIsLocal()) {
    const mine = new Set(Object.values(own))
    taken.push(...hostRoutes().filter((r) => !mine.has(r.subnet)))
  }
  return { own, taken }
}

/** The lab's existing networks' subnets, when it has any (adoption after the record was lost). */
export function adoptedSubnets(t: Topology, own: Record<string, string>): Relocation | undefined {
  if (Object.keys(own).length === 0) return undefined
  try {
    return relocationFromExisting(t, own)
  } catch (e) {
    throw new LabError('REFUSED', (e as Error).message)
  }
}

/** Subnets for `up`: adopt the lab's networks, else reuse the record, else the topology's, else the pool. */
export async function chooseSubnets(t: Topology, gw: DockerGateway, labId: string, stateDir: string, alsoTaken: TakenSubnet[] = []): Promise<SubnetRecord> {
  const { own, taken: listed } = await engineSubnets(gw, labId)
  const taken = [...listed, ...alsoTaken]
  const adopted = adoptedSubnets(t, own)
  const previous = readSubnetRecord(stateDir)
  let record: SubnetRecord
  if (adopted) record = { networks: adopted, from: 'engine', allocatedAt: previous?.allocatedAt ?? new Date().toISOString() }
  else {
    const a = allocateSubnets({
      groups: subnetGroups(t),
      own: ownSubnets(t),
      ...(previous && fitsTopology(t, previous.networks) ? { previous: previous.networks } : {}),
      taken,
      pool: subnetPool(),
      move: (g, to) => moveGroup(t, g, to),
    })
    record = { networks: a.networks, from: a.from, allocatedAt: new Date().toISOString() }
  }
  const need = ftpPortsNeeded(t)
  if (need > 0 && t.files.ftpPassiveBase === undefined) {
    // host ports other labs' containers publish (their edges' passive blocks): this lab's own are free to reuse.
    // On a local engine also every port something listens on here (a lab of another local engine, any process),
    // less this lab's own (its edge may be up): `up` failed with "address already in use" on a second engine.
    const all = await gw.listContainers()
    const mine = new Set(all.filter((c) => c.labels[LABEL_LAB] === labId).flatMap((c) => Object.values(c.ports)))
    const others = all.filter((c) => c.labels[LABEL_LAB] !== labId).flatMap((c) => Object.values(c.ports))
    const host = engineIsLocal() ? hostListeningPorts().filter((p) => !mine.has(p)) : []
    record.ftpPassiveBase = chooseFtpBase({ need, previous: previous?.ftpPassiveBase, taken: [...others, ...host] })
  }
  writeSubnetRecord(stateDir, record)
  return record
}

/** `down`: the networks are gone; keep the subnets as this lab's first choice next time */
export function releaseSubnets(stateDir: string): void {
  const r = readSubnetRecord(stateDir)
  if (r && !r.releasedAt) writeSubnetRecord(stateDir, { ...r, releasedAt: new Date().toISOString() })
}
