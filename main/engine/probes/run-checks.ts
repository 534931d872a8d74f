// `racklab check`: every probe that applies to what is running now. A probe that can't run says so; none is faked.
import type { ProbeResult } from '@contract/status'
import type { LabView } from '../lab/lab-context'
import { containerName } from '../lab/naming'
import { probeChecksums, probePing, probeReplication, type Exec } from './db'
import * as mail from './mail'
import { probeProtocol, probeReplicas, probeScrub } from './storage'
import { webChecks } from './web-checks'

/** tables whose contents every database server must agree on */
export const CHECKSUM_TABLES = ['users', 'stores', 'address_book', 'files', 'file_copies']

/** every probe id `racklab check` reports (a scenario's expect names them) */
export const PROBE_IDS = ['db.ping', 'db.replication', 'db.checksum', 'smtp.accept', 'spam.tagged', 'virus.refused', 'mx.queue', 'imap.replication', 'mail.e2e', 'web.https', 'web.login', 'web.vips', 'web.upstreams', 'storage.replicas', 'storage.scrub', 'storage.dav', 'storage.ftp', 'server.running'] as const

/** `only`: run just these probe ids (a scenario waiting on one probe must not send test mail every second) */
export async function runChecks(lab: LabView, only?: readonly string[]): Promise<ProbeResult[]> {
  lab.requireEngine()
  await lab.refresh()
  const wants = (id: string): boolean => !only || only.includes(id)
  const exec: Exec = (server, cmd) => lab.gateway.exec(containerName(lab.labId, server), cmd, { timeoutMs: 15_000 })
  const running = lab.status().servers.filter((s) => s.state === 'running')
  const dbs = running.filter((s) => s.role === 'db')
  const results: ProbeResult[] = []
  if (wants('db.ping')) results.push(...(await Promise.all(dbs.map((s) => probePing(exec, s.id)))))
  const replicas = dbs.filter((s) => lab.servers.get(s.id)?.server.replicaOf)
  if (wants('db.replication')) results.push(...(await Promise.all(replicas.map((s) => probeReplication(exec, s.id)))))
  if (wants('db.checksum') && dbs.length > 1) results.push(await probeChecksums(exec, dbs.map((s) => s.id), CHECKSUM_TABLES))
  // each probe below is gated by wants(): an unwanted one runs nothing (no exec, no test mail)
  results.push(...(await mailChecks(lab, exec, running.map((s) => s.id), wants)))
  results.push(...(await webChecks(lab, exec, running.map((s) => s.id), wants)))
  results.push(...(await storageChecks(lab, exec, running.filter((s) => s.role === 'file').map((s) => s.id), wants)))
  // a server the topology expects but that is not running is itself a failed probe
  if (wants('server.running'))
    for (const s of lab.status().servers)
      if (s.imageState !== 'no-image' && s.state !== 'running' && s.state !== 'absent')
        results.push({ id: 'server.running', target: s.id, ok: false, message: `${s.id} is ${s.state}${s.detail ? `: ${s.detail}` : ''}`, at: new Date().toISOString() })
  for (const r of results) lab.journal.append({ kind: 'probe', target: r.target, text: `${r.id} ${r.ok ? 'ok' : 'FAILED'}: ${r.message}`, data: r.values })
  return results
}

/** SMTP accepts and queue per MX; replication and an end-to-end delivery (pingfm) per mail store. */
async function mailChecks(lab: LabView, exec: Exec, running: string[], wants: (id: string) => boolean): Promise<ProbeResult[]> {
  const deps: mail.MailProbeDeps = { exec }
  const up = new Set(running)
  const of = (role: string): string[] => [...lab.servers.values()].filter((p) => p.server.role === role && up.has(p.server.id)).map((p) => p.server.id)
  const user = lab.topology.users[0]
  const out: ProbeResult[] = []
  const mxs = of('mx')
  for (const mx of mxs) {
    if (user && wants('smtp.accept')) out.push(await mail.probeSmtpAccepts(deps, mx, `${user.name}@${lab.topology.domain}`))
    // content checks: spamd scores GTUBE as spam, Postfix refuses EICAR with 5xx (nothing is delivered)
    if (wants('spam.tagged')) out.push(await mail.probeSpamTagged(deps, mx, lab.topology.domain))
    if (user && wants('virus.refused')) out.push(await mail.probeVirusRefused(deps, mx, `${user.name}@${lab.topology.domain}`))
    if (wants('mx.queue')) out.push(await mail.probeQueue(deps, mx))
  }
  for (const master of of('imap').filter((id) => !lab.servers.get(id)!.server.replicaOf)) {
    const replica = [...lab.servers.values()].find((p) => p.server.replicaOf === master && up.has(p.server.id))?.server.id
    if (replica && wants('imap.replication')) out.push(await mail.probeReplication(deps, master))
    const storeUser = lab.topology.users.find((u) => (u.store ?? master) === master)
    if (mxs[0] && storeUser && wants('mail.e2e')) out.push(await mail.probeDelivery(deps, { mx: mxs[0], master, ...(replica ? { replica } : {}), user: storeUser.name, domain: lab.topology.domain }))
  }
  return out
}

/** the file store: replicas once (any node sees the whole store), scrub per node, DAV and FTP on one node */
async function storageChecks(lab: LabView, exec: Exec, nodes: string[], wants: (id: string) => boolean): Promise<ProbeResult[]> {
  const out: ProbeResult[] = []
  const first = nodes[0]
  if (!first) return out
  if (wants('storage.replicas')) out.push(await probeReplicas(exec, first))
  // a full pass runs every lab hour (SCRUB_LAB_S in the image); two missed passes is stale
  const maxAge = (2 * 3600) / lab.topology.clock.speed + 60
  if (wants('storage.scrub')) out.push(...(await Promise.all(nodes.map((n) => probeScrub(exec, n, maxAge)))))
  const user = lab.topology.users[0]
  if (user && wants('storage.dav')) out.push(await probeProtocol(exec, first, 'dav', user))
  if (user && wants('storage.ftp')) out.push(await probeProtocol(exec, first, 'ftp', user))
  return out
}
