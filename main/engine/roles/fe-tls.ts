// A frontend's TLS: the engine's lab CA (main/engine/tls) signs each frontend's own certificate and hands it
// over with its key and the CA's public certificate (racklab-ca install, on stdin). The CA key never enters a
// container. Every `up` (and every boot) checks what the frontend holds and replaces it only when it is not
// from the current CA, names the wrong things, or has expired (unless it was expired on purpose).
import { X509Certificate } from 'node:crypto'
import type { LabAuthority, LeafRequest } from '../tls/authority'
import { SERVICE_NAMES } from './dns'
import { frontendVips } from './fe-vips'
import type { HookContext, RoleContext } from './types'

/** what clients call a frontend: the lab's public names (DNS gives the VIPs for all of them), its own name,
 *  the VIPs, its own addresses, and localhost for checks from inside */
export function frontendLeafRequest(c: RoleContext): LeafRequest {
  const { topology: t, server } = c
  const dns = [t.domain, ...SERVICE_NAMES.map((n) => `${n}.${t.domain}`), `${server.id}.${t.domain}`, 'localhost']
  const ips = [...frontendVips(t).map((v) => v.ip), ...server.nics.map((n) => n.ip), '127.0.0.1']
  return { cn: `www.${t.domain}`, dns: [...new Set(dns)], ips: [...new Set(ips)] }
}

/** the SAN as node:crypto prints it, for comparing what a frontend holds with what it should */
const sanText = (r: LeafRequest): string => [...r.dns.map((d) => `DNS:${d}`), ...r.ips.map((ip) => `IP Address:${ip}`)].join(', ')

/** Issue this frontend a certificate from the lab CA (one that ended yesterday with `expired`) and install it. */
export async function installFrontendLeaf(c: HookContext, ca: LabAuthority, expired = false): Promise<void> {
  const leaf = await ca.issueLeaf({ ...frontendLeafRequest(c), expired })
  const r = await c.exec(c.server.id, ['racklab-ca', 'install', ...(expired ? ['--expired'] : [])], { stdin: leaf.certPem + leaf.keyPem + ca.certPem, timeoutMs: 60_000 })
  if (r.exitCode !== 0) throw new Error(`${c.server.id}: could not install its certificate: ${(r.stderr || r.stdout).trim()}`)
}

/** what a frontend holds, from `racklab-ca held`: its certificate file (leaf first), the CA file, the flag */
export interface HeldTls {
  leafPem?: string
  caPem?: string
  onPurpose: boolean
}

const PEM = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g

/** `racklab-ca held` output → HeldTls: "# server.crt", "# ca.crt" sections and the "# expired-on-purpose" line */
export function parseHeldTls(text: string): HeldTls {
  const sections = new Map<string, string>()
  let name = ''
  for (const line of text.split('\n')) {
    const head = /^# (\S+)$/.exec(line)
    if (head) sections.set((name = head[1]!), '')
    else if (name) sections.set(name, `${sections.get(name)}${line}\n`)
  }
  const first = (f: string): string | undefined => sections.get(f)?.match(PEM)?.[0]
  const leafPem = first('server.crt')
  const caPem = first('ca.crt')
  return { ...(leafPem ? { leafPem: `${leafPem}\n` } : {}), ...(caPem ? { caPem: `${caPem}\n` } : {}), onPurpose: sections.has('expired-on-purpose') }
}

/** why the frontend's certificate must be replaced, or undefined when what it holds is right. One exec and no
 *  openssl in the container: checked here (each openssl run there took ~1 s on a loaded host, and the up failed
 *  when `racklab-ca status` + `leaf` ran past their 20 s) */
async function staleBecause(c: HookContext, ca: LabAuthority): Promise<string | undefined> {
  const r = await c.exec(c.server.id, ['racklab-ca', 'held'], { timeoutMs: 60_000 })
  if (r.exitCode !== 0) throw new Error(`${c.server.id}: racklab-ca held failed: ${(r.stderr || r.stdout).trim()}`)
  const held = parseHeldTls(r.stdout)
  if (!held.caPem || new X509Certificate(held.caPem).fingerprint256 !== ca.cert.fingerprint256) return 'it does not hold the current lab CA'
  if (!held.leafPem || !ca.signed(held.leafPem)) return 'its certificate is not from the lab CA'
  const cert = new X509Certificate(held.leafPem)
  if (cert.subjectAltName !== sanText(frontendLeafRequest(c))) return `its certificate names ${cert.subjectAltName ?? 'nothing'}`
  if (new Date(cert.validTo) <= new Date() && !held.onPurpose) return 'its certificate has expired'
  return undefined
}

/** what provisionFrontendTls depends on besides the container: the lab CA and the names the leaf must carry */
export async function frontendTlsInputs(c: HookContext): Promise<unknown> {
  return { ca: (await c.labCa()).cert.fingerprint256, san: sanText(frontendLeafRequest(c)) }
}

/** afterHealthy: make sure the frontend presents a certificate from the lab CA for the names it answers as */
export async function provisionFrontendTls(c: HookContext): Promise<void> {
  const ca = await c.labCa()
  if (await staleBecause(c, ca)) await installFrontendLeaf(c, ca)
}
