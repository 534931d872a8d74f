// Moving a lab's networks to other subnets, so several labs of one topology share a Docker engine. Every
// address keeps its host part (its offset inside its subnet, so the last octet stays: db1 is still .11).
// Pure: the topology goes in, a moved copy comes out; the UI and the hardware model keep the original.
import type { Topology } from '@contract/topology'
import { formatIp, parseIp, parseSubnet, type Subnet } from './ipv4.ts'

/** network id → the subnet the lab's Docker network really has */
export type Relocation = Record<string, string>

/** Networks that move together, as one aligned block of addresses (the block they sit in today). */
export interface SubnetGroup {
  networks: string[]
  /** e.g. 10.231.0.0/16 for nyi-2007's int, ext and wan */
  block: string
}

/** the prefix all of a topology's subnets share when they move as one block */
export const GROUP_PREFIX = 16

function subnetOf(cidr: string, where: string): Subnet {
  const s = parseSubnet(cidr)
  if (typeof s === 'string') throw new Error(`${where}: ${cidr}: ${s}`)
  return s
}

const cidrOf = (s: { base: number; prefix: number }): string => `${formatIp(s.base)}/${s.prefix}`
const blockOf = (s: Subnet, prefix: number): string => {
  const size = 2 ** (32 - prefix)
  return cidrOf({ base: s.base - (s.base % size), prefix })
}

/**
 * One group for the whole topology when every subnet lies inside one /16 (the usual case: they move together
 * and keep their third octet too); otherwise one group per network, each its own block.
 */
export function subnetGroups(t: Topology): SubnetGroup[] {
  const nets = t.networks.map((n) => ({ id: n.id, s: subnetOf(n.subnet, `network ${n.id}`) }))
  if (nets.length === 0) return []
  const blocks = new Set(nets.map((n) => (n.s.prefix >= GROUP_PREFIX ? blockOf(n.s, GROUP_PREFIX) : `${n.id}:own`)))
  if (blocks.size === 1 && !nets.some((n) => n.s.prefix < GROUP_PREFIX)) return [{ networks: nets.map((n) => n.id), block: [...blocks][0]! }]
  return nets.map((n) => ({ networks: [n.id], block: cidrOf(n.s) }))
}

/** The topology's own subnets, as a relocation that moves nothing. */
export function ownSubnets(t: Topology): Relocation {
  return Object.fromEntries(t.networks.map((n) => [n.id, n.subnet]))
}

/** Where each network of a group lands when its block moves to `to` (same offsets inside the block). */
export function moveGroup(t: Topology, g: SubnetGroup, to: string): Relocation {
  const from = subnetOf(g.block, 'block')
  const dest = subnetOf(to, 'block')
  if (dest.prefix !== from.prefix) throw new Error(`block ${g.block} can only move to a /${from.prefix}, not ${to}`)
  const out: Relocation = {}
  for (const id of g.networks) {
    const s = subnetOf(t.networks.find((n) => n.id === id)!.subnet, `network ${id}`)
    out[id] = cidrOf({ base: dest.base + (s.base - from.base), prefix: s.prefix })
  }
  return out
}

/** An address moved from one subnet to another of the same size, keeping its host part. */
export function moveIp(ip: string, from: string, to: string): string {
  const a = subnetOf(from, 'from')
  const b = subnetOf(to, 'to')
  const n = parseIp(ip)
  if (n === undefined || n < a.base || n >= a.base + a.size) throw new Error(`${ip} is not inside ${from}`)
  if (a.prefix !== b.prefix) throw new Error(`${from} and ${to} differ in size`)
  return formatIp(b.base + (n - a.base))
}

/**
 * A copy of the topology whose networks have the relocated subnets and whose NICs have the moved addresses.
 * Everything the roles derive from it (VIPs, the DNS zone, upstreams, grants) follows by construction.
 */
export function relocateTopology(t: Topology, rel: Relocation): Topology {
  const missing = t.networks.filter((n) => !rel[n.id]).map((n) => n.id)
  if (missing.length) throw new Error(`relocation names no subnet for network ${missing.join(', ')}`)
  const from = ownSubnets(t)
  const moved = structuredClone(t)
  for (const n of moved.networks) n.subnet = rel[n.id]!
  for (const site of moved.sites)
    for (const rack of site.racks)
      for (const u of rack.units) if (u.kind === 'server') for (const nic of u.nics) nic.ip = moveIp(nic.ip, from[nic.network]!, rel[nic.network]!)
  return moved
}

/** whether a relocation moves anything */
export function isMoved(t: Topology, rel: Relocation): boolean {
  return t.networks.some((n) => rel[n.id] !== n.subnet)
}

/**
 * The relocation a lab's existing Docker networks imply (the engine is the truth when the record is lost):
 * each group moves as its existing networks did; a network whose size differs from the topology's is refused.
 */
export function relocationFromExisting(t: Topology, existing: Record<string, string>): Relocation {
  const out: Relocation = {}
  for (const g of subnetGroups(t)) {
    const have = g.networks.filter((id) => existing[id])
    if (have.length === 0) {
      Object.assign(out, Object.fromEntries(g.networks.map((id) => [id, t.networks.find((n) => n.id === id)!.subnet])))
      continue
    }
    const id = have[0]!
    const own = subnetOf(t.networks.find((n) => n.id === id)!.subnet, `network ${id}`)
    const now = subnetOf(existing[id]!, `Docker network of ${id}`)
    if (own.prefix !== now.prefix) throw new Error(`the lab's Docker network ${id} has ${existing[id]}, a /${now.prefix}, but the topology says /${own.prefix}: take the lab down first`)
    const block = subnetOf(g.block, 'block')
    const moved = moveGroup(t, g, cidrOf({ base: now.base - (own.base - block.base), prefix: block.prefix }))
    const odd = have.find((n) => moved[n] !== existing[n])
    if (odd) throw new Error(`the lab's Docker networks were not moved together: ${id} is ${existing[id]} but ${odd} is ${existing[odd]}, not ${moved[odd]}; take the lab down first`)
    Object.assign(out, moved)
  }
  return out
}

/** whether a recorded relocation still fits the topology: every network, each the same size */
export function fitsTopology(t: Topology, rel: Relocation): boolean {
  return t.networks.every((n) => {
    const a = parseSubnet(n.subnet)
    const b = rel[n.id] ? parseSubnet(rel[n.id]!) : undefined
    return typeof a !== 'string' && b !== undefined && typeof b !== 'string' && a.prefix === b.prefix
  })
}
