// The lab CA as the API shows it (`racklab ca`, the Endpoints panel): the certificate a person imports into a
// browser or OS, its fingerprint, and what its name constraints let it vouch for. Read from the engine's own
// copy (main/engine/tls), never from a container.
import type { LabCa } from '@contract/status'
import type { LabAuthority } from '../tls/authority'

/** "CN=…,OU=…,O=…" (RFC 2253 order, as openssl -nameopt RFC2253 prints it) */
const rfc2253 = (subject: string): string => subject.split('\n').reverse().join(',')

export function labCaInfo(ca: LabAuthority): LabCa {
  return {
    pem: ca.certPem,
    subject: rfc2253(ca.cert.subject),
    sha256: ca.cert.fingerprint256,
    notBefore: ca.notBefore.toISOString(),
    notAfter: ca.notAfter.toISOString(),
    permits: { dns: [...ca.scope.dns], ip: [...ca.scope.ip] },
  }
}
