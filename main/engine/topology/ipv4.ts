// Just enough IPv4 arithmetic for the topology checks: parse, subnet membership, first/last address.

/** 32-bit value of a dotted quad, or undefined when an octet is out of range. */
export function parseIp(ip: string): number | undefined {
  const parts = ip.split('.')
  if (parts.length !== 4) return undefined
  let n = 0
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined
    const o = Number(p)
    if (o > 255) return undefined
    n = n * 256 + o
  }
  return n
}

export function formatIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.')
}

export interface Subnet {
  base: number
  prefix: number
  size: number
}

/** Parses "10.231.0.0/24"; returns a reason string when it is not a usable subnet. */
export function parseSubnet(cidr: string): Subnet | string {
  const [ip = '', len = ''] = cidr.split('/')
  const base = parseIp(ip)
  const prefix = Number(len)
  if (base === undefined) return `"${ip}" is not an IPv4 address (each part 0-255)`
  if (!Number.isInteger(prefix) || prefix < 8 || prefix > 30) return `prefix /${len} must be between /8 and /30`
  const size = 2 ** (32 - prefix)
  if (base % size !== 0) return `host bits are set: did you mean ${formatIp(base - (base % size))}/${prefix}?`
  return { base, prefix, size }
}

export function inSubnet(ip: number, s: Subnet): boolean {
  return ip >= s.base && ip < s.base + s.size
}
