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
  const r = await c.exec(c.server.id, ['racklab-ca', 'install', ...(expired ? ['--expired'] : [])], { stdin: leaf.certPem + leaf.keyPem + ca.certPem, timeoutMs: 30_000 })
  if (r.exitCode !== 0) throw new Error(`${c.server.id}: could not install its certificate: ${(r.stderr || r.stdout).trim()}`)
}

interface HeldTls {
  ca: { sha256: string } | null
  cert: { onPurpose: boolean } | null
}

/** why the frontend's certificate must be replaced, or undefined when what it holds is right */
async function staleBecause(c: HookContext, ca: LabAuthority): Promise<string | undefined> {
  const st = await c.exec(c.server.id, ['racklab-ca', 'status'], { timeoutMs: 20_000 })
  if (st.exitCode !== 0) throw new Error(`${c.server.id}: racklab-ca status failed: ${(st.stderr || st.stdout).trim()}`)
  const held = JSON.parse(st.stdout) as HeldTls
  if (held.ca?.sha256 !== ca.cert.fingerprint256) return 'it does not hold the current lab CA'
  const leaf = await c.exec(c.server.id, ['racklab-ca', 'leaf'], { timeoutMs: 20_000 })
  if (leaf.exitCode !== 0 || !ca.signed(leaf.stdout)) return 'its certificate is not from the lab CA'
  const cert = new X509Certificate(leaf.stdout)
  if (cert.subjectAltName !== sanText(frontendLeafRequest(c))) return `its certificate names ${cert.subjectAltName ?? 'nothing'}`
  if (new Date(cert.validTo) <= new Date() && !held.cert?.onPurpose) return 'its certificate has expired'
  return undefined
}

/** afterHealthy: make sure the frontend presents a certificate from the lab CA for the names it answers as */
export async function provisionFrontendTls(c: HookContext): Promise<void> {
  const ca = await c.labCa()
  if (await staleBecause(c, ca)) await installFrontendLeaf(c, ca)
}
