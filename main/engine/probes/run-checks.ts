// `racklab check`: every probe that applies to what is running now. A probe that can't run says so; none is faked.
import type { ProbeResult } from '@contract/status'
import type { LabEngine } from '../lab/lab-engine'
import { containerName } from '../lab/naming'
import { probeChecksums, probePing, probeReplication, type Exec } from './db'
import * as mail from './mail'
import { webChecks } from './web-checks'

/** tables whose contents every database server must agree on */
export const CHECKSUM_TABLES = ['users', 'stores', 'address_book', 'files', 'file_copies']

export async function runChecks(lab: LabEngine): Promise<ProbeResult[]> {
  lab.requireEngine()
  await lab.refresh()
  const exec: Exec = (server, cmd) => lab.gateway.exec(containerName(lab.labId, server), cmd, { timeoutMs: 15_000 })
  const running = lab.status().servers.filter((s) => s.state === 'running')
  const dbs = running.filter((s) => s.role === 'db')
  const results: ProbeResult[] = []
  results.push(...(await Promise.all(dbs.map((s) => probePing(exec, s.id)))))
  const replicas = dbs.filter((s) => lab.servers.get(s.id)?.server.replicaOf)
  results.push(...(await Promise.all(replicas.map((s) => probeReplication(exec, s.id)))))
  if (dbs.length > 1) results.push(await probeChecksums(exec, dbs.map((s) => s.id), CHECKSUM_TABLES))
  results.push(...(await mailChecks(lab, exec, running.map((s) => s.id))))
  results.push(...(await webChecks(lab, exec, running.map((s) => s.id))))
  // a server the topology expects but that is not running is itself a failed probe
  for (const s of lab.status().servers)
    if (s.imageState !== 'no-image' && s.state !== 'running' && s.state !== 'absent')
      results.push({ id: 'server.running', target: s.id, ok: false, message: `${s.id} is ${s.state}${s.detail ? `: ${s.detail}` : ''}`, at: new Date().toISOString() })
  for (const r of results) lab.journal.append({ kind: 'probe', target: r.target, text: `${r.id} ${r.ok ? 'ok' : 'FAILED'}: ${r.message}`, data: r.values })
  return results
}

/** SMTP accepts and queue per MX; replication and an end-to-end delivery (pingfm) per mail store. */
async function mailChecks(lab: LabEngine, exec: Exec, running: string[]): Promise<ProbeResult[]> {
  const deps: mail.MailProbeDeps = { exec }
  const up = new Set(running)
  const of = (role: string): string[] => [...lab.servers.values()].filter((p) => p.server.role === role && up.has(p.server.id)).map((p) => p.server.id)
  const user = lab.topology.users[0]
  const out: ProbeResult[] = []
  const mxs = of('mx')
  for (const mx of mxs) {
    if (user) out.push(await mail.probeSmtpAccepts(deps, mx, `${user.name}@${lab.topology.domain}`))
    // content checks: spamd scores GTUBE as spam, Postfix refuses EICAR with 5xx (nothing is delivered)
    out.push(await mail.probeSpamTagged(deps, mx, lab.topology.domain))
    if (user) out.push(await mail.probeVirusRefused(deps, mx, `${user.name}@${lab.topology.domain}`))
    out.push(await mail.probeQueue(deps, mx))
  }
  for (const master of of('imap').filter((id) => !lab.servers.get(id)!.server.replicaOf)) {
    const replica = [...lab.servers.values()].find((p) => p.server.replicaOf === master && up.has(p.server.id))?.server.id
    if (replica) out.push(await mail.probeReplication(deps, master))
    const storeUser = lab.topology.users.find((u) => (u.store ?? master) === master)
    if (mxs[0] && storeUser) out.push(await mail.probeDelivery(deps, { mx: mxs[0], master, ...(replica ? { replica } : {}), user: storeUser.name, domain: lab.topology.domain }))
  }
  return out
}
