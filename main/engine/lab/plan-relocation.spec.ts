// A relocated lab's plan: every address a container is given — its NICs, and every env value or DNS server
// that carries an IP or a subnet — follows the relocation, and keeps its host part.
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { TopologySchema, type Topology } from '@contract/topology'
import { moveGroup, relocateTopology, subnetGroups } from '../topology/relocate'
import { containerSpec, networkSpecs, placeServers, roleSpec } from './plan'
import { roles } from '../roles/index'

const nyi = (): Topology => TopologySchema.parse(parse(readFileSync(new URL('../../../resources/topologies/nyi-2007.yaml', import.meta.url), 'utf8')))
const secrets = { repl: 'r', app: 'a', backup: 'b', cyrus: 'c' }
const IPV4 = /\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/g

/** every container of the lab with a built role, as the plan makes it */
function plan(t: Topology, labId: string): Record<string, ReturnType<typeof containerSpec>> {
  const servers = placeServers(t)
  const out: Record<string, ReturnType<typeof containerSpec>> = {}
  for (const [id, p] of servers) {
    if (!roles[p.server.role]) continue
    const spec = roleSpec(t, servers, id, secrets, labId)!
    out[id] = containerSpec(labId, p, spec, `racklab/${p.server.role}:x`, t.domain)
  }
  return out
}

describe('the plan of a relocated lab', () => {
  const t = nyi()
  const moved = relocateTopology(t, moveGroup(t, subnetGroups(t)[0]!, '10.206.0.0/16'))
  const own = plan(t, 'lab-a')
  const reloc = plan(moved, 'lab-b')

  it('covers every role that carries addresses in its env', () => {
    expect(new Set(Object.values(reloc).map((c) => c.env.ROLE))).toEqual(new Set(['db', 'imap', 'mx', 'dns', 'fe', 'web', 'edge', 'file', 'backup']))
  })

  it('puts every NIC in the new subnets at the same last octet', () => {
    for (const [id, c] of Object.entries(reloc)) {
      const before = own[id]!.networks
      expect(c.networks.map((n) => n.ip.split('.')[3])).toEqual(before.map((n) => n.ip.split('.')[3]))
      for (const n of c.networks) expect(n.ip).toMatch(/^10\.206\.[0-2]\.\d+$/)
    }
    expect(networkSpecs(moved, 'lab-b').map((n) => n.subnet)).toEqual(['10.206.0.0/24', '10.206.1.0/24', '10.206.2.0/24'])
  })

  it('leaves no address of the topology\'s subnets in any env or DNS setting, and changes nothing but the moved prefix', () => {
    for (const [id, c] of Object.entries(reloc)) {
      const carried = [...Object.values(c.env), ...(c.dns ?? [])].join('\n')
      expect(carried, id).not.toMatch(/10\.231\./)
      for (const ip of carried.match(IPV4) ?? []) expect(ip === '127.0.0.1' || ip === '127.0.0.0' || ip.startsWith('10.206.') || ip.startsWith('255.'), `${id}: ${ip}`).toBe(true)
      // the same container in the unmoved lab, with 10.231. read as 10.206., is this one (LAB_ID aside)
      const expected = JSON.parse(JSON.stringify({ ...own[id]!.env, LAB_ID: 'lab-b' }).replace(/10\.231\./g, '10.206.')) as Record<string, string>
      expect(c.env, id).toEqual(expected)
      expect(c.dns, id).toEqual(own[id]!.dns?.map((ip) => ip.replace('10.231.', '10.206.')))
    }
  })

  it('hands the images the lab\'s real subnets: db grants and mx mynetworks follow (LAB_NETS)', () => {
    expect(reloc.db1!.env.LAB_NETS).toBe('10.206.0.0/24,10.206.1.0/24,10.206.2.0/24')
    expect(reloc.mx1!.env.LAB_NETS).toBe('10.206.0.0/24,10.206.1.0/24,10.206.2.0/24')
    expect(reloc.db2!.env.PRIMARY_HOST).toBe('10.206.0.11')
    expect(reloc.db3!.env.PRIMARY_HOST).toBe('10.206.2.11')
    expect(reloc.fe1!.env.VRRP).toBe('51:10.206.1.100/24:150,52:10.206.1.101/24:99')
    expect(reloc.ns1!.env.ZONE).toContain('www IN A 10.206.1.100')
    expect(reloc.edge!.env.DNS_SERVERS).toBe('10.206.1.71,10.206.1.72')
  })

  it('keeps names, volumes and labels per lab', () => {
    expect(reloc.db1!.name).toBe('racklab-lab-b-db1')
    expect(Object.keys(reloc.db1!.volumes)).toEqual(['racklab-lab-b-db1-data', 'racklab-lab-b-db1-offsite'])
    expect(reloc.db1!.labels['racklab.lab']).toBe('lab-b')
    // host ports are chosen by Docker, except FTP's passive range, which clients are told in advance (as itself)
    expect(Object.entries(reloc.edge!.publish ?? {}).every(([port, p]) => p === 0 || Number(port.split('/')[0]) === p)).toBe(true)
  })
})
