// Web-tier probes: HTTPS through the edge (as the Internet sees it, TLS verified with the lab CA), a login
// round trip, which frontend holds each service IP, and each frontend's view of the web pool. Pure over an
// injected exec: they run the images' own tools (racklab-web-check in the edge, racklab-fe-status in a fe).
import { z } from 'zod'
import type { ProbeResult } from '@contract/status'
import type { Exec } from './db'

export interface WebProbeOptions {
  now?: () => Date
}
const stamp = (o: WebProbeOptions): string => (o.now ?? ((): Date => new Date()))().toISOString()

const FeStatusSchema = z.object({
  server: z.string(),
  nginx: z.boolean(),
  keepalived: z.boolean(),
  vips: z.array(z.string()),
  released: z.array(z.number()),
  vrrp: z.record(z.string(), z.number()),
  upstreams: z.array(z.object({ name: z.string(), ip: z.string(), ok: z.boolean(), status: z.number(), ms: z.number(), error: z.string().optional() })),
  // only with --tls (the certificate check forks openssl; the probes never read it)
  tls: z.object({ cert: z.object({ expired: z.boolean(), notAfter: z.number(), signedByCa: z.boolean() }).nullable().optional() }).passthrough().nullable().optional(),
})
export type FeStatus = z.infer<typeof FeStatusSchema>

/** `racklab-fe-status` output → FeStatus; throws naming what is wrong */
export function parseFeStatus(text: string): FeStatus {
  const r = FeStatusSchema.safeParse(JSON.parse(text))
  if (!r.success) throw new Error(`racklab-fe-status gave an unexpected document: ${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message}`)
  return r.data
}

const WebCheckSchema = z.object({
  ok: z.boolean(),
  ms: z.number(),
  error: z.string().optional(),
  status: z.number().optional(),
  gzip: z.boolean().optional(),
  frontend: z.string().optional(),
  backend: z.string().optional(),
  inbox: z.number().nullable().optional(),
})
export type WebCheck = z.infer<typeof WebCheckSchema>

/** the JSON line of `racklab-web-check`, or a failure that says what the tool printed */
export function parseWebCheck(stdout: string, stderr: string, exitCode: number): WebCheck {
  const line = stdout.trim().split('\n').pop() ?? ''
  try {
    return WebCheckSchema.parse(JSON.parse(line))
  } catch {
    return { ok: false, ms: 0, error: `racklab-web-check exited ${exitCode}: ${(stderr || stdout).trim().slice(0, 200) || 'no output'}` }
  }
}

async function tryExec(exec: Exec, server: string, cmd: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  try {
    return await exec(server, cmd)
  } catch (e) {
    return { stdout: '', stderr: e instanceof Error ? e.message : String(e), exitCode: -1 }
  }
}

function checkValues(c: WebCheck): Record<string, number | string | boolean> {
  const v: Record<string, number | string | boolean> = { ms: c.ms }
  if (c.status !== undefined) v.status = c.status
  if (c.gzip !== undefined) v.gzip = c.gzip
  if (c.frontend) v.frontend = c.frontend
  if (c.backend) v.backend = c.backend
  if (typeof c.inbox === 'number') v.inbox = c.inbox
  return v
}

/**
 * web.https: GET https://www.<domain>/login from inside the edge; needs 200, verified TLS and gzip. Without
 * `frontend` the name resolves through the lab DNS to whichever frontend holds the VIP it gives (what the
 * Internet sees); with it, the request goes to that frontend's own address and must be answered by it, so
 * each frontend is checked, not "a" frontend.
 */
export async function probeHttpsEdge(exec: Exec, edge: string, frontend?: { id: string; ip: string }, o: WebProbeOptions = {}): Promise<ProbeResult> {
  const r = await tryExec(exec, edge, ['racklab-web-check', 'https', ...(frontend ? [`${frontend.id}=${frontend.ip}`] : [])])
  const c = parseWebCheck(r.stdout, r.stderr, r.exitCode)
  const ok = c.ok && c.gzip === true
  const via = c.frontend ? ` via ${c.frontend}${c.backend ? ` → ${c.backend}` : ''}` : ''
  const what = frontend ? `HTTPS to ${frontend.id} (${frontend.ip}) from ${edge}` : `HTTPS from ${edge}`
  const message = ok ? `${what} answers ${c.status ?? '?'} gzip${via} in ${c.ms} ms` : c.ok ? `${what} answers but not gzip-compressed${via}` : `${what} failed: ${c.error ?? 'unknown'}`
  return { id: 'web.https', target: frontend?.id ?? edge, ok, message, values: checkValues(c), at: stamp(o) }
}

