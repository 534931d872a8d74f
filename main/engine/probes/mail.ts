// Mail probes: SMTP accepts, spam tagged and viruses refused, MX queue length, Cyrus replication consistency and lag, and end-to-end delivery
// (send → on the master → on the replica). Pure over an injected exec into the lab's containers; every check
// runs the real daemons' own tools inside the containers (swaks, postqueue, the imap image's commands).
import { randomBytes } from 'node:crypto'
import type { ProbeResult } from '@contract/status'
import { at, clip, lastSmtpReply, type Exec, type MailProbeDeps } from './mail-common'

export { at, clip, lastSmtpReply, type Exec, type MailProbeDeps } from './mail-common'
export { GTUBE, EICAR, smtpReplyTo, parseSpamcScore, probeSpamTagged, probeVirusRefused } from './mail-content'

export async function probeSmtpAccepts(deps: MailProbeDeps, mx: string, rcpt: string): Promise<ProbeResult> {
  const now = deps.now ?? Date.now
  const t0 = now()
  const r = await deps.exec(mx, ['swaks', '--server', '127.0.0.1', '--quit-after', 'RCPT', '--to', rcpt, '--from', `probe@${rcpt.split('@')[1] ?? 'lab.test'}`, '--timeout', '10'])
  const ms = now() - t0
  const reply = lastSmtpReply(r.stdout) ?? clip(r.stderr || r.stdout)
  const ok = r.exitCode === 0 && /^250\b/.test(reply)
  return { id: 'smtp.accept', target: mx, ok, message: ok ? `${mx} accepts mail for ${rcpt} (${reply})` : `${mx} did not accept mail for ${rcpt}: ${reply || `swaks exit ${r.exitCode}`}`, values: { ms, exitCode: r.exitCode }, at: at(now) }
}

/** SpamAssassin's test string: any stock install scores it 1000 */
export interface QueueCounts {
  total: number
  active: number
  deferred: number
  incoming: number
  hold: number
  maildrop: number
}

/** Count `postqueue -j` output (one JSON object per queued message). */
export function countQueue(jsonLines: string): QueueCounts {
  const c: QueueCounts = { total: 0, active: 0, deferred: 0, incoming: 0, hold: 0, maildrop: 0 }
  for (const line of jsonLines.split('\n')) {
    if (!line.trim()) continue
    const q = (JSON.parse(line) as { queue_name?: string }).queue_name
    c.total++
    if (q === 'active' || q === 'deferred' || q === 'incoming' || q === 'hold' || q === 'maildrop') c[q]++
  }
  return c
}

/** mx.queue: how much mail waits on this MX. Deferred or held mail fails the probe (a store is not taking mail). */
export async function probeQueue(deps: MailProbeDeps, mx: string): Promise<ProbeResult> {
  const now = deps.now ?? Date.now
  const r = await deps.exec(mx, ['postqueue', '-j'])
  if (r.exitCode !== 0) return { id: 'mx.queue', target: mx, ok: false, message: `postqueue on ${mx} failed: ${clip(r.stderr || r.stdout)}`, at: at(now) }
  let c: QueueCounts
  try {
    c = countQueue(r.stdout)
  } catch (e) {
    return { id: 'mx.queue', target: mx, ok: false, message: `postqueue -j on ${mx} printed something that is not JSON lines: ${(e as Error).message}`, at: at(now) }
  }
  const ok = c.deferred === 0 && c.hold === 0
  const message = c.total === 0 ? `${mx}: queue empty` : `${mx}: ${c.total} queued (${c.deferred} deferred, ${c.active} active, ${c.hold} held)`
  return { id: 'mx.queue', target: mx, ok, message, values: { ...c }, at: at(now) }
}

export interface ConsistencyReport {
  ok: boolean
  master: string
  replica: string
  /** the replica's server id (SYNC_PEER_NAME) */
  replicaName?: string
  error?: string
  users?: number
  mailboxes?: number
  messages?: { master: number; replica: number }
  differenceCount?: number
  differences?: { user: string; mailbox: string; guid?: string; on: 'master' | 'replica' }[]
  lagSeconds?: number
  syncClientRunning?: boolean
  syncLogPending?: number
}

