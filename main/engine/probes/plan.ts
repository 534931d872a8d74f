// Which probes apply to what runs now, each as its own unit (probe × target). Planning runs nothing: it reads
// the lab's status, so the monitor can plan every tick and run only what is due.
import type { LabStatus, ProbeResult } from '@contract/status'
import type { Topology } from '@contract/topology'
import type { PlacedServer } from '../topology/queries'
import { frontendVips, publicNetwork } from '../roles/fe-vips'
import { DB_CLIENT_ROLES, probeDbClients } from './db-clients'
import { probeProtocol, probeReplicas, probeScrub } from './storage'
import { probeFresh, probeOffsite, probeVerify } from './backup'
import { probeDns } from './dns'
import { probeMailAccess } from './mail-access'
import { mailStores } from '../roles/backup-mail'
import { isBusy as isBackupRunning } from '../roles/backup-actions'
import { probeChecksums, probePing, probeReplication, type Exec } from './db'
import type { DbRoleBook } from './db-roles'
import * as mail from './mail'
import { unit, type ProbeUnit } from './probe-unit'
import { sharedExec } from './shared-exec'
import { frontendStatuses, probeHttpsEdge, probeLogin, upstreamHealth, vipOwners } from './web'

/** tables whose contents every database server must agree on */
export const CHECKSUM_TABLES = ['users', 'stores', 'address_book', 'files', 'file_copies']

/** every probe id `racklab check` reports (a scenario's expect names them) */
export const PROBE_IDS = ['db.ping', 'db.replication', 'db.checksum', 'db.clients', 'smtp.accept', 'spam.tagged', 'virus.refused', 'mx.queue', 'imap.replication', 'mail.e2e', 'web.https', 'web.login', 'web.vips', 'web.upstreams', 'storage.replicas', 'storage.scrub', 'storage.dav', 'storage.ftp', 'backup.fresh', 'backup.offsite', 'backup.verify', 'dns.answers', 'mail.access', 'server.running'] as const

/** what planning needs of the lab (LabEngine gives it through probeLabOf) */
export interface ProbeLab {
  readonly topology: Topology
  /** the topology with the lab's real (relocated) addresses: VIPs and IPs probes compare against */
  readonly relocated: Topology
  readonly servers: ReadonlyMap<string, PlacedServer>
  status(): LabStatus
  exec: Exec
  /** which db server is the primary now (role markers), read by db.ping and before `racklab check` plans */
  readonly dbRoles: DbRoleBook
  /** lab milliseconds since the lab started (the lab clock), for backup freshness */
  labMs(): number
}

const S = 1000
/** per-unit timeouts: the execs inside have their own (15 s), mail.e2e waits up to 30 s for delivery, db.replication
 *  runs three execs (status and ping, heartbeat write, heartbeat wait up to 5 s) on a host that may be busy */
const TIMEOUT: Record<string, number> = { 'db.ping': 10 * S, 'db.replication': 20 * S, 'db.checksum': 30 * S, 'imap.replication': 60 * S, 'mail.e2e': 75 * S, 'web.login': 30 * S, 'web.https': 30 * S, 'mail.access': 60 * S, 'storage.dav': 100 * S, 'storage.ftp': 100 * S }
const timeoutOf = (id: string): number => TIMEOUT[id] ?? 20 * S

/** a frontend's own address on the public network (where the edge reaches it), from the relocated topology */
function publicAddressOf(lab: ProbeLab, fe: string): string | undefined {
  const net = publicNetwork(lab.relocated).id
  return lab.servers.get(fe)?.server.nics.find((n) => n.network === net)?.ip
}

