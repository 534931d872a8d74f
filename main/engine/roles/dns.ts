// dns: BIND authoritative for the lab's domain (lab-images/dns). The zone comes from the topology: every
// server by name, the public service names (www, mail, imap, pop, smtp and the domain itself) with one A
// record per frontend VIP, handed out in rotation, and an MX record per mail exchanger.
import type { Topology } from '@contract/topology'
import { allServers } from '../topology/queries'
import { LOW_PORTS, SERVICE_USER } from './capabilities'
import { frontendVips } from './fe-vips'
import type { RoleDefinition } from './types'

export const SERVICE_NAMES = ['www', 'mail', 'imap', 'pop', 'smtp', 'ftp'] as const

/** a server's address for the outside: on a public network when it has one, else its first */
export function publicIp(t: Topology, id: string): string | undefined {
  const s = allServers(t).find((p) => p.server.id === id)?.server
  if (!s) return undefined
  const open = new Set(t.networks.filter((n) => !n.internal).map((n) => n.id))
  return (s.nics.find((n) => open.has(n.network)) ?? s.nics[0])?.ip
}

/** resource records of the zone (relative names), without the SOA, which the image adds with a serial */
export function zoneRecords(t: Topology): string[] {
  const servers = allServers(t).map((p) => p.server)
  const rr: string[] = []
  const ns = servers.filter((s) => s.role === 'dns')
  if (ns.length === 0) throw new Error('the topology has no dns server')
  for (const s of ns) rr.push(`@ IN NS ${s.id}`)
  for (const s of servers.filter((x) => x.role === 'mx')) rr.push(`@ IN MX 10 ${s.id}`)
  const vips = frontendVips(t)
  for (const name of ['@', ...SERVICE_NAMES]) for (const v of vips) rr.push(`${name} IN A ${v.ip}`)
  for (const s of servers) {
    const ip = publicIp(t, s.id)
    if (ip) rr.push(`${s.id} IN A ${ip}`)
  }
  return rr
}

export const dns: RoleDefinition = {
  spec: ({ topology }) => ({
    volumes: {},
    env: { ZONE: zoneRecords(topology).join('\n') },
    tmpfs: ['/run'],
    // named starts as root, binds 53 and runs as bind
    capabilities: { ...SERVICE_USER, ...LOW_PORTS },
    pidsLimit: 128,
    // named stops on SIGTERM at once; the zone is written at each start, nothing to save
    stopTimeout: 5,
  }),
}