/**
 * web.login: log in as a test user from the edge, open the inbox with the session, log out. With `backend`,
 * every request is pinned to that web server (X-Racklab-Backend, fe/nginx.conf.in) and the result is its own:
 * round robin would let a broken backend hide behind a healthy one.
 */
export async function probeLogin(exec: Exec, edge: string, user: { name: string; password: string }, backend?: string, o: WebProbeOptions = {}): Promise<ProbeResult> {
  const r = await tryExec(exec, edge, ['racklab-web-check', 'login', user.name, user.password, ...(backend ? [backend] : [])])
  const c = parseWebCheck(r.stdout, r.stderr, r.exitCode)
  const via = c.frontend ? ` via ${c.frontend}${c.backend ? ` → ${c.backend}` : ''}` : ''
  const on = backend ? ` on ${backend}` : ''
  const message = c.ok ? `${user.name} logged in${on} and saw the inbox (${c.inbox ?? '?'} messages)${via} in ${c.ms} ms` : `webmail login as ${user.name}${on} failed: ${c.error ?? 'unknown'}${via}`
  return { id: 'web.login', target: backend ?? edge, ok: c.ok, message, values: checkValues(c), at: stamp(o) }
}

/** fe status of each frontend; a frontend that can't say is reported, not skipped. `tls` adds the certificate's
 *  state, which costs the frontend ~250 ms of CPU (openssl): ask for it only where it is shown */
export async function frontendStatuses(exec: Exec, fes: string[], o: { tls?: boolean } = {}): Promise<Map<string, FeStatus | string>> {
  const out = new Map<string, FeStatus | string>()
  await Promise.all(
    fes.map(async (fe) => {
      const r = await tryExec(exec, fe, ['racklab-fe-status', ...(o.tls ? ['--tls'] : [])])
      if (r.exitCode !== 0) return void out.set(fe, `racklab-fe-status exited ${r.exitCode}: ${(r.stderr || r.stdout).trim().slice(0, 200)}`)
      try {
        out.set(fe, parseFeStatus(r.stdout))
      } catch (e) {
        out.set(fe, (e as Error).message)
      }
    }),
  )
  return out
}

/** web.vips: every service IP is held by exactly one frontend */
export function vipOwners(vips: { ip: string; home: string }[], statuses: Map<string, FeStatus | string>, o: WebProbeOptions = {}): ProbeResult {
  const values: Record<string, string> = {}
  const problems: string[] = []
  const moved: string[] = []
  for (const v of vips) {
    const holders = [...statuses].filter(([, s]) => typeof s !== 'string' && s.vips.includes(v.ip)).map(([fe]) => fe)
    values[v.ip] = holders.join('+') || 'nobody'
    if (holders.length === 0) problems.push(`${v.ip} is held by no frontend`)
    else if (holders.length > 1) problems.push(`${v.ip} is held by ${holders.join(' and ')} at once (split brain)`)
    else if (holders[0] !== v.home) moved.push(`${v.ip} on ${holders[0]} (home ${v.home})`)
  }
  for (const [fe, s] of statuses) if (typeof s === 'string') problems.push(`${fe}: ${s}`)
  const ok = problems.length === 0 && vips.length > 0
  const message = vips.length === 0 ? 'no service IPs: the topology has no frontends' : ok ? `${vips.map((v) => `${v.ip}→${values[v.ip]}`).join(', ')}${moved.length ? ` (moved: ${moved.join('; ')})` : ''}` : problems.join('; ')
  return { id: 'web.vips', target: [...statuses.keys()].join(','), ok, message, values, at: stamp(o) }
}

/** web.upstreams: the web pool as one frontend sees it (GET /health on each backend) */
export function upstreamHealth(fe: string, status: FeStatus | string, o: WebProbeOptions = {}): ProbeResult {
  if (typeof status === 'string') return { id: 'web.upstreams', target: fe, ok: false, message: `${fe}: ${status}`, at: stamp(o) }
  const values: Record<string, number | string | boolean> = { nginx: status.nginx }
  for (const u of status.upstreams) values[u.name] = u.ok ? u.ms : (u.error ?? `HTTP ${u.status}`)
  const down = status.upstreams.filter((u) => !u.ok)
  const ok = status.nginx && status.upstreams.length > 0 && down.length === 0
  const message = !status.nginx ? `${fe}: nginx is not running` : down.length ? `${fe}: ${down.map((u) => `${u.name} (${u.ip}) down: ${u.error ?? `HTTP ${u.status}`}`).join('; ')}; ${status.upstreams.length - down.length} of ${status.upstreams.length} up` : `${fe}: all ${status.upstreams.length} web backends answer`
  return { id: 'web.upstreams', target: fe, ok, message, values, at: stamp(o) }
}
