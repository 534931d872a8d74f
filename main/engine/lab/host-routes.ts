// The host's IPv4 routes (Linux /proc/net/route), so a lab never takes a subnet the host already reaches
// another way (a VPN, a LAN). Only read when the Docker engine is local; elsewhere there is nothing to read.
import { readFileSync } from 'node:fs'
import type { TakenSubnet } from './subnet-pool'

/** "0000E70A" (little-endian hex) → "10.231.0.0" */
const hexIp = (h: string): string => [0, 2, 4, 6].map((i) => parseInt(h.slice(i, i + 2), 16)).reverse().join('.')
const prefixOf = (maskHex: string): number => parseInt(maskHex, 16).toString(2).replace(/0/g, '').length

export function parseRoutes(text: string): TakenSubnet[] {
  const out: TakenSubnet[] = []
  for (const line of text.split('\n').slice(1)) {
    const [iface, dest, , , , , , mask] = line.trim().split(/\s+/)
    if (!iface || !dest || !mask || !/^[0-9A-Fa-f]{8}$/.test(dest) || !/^[0-9A-Fa-f]{8}$/.test(mask)) continue
    const prefix = prefixOf(mask)
    if (prefix === 0) continue // the default route covers everything and takes nothing
    out.push({ subnet: `${hexIp(dest)}/${prefix}`, by: `host route via ${iface}` })
  }
  return out
}

export function hostRoutes(file = '/proc/net/route'): TakenSubnet[] {
  try {
    return parseRoutes(readFileSync(file, 'utf8'))
  } catch {
    return []
  }
}
