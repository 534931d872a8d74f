// X.509 certificates built in pure JS (@peculiar/asn1-x509 for the DER) and signed with node:crypto, so the
// engine makes the lab CA and its leaves the same way on Linux, macOS and Windows (no host openssl).
import { AsnConvert, OctetString } from '@peculiar/asn1-schema'
import * as x from '@peculiar/asn1-x509'
import type { X509Certificate} from 'node:crypto';
import { createHash, generateKeyPair, randomBytes, sign, type KeyObject } from 'node:crypto'
import { promisify } from 'node:util'

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11'
const OID = { O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' } as const

export interface KeyPair {
  publicKey: KeyObject
  privateKey: KeyObject
}

/** RSA 2048: what every client in and around the lab (curl, Perl, browsers, nginx) accepts */
export const newKeyPair = (): Promise<KeyPair> => promisify(generateKeyPair)('rsa', { modulusLength: 2048 })

/** a distinguished name from [attribute, value] pairs in order, e.g. [['O', 'Racklab'], ['CN', '…']] */
export function dn(parts: [keyof typeof OID, string][]): x.Name {
  return new x.Name(parts.map(([k, v]) => new x.RelativeDistinguishedName([new x.AttributeTypeAndValue({ type: OID[k], value: new x.AttributeValue({ utf8String: v }) })])))
}

export function extension(id: string, critical: boolean, value: object): x.Extension {
  return new x.Extension({ extnID: id, critical, extnValue: new OctetString(AsnConvert.serialize(value)) })
}

/** RFC 5280 method 1: SHA-1 of the subjectPublicKey bits */
export function keyId(publicKey: KeyObject): x.KeyIdentifier {
  const spki = AsnConvert.parse(publicKey.export({ type: 'spki', format: 'der' }), x.SubjectPublicKeyInfo)
  return new x.KeyIdentifier(createHash('sha1').update(Buffer.from(spki.subjectPublicKey)).digest())
}

export interface CertificateSpec {
  subject: x.Name
  issuer: x.Name
  notBefore: Date
  notAfter: Date
  /** the key the certificate is for */
  publicKey: KeyObject
  /** the issuer's key (the subject's own for a self-signed CA) */
  signingKey: KeyObject
  extensions: x.Extension[]
}

/** a signed v3 certificate as PEM, with a random positive 128-bit serial */
export function makeCertificate(s: CertificateSpec): string {
  const serial = randomBytes(16)
  serial[0] = (serial[0]! & 0x7f) | 0x01 // positive, and no leading zero byte
  const alg = new x.AlgorithmIdentifier({ algorithm: SHA256_WITH_RSA, parameters: null })
  const tbs = new x.TBSCertificate({
    version: x.Version.v3,
    serialNumber: new Uint8Array(serial).buffer,
    signature: alg,
    issuer: s.issuer,
    validity: new x.Validity({ notBefore: s.notBefore, notAfter: s.notAfter }),
    subject: s.subject,
    subjectPublicKeyInfo: AsnConvert.parse(s.publicKey.export({ type: 'spki', format: 'der' }), x.SubjectPublicKeyInfo),
    extensions: new x.Extensions(s.extensions),
  })
  const signature = sign('sha256', Buffer.from(AsnConvert.serialize(tbs)), s.signingKey)
  const der = AsnConvert.serialize(new x.Certificate({ tbsCertificate: tbs, signatureAlgorithm: alg, signatureValue: new Uint8Array(signature).buffer }))
  return toPem(Buffer.from(der))
}

function toPem(der: Buffer): string {
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`
}

/** the parsed ASN.1 of a certificate (for what node:crypto's X509Certificate does not expose) */
export const parseCertificate = (cert: X509Certificate): x.Certificate => AsnConvert.parse(cert.raw, x.Certificate)

/** an extension's value, parsed, or undefined when the certificate lacks it */
export function extensionOf<T>(cert: x.Certificate, id: string, type: new () => T): T | undefined {
  const e = cert.tbsCertificate.extensions?.find((v) => v.extnID === id)
  return e ? AsnConvert.parse(e.extnValue, type) : undefined
}

/** what a TLS server certificate carries: not a CA, signing and key exchange, serverAuth, its names, its key id */
export function serverLeafExtensions(publicKey: KeyObject, dns: readonly string[], ips: readonly string[]): x.Extension[] {
  return [
    extension(x.id_ce_basicConstraints, true, new x.BasicConstraints({ cA: false })),
    extension(x.id_ce_keyUsage, true, new x.KeyUsage(x.KeyUsageFlags.digitalSignature | x.KeyUsageFlags.keyEncipherment)),
    extension(x.id_ce_extKeyUsage, false, new x.ExtendedKeyUsage([x.id_kp_serverAuth])),
    extension(x.id_ce_subjectAltName, false, new x.SubjectAlternativeName([...dns.map((d) => new x.GeneralName({ dNSName: d })), ...ips.map((ip) => new x.GeneralName({ iPAddress: ip }))])),
    extension(x.id_ce_subjectKeyIdentifier, false, keyId(publicKey)),
  ]
}
