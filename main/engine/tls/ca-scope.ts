// What the lab CA may vouch for (its name constraints): the lab's domain and every name under it, localhost,
// 127.0.0.0/8 and the lab's own subnets. A certificate it signs for anything else (www.google.com, 8.8.8.8)
// fails verification, so trusting it as a root cannot expose a user's real traffic.
import type { Topology } from '@contract/topology'

export interface CaScope {
  /** DNS names; each covers itself and every name under it */
  dns: string[]
  /** IPv4 networks as CIDR */
  ip: string[]
}

const toInt = (ip: string): number => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0)
const toIp = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.')

/** a.b.c.d/n with the host bits cleared; refuses anything wider than a /8 (a CA for "the Internet") */
function network(cidr: string, where: string): string {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(cidr)
  const bits = Number(m?.[2])
  if (!m || m[1]!.split('.').some((o) => Number(o) > 255) || bits > 32) throw new Error(`${where}: '${cidr}' is not an IPv4 subnet like 10.231.0.0/24`)
  if (bits < 8) throw new Error(`${where}: '${cidr}' is wider than a /8; the lab CA will not vouch for that many addresses`)
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0
  return `${toIp((toInt(m[1]!) & mask) >>> 0)}/${bits}`
}

export function caScope(t: Topology): CaScope {
  const subnets = t.networks.map((n) => network(n.subnet, `network ${n.id}`))
  return { dns: [t.domain, 'localhost'], ip: [...new Set(['127.0.0.0/8', ...subnets])] }
}

/** whether a DNS name is inside the scope (RFC 5280: a constraint covers the name and its subdomains) */
export const dnsInScope = (s: CaScope, name: string): boolean => s.dns.some((d) => name === d || name.endsWith(`.${d}`))

export function ipInScope(s: CaScope, ip: string): boolean {
  return s.ip.some((c) => {
    const [base, bits] = c.split('/')
    const mask = Number(bits) === 0 ? 0 : (0xffffffff << (32 - Number(bits))) >>> 0
    return /^\d{1,3}(\.\d{1,3}){3}$/.test(ip) && ((toInt(ip) & mask) >>> 0) === toInt(base!)
  })
}

export const sameScope = (a: CaScope, b: CaScope): boolean =>
  JSON.stringify([[...a.dns].sort(), [...a.ip].sort()]) === JSON.stringify([[...b.dns].sort(), [...b.ip].sort()])
