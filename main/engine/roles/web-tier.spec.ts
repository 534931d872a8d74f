import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { TopologySchema, type Topology } from '@contract/topology'
import { placeServers, roleContext } from '../lab/plan'
import { zoneRecords } from './dns'
import { edge } from './edge'
import { fe } from './fe'
import { frontendLeafRequest } from './fe-tls'
import { caScope } from '../tls/ca-scope'
import { LabAuthority } from '../tls/authority'
import { frontendVips, vrrpInstances } from './fe-vips'
import { mailAuthKey, web } from './web'
import { capabilityNames } from './capabilities'
import { roles } from './index'
import { allServers } from '../topology/queries'

const nyi = (): Topology => TopologySchema.parse(parse(readFileSync(new URL('../../../resources/topologies/nyi-2007.yaml', import.meta.url), 'utf8')))
const secrets = { repl: 'r', app: 'app-secret', backup: 'b', cyrus: 'cyrus-secret' }
const ctx = (t: Topology, id: string): ReturnType<typeof roleContext> => roleContext(t, placeServers(t), id, secrets, 'it')

describe('web tier roles on nyi-2007', () => {
  it('one VIP per frontend from .100 on ext, homed there at priority 150 and backed up below 100', () => {
    const t = nyi()
    expect(frontendVips(t)).toEqual([
      { ip: '10.231.1.100', prefix: 24, vrid: 51, home: 'fe1' },
      { ip: '10.231.1.101', prefix: 24, vrid: 52, home: 'fe2' },
    ])
    expect(vrrpInstances(t, 'fe1')).toBe('51:10.231.1.100/24:150,52:10.231.1.101/24:99')
    expect(vrrpInstances(t, 'fe2')).toBe('51:10.231.1.100/24:99,52:10.231.1.101/24:150')
  })

  it('skips addresses a NIC already uses', () => {
    const t = nyi()
    const edgeNic = t.sites[1]!.racks[0]!.units.find((u) => u.id === 'edge')
    if (edgeNic?.kind !== 'server') throw new Error('edge not found')
    edgeNic.nics[0]!.ip = '10.231.1.100'
    expect(frontendVips(t).map((v) => v.ip)).toEqual(['10.231.1.101', '10.231.1.102'])
  })

  it('the zone: NS, MX per mail exchanger, every public name on every VIP, servers by public address', () => {
    const rr = zoneRecords(nyi())
    expect(rr).toEqual(expect.arrayContaining(['@ IN NS ns1', '@ IN NS ns2', '@ IN MX 10 mx1', '@ IN MX 10 mx2', 'www IN A 10.231.1.100', 'www IN A 10.231.1.101', 'imap IN A 10.231.1.101', 'smtp IN A 10.231.1.100', '@ IN A 10.231.1.100', 'fe1 IN A 10.231.1.21', 'mx2 IN A 10.231.1.42', 'db1 IN A 10.231.0.11', 'edge IN A 10.231.1.200']))
    expect(rr.filter((r) => r.startsWith('pop IN A'))).toHaveLength(2)
  })

  it('fe: upstreams on int, unicast peers on ext, NET_ADMIN only here', () => {
    const t = nyi()
    const s = fe.spec(ctx(t, 'fe1'))
    expect(s.env).toMatchObject({ UPSTREAMS: 'web1=10.231.0.31,web2=10.231.0.32', EXT_IP: '10.231.1.21', VRRP_PEERS: '10.231.1.22', AUTH_KEY: mailAuthKey(secrets) })
    expect(capabilityNames(s.capabilities)).toEqual(expect.arrayContaining(['NET_ADMIN', 'NET_RAW']))
    expect(s.tmpfs).toContain('/run')
    expect(s.volumes).toEqual({ tls: '/etc/racklab/tls' })
    expect(web.spec(ctx(t, 'web1')).capabilities).not.toHaveProperty('NET_ADMIN')
  })

  it('least privilege: every role says why it keeps each capability and has a PID limit; only fe asks NET_ADMIN for its own use (every container gets it for its firewall: lab/plan.ts)', () => {
    const t = nyi()
    // servers whose role runs a container
    const specs = allServers(t).flatMap(({ server: s }) => (roles[s.role] ? [{ role: s.role, spec: roles[s.role]!.spec(ctx(t, s.id)) }] : []))
    expect(new Set(specs.map((s) => s.role))).toEqual(new Set(['backup', 'db', 'dns', 'edge', 'fe', 'file', 'imap', 'mx', 'web']))
    for (const { role, spec } of specs) {
      expect(spec.pidsLimit, role).toBeGreaterThanOrEqual(64)
      for (const [cap, why] of Object.entries(spec.capabilities)) expect(why, `${role} ${cap}`).toMatch(/\w{3,}/)
      if (role !== 'fe') expect(spec.capabilities, role).not.toHaveProperty('NET_ADMIN')
      expect(spec.capabilities, role).not.toHaveProperty('SYS_ADMIN')
    }
  })

  it('fe certificate: the public names, its own name, the VIPs and its addresses, all inside what the lab CA may sign', async () => {
    const t = nyi()
    const r = frontendLeafRequest(ctx(t, 'fe1'))
    expect(r).toEqual({
      cn: 'www.fastmail.test',
      dns: ['fastmail.test', 'www.fastmail.test', 'mail.fastmail.test', 'imap.fastmail.test', 'pop.fastmail.test', 'smtp.fastmail.test', 'ftp.fastmail.test', 'fe1.fastmail.test', 'localhost'],
      ips: ['10.231.1.100', '10.231.1.101', '10.231.0.21', '10.231.1.21', '127.0.0.1'],
    })
    const { authority } = await LabAuthority.create('it', caScope(t))
    await expect(authority.issueLeaf(r)).resolves.toMatchObject({ certPem: expect.stringContaining('BEGIN CERTIFICATE') })
  })

  it('web: databases primary first, the stores, the MXes on int, the same auth key as nginx', () => {
    const s = web.spec(ctx(nyi(), 'web2'))
    expect(s.env).toMatchObject({ DB_HOSTS: '10.231.0.11,10.231.0.12', IMAP_HOSTS: 'imap1=10.231.0.51,imap2=10.231.0.52', MX_HOSTS: '10.231.0.41,10.231.0.42', CYRUS_PASSWORD: 'cyrus-secret', AUTH_KEY: mailAuthKey(secrets) })
    expect(s.publish).toBeUndefined()
  })

  it('edge: publishes every public service, resolves through ns1/ns2 on ext', () => {
    const s = edge.spec(ctx(nyi(), 'edge'))
    expect(s.publish).toEqual({ '443/tcp': 'https', '80/tcp': 'http', '25/tcp': 'smtp', '587/tcp': 'submission', '143/tcp': 'imap', '110/tcp': 'pop3', '21/tcp': 'ftp' })
    expect(s.dns).toEqual(['10.231.1.71', '10.231.1.72'])
    // FTP's passive ports: files.ftpPassivePorts (4) per file node, published on the same host port because the
    // PASV reply names it
    expect(s.fixedPorts).toEqual(Array.from({ length: 12 }, (_, i) => 30000 + i))
    expect(s.env.FORWARDS).toMatch(/^21=ftp:21,25=MX:25,80=www:80,110=pop:110,143=imap:143,443=www:443,587=smtp:587,30000=ftp:30000,.*,30011=ftp:30011$/)
  })
})
