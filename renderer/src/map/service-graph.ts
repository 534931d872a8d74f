// Who talks to whom, derived from the topology's roles and replicaOf links (never a fixed picture of one lab),
// with each edge coloured by the monitor probe that measures that hop and each node by its server's state.
// Pure: topology + statuses + probe results in, nodes with columns and edges with tones out.
import type { ProbeResult, ServerStatus } from '@contract/status'
import type { ServerUnit, Topology } from '@contract/topology'

/** good: the probe passed · bad: it failed · idle: nothing measures this hop right now (server down, no monitor) */
export type Tone = 'good' | 'warn' | 'bad' | 'idle'

export interface GraphNode {
  id: string
  label: string
  /** servers: the role; stand-ins for a shared service: 'vips' or 'lmtp' */
  role: string
  /** 0 = where traffic enters (the edge) … 5 = replicas */
  column: number
  /** the server a click selects (a stand-in selects the first server that carries it) */
  selects: string | null
  tone: Tone
  /** one line for the tooltip: state, health, failing probes */
  detail: string
}

export interface GraphEdge {
  from: string
  to: string
  tone: Tone
  /** the probe(s) behind the colour and what they said, or why no probe speaks for this hop */
  detail: string
}

export interface ServiceGraph {
  nodes: GraphNode[]
  edges: GraphEdge[]
}

export const VIPS = 'svc:vips'
export const LMTP = 'svc:lmtp'

const servers = (t: Topology): ServerUnit[] => t.sites.flatMap((s) => s.racks.flatMap((r) => r.units.filter((u): u is ServerUnit => u.kind === 'server')))

const RANK: Record<Tone, number> = { good: 0, idle: 1, warn: 2, bad: 3 }
const worst = (tones: Tone[]): Tone => tones.reduce<Tone>((a, b) => (RANK[b] > RANK[a] ? b : a), 'good')

/** the server's own colour: down or crashed is bad; unhealthy, starting or a failing probe about it is a warning */
export function nodeTone(s: ServerStatus | undefined, ownFailures: readonly ProbeResult[]): Tone {
  if (!s || s.state === 'absent') return 'idle'
  if (s.state === 'crashed' || s.state === 'stopped' || s.state === 'powered-off') return 'bad'
  if (s.state !== 'running') return s.state === 'created' ? 'idle' : 'warn'
  if (ownFailures.some((r) => r.id === 'server.running' || r.id === 'db.ping')) return 'bad'
  if (s.health === 'unhealthy' || s.health === 'starting' || ownFailures.length) return 'warn'
  return 'good'
}

interface Hop {
  tone: Tone
  detail: string
}

const NO_PROBE = (why: string): Hop => ({ tone: 'idle', detail: why })

function fromResults(rs: readonly ProbeResult[], none: string): Hop {
  if (!rs.length) return NO_PROBE(none)
  const tone = worst(rs.map((r) => (r.ok ? 'good' : 'bad')))
  return { tone, detail: rs.map((r) => `${r.id} ${r.target}: ${r.ok ? 'ok' : 'FAIL'} · ${r.message}`).join('\n') }
}

/**
 * A hop that only exists while both ends run: when either end is down it shows idle, whatever an older
 * probe result says (the monitor stops probing a server that is not running).
 */
