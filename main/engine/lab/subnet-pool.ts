// Choosing free subnets for a lab. Pure: what is taken on the engine (and the host) goes in, a relocation
// comes out. Order of preference: the lab's previous subnets (its volumes were made with them), the
// topology's own (a single lab keeps the addresses in the file), then the first free blocks of the pool.
import { LabError } from '@contract/errors'
import { formatIp, parseIp, parseSubnet, type Subnet } from '../topology/ipv4.ts'
import type { Relocation, SubnetGroup } from '../topology/relocate.ts'

/** the pool labs are relocated into unless RACKLAB_SUBNET_POOL says otherwise: 10.200.x – 10.207.x */
export const DEFAULT_POOL = '10.200.0.0/13'

/** a subnet something else already uses: a Docker network, a host route */
export interface TakenSubnet {
  subnet: string
  by: string
}

export interface AllocationInput {
  groups: SubnetGroup[]
  /** the topology's own subnets */
  own: Relocation
  /** what this lab had last time, if it still fits the topology */
  previous?: Relocation
  taken: TakenSubnet[]
  /** comma-separated CIDRs */
  pool: string
  /** the topology's networks, to move each group's subnets with it */
  move: (g: SubnetGroup, toBlock: string) => Relocation
}

export interface Allocation {
  networks: Relocation
  from: 'previous' | 'topology' | 'pool'
}

function parse(cidr: string, what: string): Subnet {
  const s = parseSubnet(cidr.trim())
  if (typeof s === 'string') throw new LabError('BAD_INPUT', `${what} "${cidr}": ${s}`)
  return s
}

const overlaps = (a: Subnet, b: Subnet): boolean => a.base < b.base + b.size && b.base < a.base + a.size

/** the pools, parsed; a bad one is named with where it came from */
export function parsePool(pool: string): Subnet[] {
  const parts = pool.split(',').filter((p) => p.trim())
  if (parts.length === 0) throw new LabError('BAD_INPUT', 'the subnet pool (RACKLAB_SUBNET_POOL) is empty; give CIDRs like 10.200.0.0/13')
  return parts.map((p) => parse(p, 'subnet pool (RACKLAB_SUBNET_POOL)'))
}

/** taken entries as ranges; any prefix counts (a /32 host route too), except 0.0.0.0/0 and unparsable ones */
function takenSubnets(taken: TakenSubnet[]): { s: Subnet; t: TakenSubnet }[] {
  const out: { s: Subnet; t: TakenSubnet }[] = []
  for (const t of taken) {
    const [ip = '', len = ''] = t.subnet.split('/')
    const n = parseIp(ip)
    const prefix = Number(len)
    if (n === undefined || !/^\d+$/.test(len) || prefix < 1 || prefix > 32) continue
    const size = 2 ** (32 - prefix)
    out.push({ s: { base: n - (n % size), prefix, size }, t })
  }
  return out
}

function allFree(rel: Relocation, taken: { s: Subnet }[]): boolean {
  return Object.values(rel).every((cidr) => {
    const s = parseSubnet(cidr)
    return typeof s !== 'string' && !taken.some((t) => overlaps(s, t.s))
  })
}

export function allocateSubnets(i: AllocationInput): Allocation {
  const taken = takenSubnets(i.taken)
  const nets = i.groups.flatMap((g) => g.networks)
  const complete = (r?: Relocation): r is Relocation => !!r && nets.every((n) => r[n])
  if (complete(i.previous) && allFree(i.previous, taken)) return { networks: { ...i.previous }, from: 'previous' }
  if (complete(i.own) && allFree(i.own, taken)) return { networks: { ...i.own }, from: 'topology' }

  const pools = parsePool(i.pool)
  const chosen: Subnet[] = []
  const networks: Relocation = {}
  for (const g of i.groups) {
    const block = parse(g.block, `block of network ${g.networks.join(', ')}`)
    let found: Subnet | undefined
    for (const p of pools) {
      if (block.size > p.size) continue
      for (let base = p.base; base + block.size <= p.base + p.size && !found; base += block.size) {
        const cand: Subnet = { base, prefix: block.prefix, size: block.size }
        if (!taken.some((t) => overlaps(cand, t.s)) && !chosen.some((c) => overlaps(cand, c))) found = cand
      }
      if (found) break
    }
    if (!found) {
      const inPool = taken.filter((t) => pools.some((p) => overlaps(p, t.s))).map((t) => `${t.t.subnet} (${t.t.by})`)
      throw new LabError(
        'REFUSED',
        `no free /${block.prefix} left in the subnet pool ${i.pool} (set RACKLAB_SUBNET_POOL to widen it) for network ${g.networks.join(', ')}; ` +
          `the topology's own subnets are taken too; in use in the pool: ${inPool.join(', ') || 'nothing (the pool is smaller than one block)'}`,
      )
    }
    chosen.push(found)
    Object.assign(networks, i.move(g, `${formatIp(found.base)}/${found.prefix}`))
  }
  return { networks, from: 'pool' }
}