/** `only`: plan just these probe ids (a scenario waiting on one probe must not send test mail every second) */
export function planProbes(lab: ProbeLab, only?: readonly string[]): ProbeUnit[] {
  const wants = (id: string): boolean => !only || only.includes(id)
  const { exec, topology } = lab
  const servers = lab.status().servers
  const up = new Set(servers.filter((s) => s.state === 'running').map((s) => s.id))
  const of = (role: string): string[] => [...lab.servers.values()].filter((p) => p.server.role === role && up.has(p.server.id)).map((p) => p.server.id)
  const replicaOf = (id: string): string | undefined => lab.servers.get(id)?.server.replicaOf
  const units: ProbeUnit[] = []
  const add = (id: string, target: string, run: () => Promise<ProbeResult | ProbeResult[]>, key?: string): void => {
    if (wants(id)) units.push(unit(id, target, timeoutOf(id), run, key))
  }

  const dbs = of('db')
  // each ping also reads the server's role marker: after a promote or fail-back the primary is not the topology's
  for (const db of dbs) add('db.ping', db, () => probePing(exec, db, { marker: (m) => lab.dbRoles.set(db, m) }))
  const home = [...lab.servers.values()].find((p) => p.server.role === 'db' && !replicaOf(p.server.id))?.server.id
  const primary = lab.dbRoles.primary(dbs, home)
  // Master_Host is an address (or a name) of the lab: the replication probe writes its heartbeat there
  const serverAt = (host: string): string | undefined => {
    const p = [...lab.servers.values()].find((x) => x.server.id === host.split('.')[0] || x.server.nics.some((n) => n.ip === host))
    return p && up.has(p.server.id) ? p.server.id : undefined
  }
  // every running db but the current primary should replicate (a fenced former primary too: fail-back fixes it)
  for (const db of dbs.filter((id) => id !== primary)) {
    const fencedBy = primary !== undefined && lab.dbRoles.marker(db)?.role === 'primary' ? primary : undefined
    add('db.replication', db, () => probeReplication(exec, db, { serverAt, ...(fencedBy ? { fencedBy } : {}) }))
  }
  if (dbs.length > 1) add('db.checksum', dbs.join(','), () => probeChecksums(exec, dbs, CHECKSUM_TABLES))
  // every DB client instance (each web server, each MX's LMTP proxy) on the writable primary, each its own unit
  for (const client of DB_CLIENT_ROLES.flatMap((r) => of(r))) add('db.clients', client, () => probeDbClients(exec, lab.relocated, [client], {}, primary ?? null))

  const deps: mail.MailProbeDeps = { exec }
  const user = topology.users[0]
  const rcpt = user && `${user.name}@${topology.domain}`
  const mxs = of('mx')
  for (const mx of mxs) {
    if (rcpt) add('smtp.accept', mx, () => mail.probeSmtpAccepts(deps, mx, rcpt))
    // content checks: spamd scores GTUBE as spam, Postfix refuses EICAR with 5xx (nothing is delivered)
    add('spam.tagged', mx, () => mail.probeSpamTagged(deps, mx, topology.domain))
    if (rcpt) add('virus.refused', mx, () => mail.probeVirusRefused(deps, mx, rcpt))
    add('mx.queue', mx, () => mail.probeQueue(deps, mx))
  }
  for (const master of of('imap').filter((id) => !replicaOf(id))) {
    const replica = [...lab.servers.values()].find((p) => p.server.replicaOf === master && up.has(p.server.id))?.server.id
    if (replica) add('imap.replication', master, () => mail.probeReplication(deps, master))
    const storeUser = topology.users.find((u) => (u.store ?? master) === master)
    // through every MX: each has its own LMTP proxy to the stores (smtp.accept stops at RCPT)
    if (storeUser) for (const mx of mxs) add('mail.e2e', mx, () => mail.probeDelivery(deps, { mx, master, ...(replica ? { replica } : {}), user: storeUser.name, domain: topology.domain }), `mail.e2e@${mx}>${master}`)
  }

  const fes = of('fe')
  // web.vips and web.upstreams read the same racklab-fe-status, due together: one run serves both
  const feExec = sharedExec(exec)
  if (fes.length) add('web.vips', fes.join(','), async () => vipOwners(frontendVips(lab.relocated), await frontendStatuses(feExec, fes)))
  for (const fe of fes) add('web.upstreams', fe, async () => upstreamHealth(fe, (await frontendStatuses(feExec, [fe])).get(fe) ?? 'no status'))
  for (const edge of of('edge')) {
    // as the Internet sees it (DNS → a VIP → whichever frontend holds it), then each frontend on its own address
    add('web.https', edge, () => probeHttpsEdge(exec, edge))
    for (const fe of fes) {
      const ip = publicAddressOf(lab, fe)
      if (ip) add('web.https', fe, () => probeHttpsEdge(exec, edge, { id: fe, ip }), `web.https@${edge}>${fe}`)
      // IMAP, POP3 and submission through each frontend's mail proxy, as mail clients go
      if (ip && user) add('mail.access', fe, () => probeMailAccess(exec, edge, { id: fe, ip }, user), `mail.access@${edge}>${fe}`)
    }
    // a login pinned to each web backend, not "a" backend by round robin
    if (user) for (const web of of('web')) add('web.login', web, () => probeLogin(exec, edge, user, web), `web.login@${edge}>${web}`)
  }

  // every name server answers for the zone at its own address, asked across the network: from the edge (the lab's
  // DNS client) when it runs, else from another name server (a server asking itself goes through lo, which its
  // firewall lets by), else from itself
  const nicsOf = (id: string): PlacedServer['server']['nics'] => lab.servers.get(id)?.server.nics ?? []
  const dnsWant = {
    domain: topology.domain,
    mx: [...lab.servers.values()].filter((p) => p.server.role === 'mx').map((p) => `${p.server.id}.${topology.domain}.`),
    www: frontendVips(lab.relocated).map((v) => v.ip),
  }
  const nameServers = of('dns')
  for (const ns of nameServers) {
    const nics = nicsOf(ns)
    const askers = [...of('edge'), ...nameServers.filter((x) => x !== ns)]
    const asker = askers.map((a) => ({ a, nic: nics.find((n) => nicsOf(a).some((m) => m.network === n.network)) })).find((x) => x.nic)
    const ip = (asker?.nic ?? nics[0])?.ip
    if (ip) add('dns.answers', ns, () => probeDns(exec, ns, ip, asker?.a ?? ns, dnsWant))
  }

  // the file store: replicas once (any node sees the whole store); scrub, DAV and FTP on every node, each against its
  // own daemons (a node whose httpd or ftpd died would pass a probe of another: the frontends skip it silently)
  const nodes = of('file')
  const firstNode = nodes[0]
  if (firstNode) {
    add('storage.replicas', firstNode, () => probeReplicas(exec, firstNode))
    // a full pass runs every lab hour (SCRUB_LAB_S in the image); two missed passes is stale
    const maxAge = (2 * 3600) / topology.clock.speed + 60
    for (const n of nodes) add('storage.scrub', n, () => probeScrub(exec, n, maxAge))
    if (user)
      for (const n of nodes) {
        add('storage.dav', n, () => probeProtocol(exec, n, 'dav', user))
        add('storage.ftp', n, () => probeProtocol(exec, n, 'ftp', user))
      }
  }

  // backups: the newest one's age on the lab clock, and whether it is complete on the offsite store (a db server
  // on another site that shares a network with the backup server)
  const placed = [...lab.servers.values()]
  for (const b of placed.filter((p) => p.server.role === 'backup' && up.has(p.server.id))) {
    const id = b.server.id
    add('backup.fresh', id, () => probeFresh(exec, id, lab.labMs(), mailStores(lab.relocated).map((s) => s.home)))
    const nets = new Set(b.server.nics.map((n) => n.network))
    const offsite = placed.find((p) => p.server.role === 'db' && p.siteId !== b.siteId && p.server.nics.some((n) => nets.has(n.network)))
    if (offsite) add('backup.offsite', id, () => probeOffsite(exec, id, offsite.server.id, { running: isBackupRunning(id), labMs: lab.labMs() }))
    add('backup.verify', id, () => probeVerify(exec, id))
  }

  // a server the topology expects but that is not running is itself a failed probe
  for (const s of servers)
    if (s.imageState !== 'no-image' && s.state !== 'running' && s.state !== 'absent')
      add('server.running', s.id, () => Promise.resolve({ id: 'server.running', target: s.id, ok: false, message: `${s.id} is ${s.state}${s.detail ? `: ${s.detail}` : ''}`, at: new Date().toISOString() }))
  return units
}
