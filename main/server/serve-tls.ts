// HTTPS for `racklab serve --host ADDRESS` off loopback. The tokens in its links give consoles and actions, so
// on a LAN they never travel in the clear. The certificate is self-signed and made for that one address: never
// the lab CA (it may sign only the lab's own names, and a serve host is not one of them). Kept in
// ~/.racklab/.serve-tls/<address>/ and reused while it is valid, so a restarted serve keeps the fingerprint
// people already accepted.
import { X509Certificate, createPrivateKey } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { join } from 'node:path'
import { LabError } from '@contract/errors'
import { dn, makeCertificate, newKeyPair, serverLeafExtensions } from '../engine/tls/x509'

const DAY = 86_400_000
export const SERVE_CERT_DAYS = 90
/** made again when fewer days than this are left, so a workshop never starts on one about to expire */
const RENEW_DAYS = 7

export interface ServeTls {
  certPem: string
  keyPem: string
  /** SHA-256 of the certificate, as browsers show it: what people compare before they accept it */
  fingerprint: string
  made: boolean
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/
export const isLoopback = (host: string): boolean => LOOPBACK.test(host)

/** the address must be one people can type: a wildcard listens everywhere but names no host for the links */
export function checkServeHost(host: string): void {
  if (host === '0.0.0.0' || host === '::' || host === '[::]') throw new LabError('BAD_INPUT', `--host ${host}: give the address students will open (this machine's LAN address or name), not a wildcard; the links and the certificate are made for it`)
  if (!isIP(host) && !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(host)) throw new LabError('BAD_INPUT', `--host ${JSON.stringify(host)}: not an IP address or a host name`)
}

const dirFor = (home: string, host: string): string => join(home, '.serve-tls', host.replace(/[^A-Za-z0-9.-]/g, '_'))

/** whether a stored certificate still fits: for this address, not expiring within RENEW_DAYS, and its key */
function usable(certPem: string, keyPem: string, host: string, now: Date): boolean {
  try {
    const c = new X509Certificate(certPem)
    if (!c.checkPrivateKey(createPrivateKey(keyPem))) return false
    if (new Date(c.validTo).getTime() - now.getTime() < RENEW_DAYS * DAY) return false
    return isIP(host) ? c.checkIP(host) !== undefined : c.checkHost(host) !== undefined
  } catch {
    return false
  }
}

export async function makeServeCertificate(host: string, now = new Date()): Promise<{ certPem: string; keyPem: string }> {
  const keys = await newKeyPair()
  const name = dn([['O', 'Racklab'], ['CN', `racklab serve (${host})`]])
  const notBefore = new Date(now.getTime() - 300_000)
  const certPem = makeCertificate({
    subject: name,
    issuer: name,
    notBefore,
    notAfter: new Date(notBefore.getTime() + SERVE_CERT_DAYS * DAY),
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    extensions: isIP(host) ? serverLeafExtensions(keys.publicKey, [], [host]) : serverLeafExtensions(keys.publicKey, [host], []),
  })
  return { certPem, keyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }
}

/** the certificate for `host` from `home`, made (and stored, key 0600) when missing, for another address or expiring */
export async function loadOrMakeServeTls(home: string, host: string, now = new Date()): Promise<ServeTls> {
  checkServeHost(host)
  const dir = dirFor(home, host)
  const certFile = join(dir, 'cert.pem')
  const keyFile = join(dir, 'key.pem')
  if (existsSync(certFile) && existsSync(keyFile)) {
    const certPem = readFileSync(certFile, 'utf8')
    const keyPem = readFileSync(keyFile, 'utf8')
    if (usable(certPem, keyPem, host, now)) return { certPem, keyPem, fingerprint: new X509Certificate(certPem).fingerprint256, made: false }
  }
  const { certPem, keyPem } = await makeServeCertificate(host, now)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  chmodSync(dir, 0o700)
  // each written aside and renamed; a kill between the two leaves a pair that fails usable()'s key check: made again
  writeFileSync(`${keyFile}.tmp`, keyPem, { mode: 0o600 })
  renameSync(`${keyFile}.tmp`, keyFile)
  writeFileSync(`${certFile}.tmp`, certPem, { mode: 0o644 })
  renameSync(`${certFile}.tmp`, certFile)
  return { certPem, keyPem, fingerprint: new X509Certificate(certPem).fingerprint256, made: true }
}