export function deriveServiceGraph(t: Topology, statuses: readonly ServerStatus[], results: readonly ProbeResult[]): ServiceGraph {
  const all = servers(t)
  const byRole = (role: string): ServerUnit[] => all.filter((s) => s.role === role)
  const status = new Map(statuses.map((s) => [s.id, s]))
  const running = (id: string): boolean => status.get(id)?.state === 'running'
  const probes = (id: string, target?: (t: string) => boolean): ProbeResult[] => results.filter((r) => r.id === id && (!target || target(r.target)))
  const targetIs = (x: string) => (t: string) => t === x
  const targetHas = (x: string) => (t: string) => t.split(',').includes(x)

  const nodes: GraphNode[] = []
  const edges: GraphEdge[] = []
  const addServer = (s: ServerUnit, column: number): void => {
    const st = status.get(s.id)
    const own = results.filter((r) => !r.ok && r.target === s.id && (r.id === 'server.running' || r.id === 'db.ping' || r.id === 'db.replication'))
    const state = st ? `${st.state}${st.state === 'running' ? ` · ${st.health}` : ''}` : 'no status'
    nodes.push({ id: s.id, label: s.label ?? s.id, role: s.role, column, selects: s.id, tone: nodeTone(st, own), detail: [`${s.id} (${s.role}) · ${state}`, ...own.map((r) => r.message)].join('\n') })
  }
  const link = (from: string, to: string, hop: Hop, ends: string[]): void => {
    const down = ends.filter((id) => !id.startsWith('svc:') && !running(id))
    edges.push({ from, to, ...(down.length ? NO_PROBE(`${down.join(', ')} not running`) : hop) })
  }

  const edgesR = byRole('edge')
  const fes = byRole('fe')
  const webs = byRole('web')
  const mxs = byRole('mx')
  const dbs = byRole('db')
  const imaps = byRole('imap')
  const dbPrimaries = dbs.filter((d) => !d.replicaOf)
  const imapMasters = imaps.filter((d) => !d.replicaOf)

  for (const s of edgesR) addServer(s, 0)
  if (fes.length) {
    const hosts = fes.filter((f) => running(f.id)).map((f) => f.id)
    // no frontend at all in this lab run (brought up with --only) is not measured; frontends that stopped are a failure
    const vips = probes('web.vips')
    nodes.push({ id: VIPS, label: 'VIPs', role: 'vips', column: 1, selects: hosts[0] ?? fes[0]!.id, tone: vips.length ? worst(vips.map((r) => (r.ok ? 'good' : 'bad'))) : hosts.length || fes.every((f) => !status.get(f.id) || status.get(f.id)!.state === 'absent') ? 'idle' : 'bad', detail: vips.map((r) => `web.vips: ${r.message}`).join('\n') || 'service IPs held by the frontends (web.vips has not reported)' })
    for (const e of edgesR) link(e.id, VIPS, fromResults(probes('web.https', targetIs(e.id)), 'web.https has not reported'), [e.id])
  }
  for (const f of fes) {
    addServer(f, 2)
    const vips = probes('web.vips', targetHas(f.id))
    // a frontend that holds no service IP carries no traffic from the VIPs, even when web.vips passes
    const holds = vips.some((r) => Object.values(r.values ?? {}).some((v) => typeof v === 'string' && v.split('+').includes(f.id)))
    const hop = vips.length && vips.every((r) => r.ok) && !holds ? { tone: 'idle' as Tone, detail: `${f.id} holds no service IP` } : fromResults(vips, 'web.vips has not reported')
    link(VIPS, f.id, hop, [f.id])
  }
  for (const w of webs) addServer(w, 3)
  for (const f of fes)
    for (const w of webs) {
      const rs = probes('web.upstreams', targetIs(f.id))
      // the probe reports each backend by name: a number is its answer time, a string why it failed
      const own = rs.map((r) => r.values?.[w.id])
      const hop: Hop = own.some((v) => v !== undefined) ? { tone: own.some((v) => typeof v === 'string') ? 'bad' : 'good', detail: rs.map((r) => `web.upstreams ${f.id} → ${w.id}: ${String(r.values?.[w.id] ?? '?')}${typeof r.values?.[w.id] === 'number' ? ' ms' : ''}`).join('\n') } : fromResults(rs, 'web.upstreams has not reported')
      link(f.id, w.id, hop, [f.id, w.id])
    }
  for (const m of mxs) addServer(m, 2)
  if (mxs.length) {
    const hosts = mxs.filter((m) => running(m.id)).map((m) => m.id)
    nodes.push({ id: LMTP, label: 'LMTP proxy', role: 'lmtp', column: 3, selects: hosts[0] ?? mxs[0]!.id, tone: hosts.length ? 'good' : 'idle', detail: `the LMTP proxy on ${mxs.map((m) => m.id).join(', ')}` })
    for (const m of mxs) link(m.id, LMTP, fromResults(probes('smtp.accept', targetIs(m.id)), 'smtp.accept has not reported'), [m.id])
  }
  for (const d of dbPrimaries) addServer(d, 4)
  for (const i of imapMasters) addServer(i, 4)
  for (const w of webs) {
    for (const d of dbPrimaries) link(w.id, d.id, fromResults(probes('db.clients', targetIs(w.id)), 'db.clients has not reported'), [w.id, d.id])
    for (const i of imapMasters) link(w.id, i.id, fromResults(probes('web.login', targetIs(w.id)), 'web.login has not reported'), [w.id, i.id])
  }
  if (mxs.length) {
    const mxUp = mxs.filter((m) => running(m.id)).map((m) => m.id)
    for (const i of imapMasters) {
      const rs = probes('mail.e2e').filter((r) => r.message.includes(i.id) || imapMasters.length === 1)
      link(LMTP, i.id, mxUp.length ? fromResults(rs, 'mail.e2e has not reported') : NO_PROBE('no MX running'), [i.id])
    }
    for (const d of dbPrimaries) link(LMTP, d.id, mxUp.length ? fromResults(probes('db.clients', (x) => mxs.some((m) => m.id === x)), 'db.clients has not reported') : NO_PROBE('no MX running'), [d.id])
  }
  for (const r of [...dbs, ...imaps].filter((s) => s.replicaOf)) {
    addServer(r, 5)
    const hop = r.role === 'db' ? fromResults(probes('db.replication', targetIs(r.id)), 'db.replication has not reported') : fromResults(probes('imap.replication', targetIs(r.replicaOf!)), 'imap.replication has not reported')
    link(r.replicaOf!, r.id, hop, [r.replicaOf!, r.id])
  }
  // a replica of a replica, or a master the topology places elsewhere: keep only edges between drawn nodes
  const drawn = new Set(nodes.map((n) => n.id))
  return { nodes, edges: edges.filter((e) => drawn.has(e.from) && drawn.has(e.to)) }
}