interface VerifyReport {
  messages?: number
  problemCount?: number
  problems?: { user: string; mailbox: string; uid: number; guid: string; problem: string }[]
}

/** racklab-mail-verify on one node: message files checked against the index GUIDs (catches damage IMAP can't see) */
async function verifyFiles(exec: Exec, server: string): Promise<{ problems: number; first?: string } | string> {
  const r = await exec(server, ['racklab-mail-verify', '--json'])
  let v: VerifyReport
  try {
    v = JSON.parse(r.stdout) as VerifyReport
  } catch {
    return `file check on ${server} gave no report (exit ${r.exitCode}): ${clip(r.stderr || r.stdout)}`
  }
  if (typeof v.problemCount !== 'number') return { problems: 0 }
  const p = v.problems?.[0]
  return { problems: v.problemCount, ...(p ? { first: `${server}: ${p.user} ${p.mailbox} uid ${p.uid} file ${p.problem}` } : {}) }
}

/**
 * imap.replication: the consistency monitor (GUID by GUID, master against replica) run on whichever node of
 * the pair is the master now (a node that was promoted over answers in its peer's place), plus a file check
 * on both nodes.
 */
export async function probeReplication(deps: MailProbeDeps, server: string): Promise<ProbeResult> {
  const now = deps.now ?? Date.now
  let master = server
  let r = await deps.exec(master, ['racklab-mail-consistency', '--json'])
  let doc: ConsistencyReport
  try {
    doc = JSON.parse(r.stdout) as ConsistencyReport
    const moved = doc.error && /is the replica now; run this on the master (\S+)/.exec(doc.error)
    if (moved) {
      master = moved[1]!
      r = await deps.exec(master, ['racklab-mail-consistency', '--json'])
      doc = JSON.parse(r.stdout) as ConsistencyReport
    }
  } catch {
    return { id: 'imap.replication', target: server, ok: false, message: `consistency monitor on ${master} gave no report (exit ${r.exitCode}): ${clip(r.stderr || r.stdout)}`, at: at(now) }
  }
  if (doc.error) return { id: 'imap.replication', target: server, ok: false, message: `${master}: ${doc.error}`, at: at(now) }
  const files = await Promise.all([master, ...(doc.replicaName ? [doc.replicaName] : [])].map((s) => verifyFiles(deps.exec, s)))
  const fileErrors = files.filter((f): f is string => typeof f === 'string')
  const fileProblems = files.reduce((n, f) => n + (typeof f === 'string' ? 0 : f.problems), 0)
  const values = {
    differences: doc.differenceCount ?? 0,
    fileProblems,
    lagSeconds: doc.lagSeconds ?? 0,
    messagesMaster: doc.messages?.master ?? 0,
    messagesReplica: doc.messages?.replica ?? 0,
    syncClientRunning: doc.syncClientRunning ?? false,
    syncLogPending: doc.syncLogPending ?? 0,
  }
  const first = doc.differences?.[0]
  const firstFile = files.find((f) => typeof f !== 'string' && f.first) as { first: string } | undefined
  const peer = doc.replicaName || doc.replica
  const ok = doc.ok && fileProblems === 0 && fileErrors.length === 0
  const message = ok
    ? `${master} (master) → ${peer}: ${values.messagesMaster} messages identical by GUID in ${doc.mailboxes ?? 0} mailboxes, files intact`
    : !values.syncClientRunning
      ? `${master}: sync_client is not running (replication stopped)${values.differences ? `, ${values.differences} differences` : ''}`
      : values.differences
        ? `${master} → ${peer}: ${values.differences} differences, lag ${values.lagSeconds}s${first ? ` (e.g. ${first.user} ${first.mailbox} only on ${first.on})` : ''}`
        : fileErrors.length
          ? fileErrors.join('; ')
          : `${fileProblems} message files damaged behind Cyrus's back (${firstFile?.first ?? ''}); run resync on that server`
  return { id: 'imap.replication', target: server, ok, message, values, at: at(now) }
}

