// The lab CA checked by an independent verifier: the host's openssl (test only; product code never runs it).
import { execFileSync, spawnSync } from 'node:child_process'
import { createPrivateKey, X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as x from '@peculiar/asn1-x509'
import { afterAll, describe, expect, it } from 'vitest'
import { CA_LIFETIME_MS, LabAuthority } from './authority'
import { caScope, type CaScope } from './ca-scope'
import { caDir, LabCaKeeper, loadOrMakeLabCa } from './ca-store'
import { dn, extension, keyId, makeCertificate, newKeyPair, parseCertificate } from './x509'

const work = mkdtempSync(join(tmpdir(), 'racklab-ca-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const scope: CaScope = { dns: ['fastmail.test', 'localhost'], ip: ['127.0.0.0/8', '10.231.0.0/24', '10.231.1.0/24'] }
let n = 0
function file(text: string): string {
  const f = join(work, `f${n++}.pem`)
  writeFileSync(f, text)
  return f
}
/** openssl verify of a leaf against the CA as the only trust anchor, TLS-server purpose */
function verify(ca: LabAuthority, leafPem: string): { ok: boolean; out: string } {
  const r = spawnSync('openssl', ['verify', '-purpose', 'sslserver', '-CAfile', file(ca.certPem), file(leafPem)], { encoding: 'utf8' })
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` }
}
/** what someone holding the CA key could sign: any SAN, none of the engine's own checks */
async function forge(ca: LabAuthority, keyPem: string, san: x.GeneralName[]): Promise<string> {
  const k = await newKeyPair()
  return makeCertificate({
    subject: dn([['CN', 'forged']]),
    issuer: parseCertificate(ca.cert).tbsCertificate.subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    publicKey: k.publicKey,
    signingKey: createPrivateKey(keyPem),
    extensions: [
      extension(x.id_ce_basicConstraints, true, new x.BasicConstraints({ cA: false })),
      extension(x.id_ce_extKeyUsage, false, new x.ExtendedKeyUsage([x.id_kp_serverAuth])),
      extension(x.id_ce_subjectAltName, false, new x.SubjectAlternativeName(san)),
      extension(x.id_ce_authorityKeyIdentifier, false, new x.AuthorityKeyIdentifier({ keyIdentifier: keyId(ca.cert.publicKey) })),
    ],
  })
}

describe('lab CA', { timeout: 30_000 }, async () => {
  const { authority: ca, keyPem } = await LabAuthority.create('it', scope)
  const text = execFileSync('openssl', ['x509', '-noout', '-text', '-in', file(ca.certPem)], { encoding: 'utf8' })

  it('is a CA that can sign no other CA, with critical name constraints for the lab only', () => {
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0/)
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign/)
    const nc = /X509v3 Name Constraints: critical\s+Permitted:\s+([\s\S]*?)\n\s+X509v3/.exec(text)?.[1]
    expect(nc?.split('\n').map((l) => l.trim())).toEqual([
      'DNS:fastmail.test',
      'DNS:localhost',
      'IP:127.0.0.0/255.0.0.0',
      'IP:10.231.0.0/255.255.255.0',
      'IP:10.231.1.0/255.255.255.0',
      'email:fastmail.test',
    ])
    expect(ca.cert.subject).toBe('O=Racklab\nOU=lab it\nCN=Racklab lab CA (it)')
  })

  it('is valid for a year at most, from about now', () => {
    expect(ca.notAfter.getTime() - ca.notBefore.getTime()).toBeLessThanOrEqual(CA_LIFETIME_MS)
    expect(ca.notAfter.getTime() - ca.notBefore.getTime()).toBeGreaterThan(CA_LIFETIME_MS - 1000)
    expect(Math.abs(ca.notBefore.getTime() - Date.now())).toBeLessThan(600_000)
  })

  it('signs a lab leaf that openssl verifies, for the lab names, localhost and lab addresses', async () => {
    const leaf = await ca.issueLeaf({ cn: 'www.fastmail.test', dns: ['www.fastmail.test', 'fe1.fastmail.test', 'fastmail.test', 'localhost'], ips: ['10.231.1.100', '127.0.0.1'] })
    expect(verify(ca, leaf.certPem)).toEqual({ ok: true, out: expect.stringContaining(': OK') })
    expect(new X509Certificate(leaf.certPem).checkPrivateKey(createPrivateKey(leaf.keyPem))).toBe(true)
    expect(new X509Certificate(leaf.certPem).subjectAltName).toBe('DNS:www.fastmail.test, DNS:fe1.fastmail.test, DNS:fastmail.test, DNS:localhost, IP Address:10.231.1.100, IP Address:127.0.0.1')
    expect(ca.signed(leaf.certPem)).toBe(true)
  })

  it('a leaf for www.google.com signed with the CA key fails openssl verify on the name constraints', async () => {
    const forged = await forge(ca, keyPem, [new x.GeneralName({ dNSName: 'www.google.com' })])
    expect(ca.signed(forged)).toBe(true) // really signed by the CA: only the constraints stop it
    const r = verify(ca, forged)
    expect(r.ok).toBe(false)
    expect(r.out).toMatch(/permitted subtree violation/)
  })

  it('so does a leaf for an address outside the lab subnets, or a name that only ends like the domain', async () => {
    for (const san of [new x.GeneralName({ iPAddress: '8.8.8.8' }), new x.GeneralName({ iPAddress: '10.231.2.1' }), new x.GeneralName({ dNSName: 'evilfastmail.test' })]) {
      const r = verify(ca, await forge(ca, keyPem, [san]))
      expect(r.ok, JSON.stringify(san)).toBe(false)
      expect(r.out).toMatch(/permitted subtree violation/)
    }
  })

  it('a leaf it signs cannot sign in turn (pathlen 0, and leaves are CA:false)', async () => {
    const leaf = await ca.issueLeaf({ cn: 'www.fastmail.test', dns: ['www.fastmail.test'], ips: [] })
    expect(execFileSync('openssl', ['x509', '-noout', '-text', '-in', file(leaf.certPem)], { encoding: 'utf8' })).toMatch(/Basic Constraints: critical\s+CA:FALSE/)
  })

  it('refuses to issue a leaf outside its scope', async () => {
    await expect(ca.issueLeaf({ cn: 'x', dns: ['www.google.com'], ips: ['8.8.8.8'] })).rejects.toThrow('a leaf for x names www.google.com, 8.8.8.8, outside what the lab CA may sign')
  })

  it('an expired-on-purpose leaf is signed by it and fails verification as expired', async () => {
    const leaf = await ca.issueLeaf({ cn: 'www.fastmail.test', dns: ['www.fastmail.test'], ips: [], expired: true })
    expect(ca.signed(leaf.certPem)).toBe(true)
    expect(verify(ca, leaf.certPem).out).toMatch(/certificate has expired/)
  })
})

describe('the CA in the lab state dir', { timeout: 30_000 }, () => {
  it('is made with a 0600 key in a 0700 dir, then reused; remade when expired or the scope changes', async () => {
    const state = join(work, 'lab-a')
    const first = await loadOrMakeLabCa(state, 'a', scope)
    expect(first.made).toBe('there was none')
    expect(statSync(caDir(state)).mode & 0o777).toBe(0o700)
    expect(statSync(join(caDir(state), 'ca.key')).mode & 0o777).toBe(0o600)
    expect(readFileSync(join(caDir(state), 'ca.crt'), 'utf8')).toBe(first.ca.certPem)

    const again = await loadOrMakeLabCa(state, 'a', scope)
    expect(again.made).toBeUndefined()
    expect(again.ca.certPem).toBe(first.ca.certPem)

    const later = await loadOrMakeLabCa(state, 'a', scope, new Date(first.ca.notAfter.getTime() + 1000))
    expect(later.made).toMatch(/^the previous one expired on /)
    const moved = await loadOrMakeLabCa(state, 'a', { ...scope, dns: ['other.test', 'localhost'] })
    expect(moved.made).toMatch(/^the lab's domain or subnets changed/)
    expect(moved.ca.certPem).not.toBe(later.ca.certPem)
  })

  it('replaces an unreadable key, and the keeper makes one CA for parallel callers', async () => {
    const state = join(work, 'lab-b')
    await loadOrMakeLabCa(state, 'b', scope)
    writeFileSync(join(caDir(state), 'ca.key'), 'garbage')
    expect((await loadOrMakeLabCa(state, 'b', scope)).made).toMatch(/could not be read/)

    const made: string[] = []
    const keeper = new LabCaKeeper(join(work, 'lab-c'), 'c', () => scope, (_ca, why) => made.push(why))
    const all = await Promise.all([keeper.get(), keeper.get(), keeper.get()])
    expect(new Set(all.map((c) => c.certPem)).size).toBe(1)
    expect(made).toEqual(['there was none'])
  })
})

describe('caScope', () => {
  it('is the domain, localhost, loopback and every lab subnet (host bits cleared)', () => {
    const t = { domain: 'fastmail.test', networks: [{ id: 'int', subnet: '10.231.0.0/24' }, { id: 'pub', subnet: '10.231.1.7/24' }] }
    expect(caScope(t as never)).toEqual({ dns: ['fastmail.test', 'localhost'], ip: ['127.0.0.0/8', '10.231.0.0/24', '10.231.1.0/24'] })
  })
  it('refuses a subnet wider than a /8', () => {
    expect(() => caScope({ domain: 'a.test', networks: [{ id: 'all', subnet: '0.0.0.0/0' }] } as never)).toThrow("network all: '0.0.0.0/0' is wider than a /8")
  })
})
