import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { TopologySchema, type Topology } from '@contract/topology'
import { placeServers, roleContext } from '../lab/plan'
import { rulesetFor } from './apply'
import { blockablePorts, servedBy } from './served'

const nyi = (): Topology => TopologySchema.parse(parse(readFileSync(new URL('../../../resources/topologies/nyi-2007.yaml', import.meta.url), 'utf8')))
const secrets = { repl: 'r', app: 'a', backup: 'b', cyrus: 'c' }
const ctx = (t: Topology, id: string) => roleContext(t, placeServers(t), id, secrets, 'lab1')

describe('server firewalls', () => {
  it('db1: default drop, loopback and replies in, MariaDB and SSH only from the lab, a block set checked before replies', () => {
    const t = nyi()
    const r = rulesetFor(ctx(t, 'db1'))
    const nets = t.networks.map((n) => n.subnet).join(', ')
    // replaces only its own table (Docker's DNS NAT rules in the namespace stay)
    expect(r.split('\n').slice(0, 3)).toEqual(['table inet racklab {}', 'delete table inet racklab', 'table inet racklab {'])
    expect(r).not.toMatch(/flush ruleset/)
    expect(r).toContain('policy drop;')
    expect(r).toContain(`ip saddr { ${nets} } tcp dport 3306 accept`)
    expect(r.indexOf('tcp dport @blocked_tcp drop')).toBeLessThan(r.indexOf('ct state established,related accept'))
    expect(r.indexOf('iif "lo" accept')).toBeLessThan(r.indexOf('tcp dport @blocked_tcp drop'))
    expect(r).not.toMatch(/protocol 112/)
    // every server: SSH from the lab only (its sshd takes the lab's operator key only)
    expect(r).toContain(`ip saddr { ${nets} } tcp dport 22 accept`)
  })

  it('each role opens what it serves: fe speaks VRRP, the edge takes its public ports from anywhere, file its passive range', () => {
    const t = nyi()
    expect(rulesetFor(ctx(t, 'fe1'))).toMatch(/ip protocol 112 accept/)
    const edge = rulesetFor(ctx(t, 'edge'))
    expect(edge).toMatch(/^ {4}tcp dport \{ 21, 25, 80, 110, 143, 443, 587 \} accept/m)
    expect(rulesetFor(ctx(t, 'file1'))).toMatch(/tcp dport 30000-30003 accept/)
    expect(rulesetFor(ctx(t, 'ns1'))).toMatch(/udp dport 53 accept/)
    expect(blockablePorts(servedBy('imap', ctx(t, 'imap1')))).toEqual([22, 24, 110, 143, 2005, 4190])
    // a lab with backup1: every db may be its offsite store, backup1 takes the hot backup streams
    expect(blockablePorts(servedBy('db', ctx(t, 'db1')))).toEqual([22, 3306, 9101])
    expect(blockablePorts(servedBy('backup', ctx(t, 'backup1')))).toEqual([22, 9100, 9102])
  })
})