interface FoundMessage {
  mailbox: string
  uid: number
  guid: string
}

async function findOn(exec: Exec, server: string, user: string, token: string): Promise<FoundMessage | string> {
  const r = await exec(server, ['racklab-mail-find', '--user', user, '--header', 'X-Racklab-Probe', '--value', token])
  if (r.exitCode !== 0) return clip(r.stderr || r.stdout) || `racklab-mail-find exit ${r.exitCode}`
  try {
    return (JSON.parse(r.stdout) as { messages: FoundMessage[] }).messages[0] ?? 'not there yet'
  } catch {
    return `racklab-mail-find on ${server} printed no JSON`
  }
}

export interface DeliveryTarget {
  mx: string
  master: string
  replica?: string
  user: string
  domain: string
  timeoutMs?: number
}

/**
 * mail.e2e: send a tagged message through the MX and wait for it on the store's master, then on its replica
 * with the same GUID (FastMail's "pingfm" idea). The probe message stays in the user's INBOX.
 */
export async function probeDelivery(deps: MailProbeDeps, t: DeliveryTarget): Promise<ProbeResult> {
  const now = deps.now ?? Date.now
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((res) => setTimeout(res, ms)))
  const token = (deps.token ?? (() => randomBytes(8).toString('hex')))()
  const rcpt = `${t.user}@${t.domain}`
  const fail = (message: string, values: Record<string, number | string> = {}): ProbeResult => ({ id: 'mail.e2e', target: t.mx, ok: false, message, values: { token, ...values }, at: at(now) })
  const data = [`From: Racklab probe <probe@${t.domain}>`, `To: <${rcpt}>`, `Subject: racklab probe ${token}`, `Message-ID: <probe.${token}@${t.domain}>`, `X-Racklab-Probe: ${token}`, '', `End-to-end probe ${token}.`, ''].join('\n')
  const t0 = now()
  const sent = await deps.exec(t.mx, ['swaks', '--server', '127.0.0.1', '--to', rcpt, '--from', `probe@${t.domain}`, '--timeout', '30', '--data', data])
  const reply = lastSmtpReply(sent.stdout) ?? clip(sent.stderr || sent.stdout)
  if (sent.exitCode !== 0 || !/^250\b/.test(reply)) return fail(`${t.mx} did not take the probe message for ${rcpt}: ${reply}`)
  const deadline = t0 + (t.timeoutMs ?? 30_000)
  const waitFor = async (server: string): Promise<FoundMessage | string> => {
    for (;;) {
      const f = await findOn(deps.exec, server, t.user, token)
      if (typeof f !== 'string' || now() >= deadline) return f
      await sleep(250)
    }
  }
  const onMaster = await waitFor(t.master)
  if (typeof onMaster === 'string') return fail(`probe message to ${rcpt} accepted by ${t.mx} but not on ${t.master} after ${Math.round((now() - t0) / 1000)} s: ${onMaster}`)
  const masterMs = now() - t0
  if (!t.replica) return { id: 'mail.e2e', target: t.mx, ok: true, message: `${t.mx} → ${t.master}: delivered to ${rcpt} in ${masterMs} ms (no replica)`, values: { token, masterMs, guid: onMaster.guid }, at: at(now) }
  const onReplica = await waitFor(t.replica)
  if (typeof onReplica === 'string') return fail(`probe message on ${t.master} but not on ${t.replica} after ${Math.round((now() - t0) / 1000)} s: ${onReplica}`, { masterMs })
  const replicaMs = now() - t0
  if (onReplica.guid !== onMaster.guid) return fail(`probe message differs: GUID ${onMaster.guid} on ${t.master}, ${onReplica.guid} on ${t.replica}`, { masterMs, replicaMs })
  return {
    id: 'mail.e2e',
    target: t.mx,
    ok: true,
    message: `${t.mx} → ${t.master} in ${masterMs} ms → ${t.replica} in ${replicaMs} ms, same GUID`,
    values: { token, masterMs, replicaMs, guid: onMaster.guid },
    at: at(now),
  }
}
