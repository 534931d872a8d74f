// The lab CA as an object: its certificate (public) and its key (never leaves the engine), making leaves for
// the frontends. The CA is constrained (ca-scope.ts), can sign no other CA (pathlen 0) and lives ≤ 1 year.
import * as x from '@peculiar/asn1-x509'
import { X509Certificate, type KeyObject } from 'node:crypto'
import { dnsInScope, ipInScope, type CaScope } from './ca-scope'
import { dn, extension, extensionOf, keyId, makeCertificate, newKeyPair, parseCertificate, serverLeafExtensions } from './x509'

const DAY = 86_400_000
/** the CA's whole validity: a year at most (browsers and the brief both want a short-lived root) */
export const CA_LIFETIME_MS = 365 * DAY

export interface LeafRequest {
  /** the subject's common name (clients use the SANs; the CN is for people reading the certificate) */
  cn: string
  dns: string[]
  ips: string[]
  /** a certificate that ended yesterday (the expire-cert fault), instead of one valid until the CA ends */
  expired?: boolean
}

export interface Leaf {
  /** the leaf certificate (PEM) */
  certPem: string
  /** its private key (PKCS#8 PEM), for the one frontend that presents it */
  keyPem: string
}

export class LabAuthority {
  readonly cert: X509Certificate
  readonly scope: CaScope

  constructor(
    readonly certPem: string,
    private readonly key: KeyObject,
  ) {
    this.cert = new X509Certificate(certPem)
    if (!this.cert.checkPrivateKey(key)) throw new Error('the lab CA key does not belong to its certificate')
    this.scope = scopeOf(this.cert)
  }

  get notBefore(): Date {
    return new Date(this.cert.validFrom)
  }
  get notAfter(): Date {
    return new Date(this.cert.validTo)
  }

  /** whether this CA signed the certificate (signature only; dates and names are checked elsewhere) */
  signed(certPem: string): boolean {
    try {
      const c = new X509Certificate(certPem)
      return c.checkIssued(this.cert) && c.verify(this.cert.publicKey)
    } catch {
      return false
    }
  }

  /** a server certificate for names and addresses inside the CA's scope, with a fresh key */
  async issueLeaf(r: LeafRequest, now = new Date()): Promise<Leaf> {
    const outside = [...r.dns.filter((n) => !dnsInScope(this.scope, n)), ...r.ips.filter((ip) => !ipInScope(this.scope, ip))]
    if (outside.length) throw new Error(`a leaf for ${r.cn} names ${outside.join(', ')}, outside what the lab CA may sign (${[...this.scope.dns, ...this.scope.ip].join(', ')})`)
    const keys = await newKeyPair()
    const notBefore = new Date(now.getTime() - (r.expired ? 60 * DAY : 3_600_000))
    const notAfter = r.expired ? new Date(now.getTime() - DAY) : this.notAfter
    const certPem = makeCertificate({
      subject: dn([['CN', r.cn]]),
      issuer: parseCertificate(this.cert).tbsCertificate.subject,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: this.key,
      extensions: [
        ...serverLeafExtensions(keys.publicKey, r.dns, r.ips),
        extension(x.id_ce_authorityKeyIdentifier, false, new x.AuthorityKeyIdentifier({ keyIdentifier: keyId(this.cert.publicKey) })),
      ],
    })
    return { certPem, keyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }
  }

  /** a new CA for the lab: critical name constraints, pathlen 0, keyCertSign/cRLSign, valid one year from now */
  static async create(labId: string, scope: CaScope, now = new Date()): Promise<{ authority: LabAuthority; keyPem: string }> {
    const keys = await newKeyPair()
    const name = dn([['O', 'Racklab'], ['OU', `lab ${labId}`], ['CN', `Racklab lab CA (${labId})`]])
    const notBefore = new Date(now.getTime() - 300_000) // a little slack for clocks in containers
    const permitted = new x.GeneralSubtrees([
      ...scope.dns.map((d) => new x.GeneralSubtree({ base: new x.GeneralName({ dNSName: d }) })),
      ...scope.ip.map((c) => new x.GeneralSubtree({ base: new x.GeneralName({ iPAddress: c }) })),
      // mail addresses too: only mailboxes at the lab's domain (an unconstrained name form would be open)
      new x.GeneralSubtree({ base: new x.GeneralName({ rfc822Name: scope.dns[0] }) }),
    ])
    const certPem = makeCertificate({
      subject: name,
      issuer: name,
      notBefore,
      notAfter: new Date(notBefore.getTime() + CA_LIFETIME_MS),
      publicKey: keys.publicKey,
      signingKey: keys.privateKey,
      extensions: [
        extension(x.id_ce_basicConstraints, true, new x.BasicConstraints({ cA: true, pathLenConstraint: 0 })),
        extension(x.id_ce_keyUsage, true, new x.KeyUsage(x.KeyUsageFlags.keyCertSign | x.KeyUsageFlags.cRLSign)),
        extension(x.id_ce_nameConstraints, true, new x.NameConstraints({ permittedSubtrees: permitted })),
        extension(x.id_ce_subjectKeyIdentifier, false, keyId(keys.publicKey)),
      ],
    })
    return { authority: new LabAuthority(certPem, keys.privateKey), keyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }
  }
}

/** the DNS names and IP networks a CA certificate's name constraints permit (empty when it has none) */
export function scopeOf(cert: X509Certificate): CaScope {
  const nc = extensionOf(parseCertificate(cert), x.id_ce_nameConstraints, x.NameConstraints)
  const bases = nc?.permittedSubtrees?.map((s) => s.base) ?? []
  return { dns: bases.flatMap((b) => (b.dNSName ? [b.dNSName] : [])), ip: bases.flatMap((b) => (b.iPAddress ? [b.iPAddress] : [])) }
}
