import { describe, expect, it } from 'vitest'
import { formatIp, inSubnet, parseIp, parseSubnet, type Subnet } from './ipv4.ts'

describe('ipv4', () => {
  it('parses dotted quads and refuses octets over 255', () => {
    expect(parseIp('10.231.0.11')).toBe(((10 * 256 + 231) * 256 + 0) * 256 + 11)
    expect(parseIp('255.255.255.255')).toBe(2 ** 32 - 1)
    expect(parseIp('10.231.0.256')).toBeUndefined()
    expect(parseIp('10.231.0')).toBeUndefined()
    expect(formatIp(parseIp('192.168.7.9') ?? 0)).toBe('192.168.7.9')
  })
  it('parses subnets and explains unusable ones', () => {
    expect(parseSubnet('10.231.1.0/24')).toEqual({ base: parseIp('10.231.1.0'), prefix: 24, size: 256 })
    expect(parseSubnet('10.231.1.0/31')).toMatch(/between \/8 and \/30/)
    expect(parseSubnet('10.231.1.7/24')).toBe('host bits are set: did you mean 10.231.1.0/24?')
    expect(parseSubnet('10.300.1.0/24')).toMatch(/not an IPv4 address/)
  })
  it('tests membership', () => {
    const s = parseSubnet('10.231.2.0/24') as Subnet
    expect(inSubnet(parseIp('10.231.2.254') ?? 0, s)).toBe(true)
    expect(inSubnet(parseIp('10.231.3.1') ?? 0, s)).toBe(false)
  })
})
