// The frontends' service IPs (VIPs): one per frontend, on the public network, homed on that frontend and
// backed up by the others (keepalived VRRP). DNS hands out all of them for every public name, so losing a
// frontend moves its VIP and no DNS answer changes — FastMail's "IP takeover" of 2007.
import type { Network, Topology } from '@contract/topology'
import { allServers } from '../topology/queries'

export interface FrontendVip {
  ip: string
  prefix: number
  /** VRRP router id, unique per VIP */
  vrid: number
  /** the frontend that holds it while healthy */
  home: string
}

/** the first offset of the VIPs inside the public subnet: x.y.z.100, .101, … */
export const VIP_OFFSET = 100
const VRID_BASE = 51

const toInt = (ip: string): number => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0)
const toIp = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.')

/** ids of the frontends (role fe) in topology order */
export function frontends(t: Topology): string[] {
  return allServers(t).filter((p) => p.server.role === 'fe').map((p) => p.server.id)
}

/** The network the frontends face the Internet on: the first non-internal network they are all on. */
export function publicNetwork(t: Topology): Network {
  const fes = allServers(t).filter((p) => p.server.role === 'fe').map((p) => p.server)
  const net = t.networks.find((n) => !n.internal && fes.length > 0 && fes.every((s) => s.nics.some((nic) => nic.network === n.id)))
  if (!net) throw new Error('the frontends share no public (non-internal) network: nowhere to put their service IPs')
  return net
}

export function frontendVips(t: Topology): FrontendVip[] {
  const fes = frontends(t)
  if (fes.length === 0) return []
  const net = publicNetwork(t)
  const [addr, bits] = net.subnet.split('/')
  const prefix = Number(bits)
  const base = toInt(addr ?? '0.0.0.0')
  const size = 2 ** (32 - prefix)
  const used = new Set(allServers(t).flatMap((p) => p.server.nics.filter((n) => n.network === net.id).map((n) => n.ip)))
  const out: FrontendVip[] = []
  let offset = VIP_OFFSET
  for (const [i, home] of fes.entries()) {
    while (offset < size - 1 && used.has(toIp(base + offset))) offset++
    if (offset >= size - 1) throw new Error(`network ${net.id} (${net.subnet}) has no free address for ${home}'s service IP (they start at .${VIP_OFFSET})`)
    out.push({ ip: toIp(base + offset), prefix, vrid: VRID_BASE + i, home })
    offset++
  }
  return out
}

/** keepalived instances for one frontend: "vrid:ip/prefix:priority,…" (home 150, the others below 100) */
export function vrrpInstances(t: Topology, server: string): string {
  const fes = frontends(t)
  const me = fes.indexOf(server)
  return frontendVips(t)
    .map((v) => {
      const home = fes.indexOf(v.home)
      const prio = v.home === server ? 150 : 100 - ((me - home + fes.length) % fes.length)
      return `${v.vrid}:${v.ip}/${v.prefix}:${prio}`
    })
    .join(',')
}
