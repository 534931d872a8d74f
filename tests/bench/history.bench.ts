// The mail history checker on a synthetic 10,000-message history, no lab: the seeded workload's messages, what a
// master and a replica would print for them (the spool index and racklab-mail-find's JSON per user), read and
// joined by readStore and accounted for by checkHistory. A few faults are planted (lost, duplicated, misrouted,
// altered, missing on the replica) and must be found exactly, so the figure is of a checker that works. What it
// leaves out: the time the two commands themselves take inside the containers (a find + SHA1 over the spool, an
// IMAP listing), which grows with the lab's disks, not with this code.
import { createHash } from 'node:crypto'
import { checkHistory, type StoreRead } from '../../main/engine/mail-history/check'
import { readStore } from '../../main/engine/mail-history/stores'
import { bodySha1, composeMessage, type SentMessage, type WorkloadExec } from '../../main/engine/mail-history/workload'
import { rngFor } from '../../main/engine/hardware/random'
import { atMost, type BenchResult } from './figure'

const N = 10_000
const RUN = 'bench'
const USERS = ['alice', 'bob', 'carol', 'dave']

interface Held {
  user: string
  guid: string
  sha1: string
  storedAt: number
  messageId: string
  subject: string
}

function synthetic(): { sent: SentMessage[]; stores: Map<string, Held[]>; planted: Record<string, number> } {
  const spec = { via: ['mx1', 'mx2'], to: USERS.map((u) => `${u}@fastmail.test`), seed: 2007, everyMs: 0 }
  const rng = rngFor(spec.seed, 'mail-workload')
  const sent: SentMessage[] = []
  const master: Held[] = []
  const replica: Held[] = []
  const planted = { lost: 0, duplicated: 0, misrouted: 0, altered: 0, replicaDiffers: 0, refused: 0 }
  const t0 = Date.UTC(2007, 7, 1)
  for (let n = 1; n <= N; n++) {
    const m = composeMessage(spec, rng, RUN, n)
    const sha1 = bodySha1(m.body)
    const acceptedAt = t0 + n * 1000
    if (n % 997 === 0) {
      planted.refused++
      sent.push({ n, messageId: m.messageId, to: m.to, via: m.via, sha1, reply: '451 4.3.0 try again later' })
      continue
    }
    sent.push({ n, messageId: m.messageId, to: m.to, via: m.via, sha1, reply: '250 2.0.0 Ok: queued', acceptedAt })
    if (n % 1009 === 0) {
      planted.lost++ // lost implies the replica agrees (it has nothing either)
      continue
    }
    const user = n % 1013 === 0 ? (planted.misrouted++, USERS[(USERS.indexOf(m.to.split('@')[0]!) + 1) % USERS.length]!) : m.to.split('@')[0]!
    const body = n % 1019 === 0 ? (planted.altered++, sha1.replace(/^./, (c) => (c === '0' ? '1' : '0'))) : sha1
    const guid = createHash('sha1').update(m.data).digest('hex')
    const held: Held = { user, guid, sha1: body, storedAt: acceptedAt + (n % 7) * 1000, messageId: m.messageId, subject: m.subject }
    master.push(held)
    if (n % 1021 === 0) planted.replicaDiffers++
    else replica.push(held)
    if (n % 1031 === 0) {
      planted.duplicated++
      master.push(held)
      replica.push(held)
    }
  }
  return { sent, stores: new Map([['imap1', master], ['imap2', replica]]), planted }
}

/** what racklab-mail-find (searching the Subject for a word, as Cyrus does) and the spool index would print on
 *  each store, answered from memory */
function fakeExec(stores: Map<string, Held[]>): WorkloadExec {
  return async (server, cmd) => {
    const held = stores.get(server) ?? []
    if (cmd[0] === 'perl') return { exitCode: 0, stderr: '', stdout: held.map((h) => `${h.guid}\t${h.sha1}\t${(h.storedAt / 1000).toFixed(3)}\n`).join('') }
    const user = cmd[cmd.indexOf('--user') + 1]
    const word = cmd[cmd.indexOf('--value') + 1] ?? ''
    const messages = held.filter((h) => h.user === user && h.subject.split(' ').includes(word)).map((h) => ({ mailbox: 'INBOX', guid: h.guid, messageId: h.messageId, subject: h.subject }))
    return { exitCode: 0, stderr: '', stdout: JSON.stringify({ messages }) }
  }
}

export async function benchHistory(): Promise<BenchResult> {
  const { sent, stores, planted } = synthetic()
  const exec = fakeExec(stores)
  const runs: number[] = []
  let report: ReturnType<typeof checkHistory> | undefined
  for (let i = 0; i < 3; i++) {
    const t = performance.now()
    const reads: StoreRead[] = []
    for (const server of stores.keys()) reads.push({ server, messages: await readStore(exec, server, USERS, RUN) })
    report = checkHistory(sent, reads)
    runs.push(performance.now() - t)
  }
  const r = report!
  const found = { lost: r.lost.length, duplicated: r.duplicated.length, misrouted: r.misrouted.length, altered: r.altered.length, replicaDiffers: r.replicaDiffers.length, refused: r.refused }
  // a checker that miscounts has no speed worth reporting (the planted n are multiples of distinct primes > 100,
  // so no message carries two faults)
  for (const [k, v] of Object.entries(planted)) {
    if (found[k as keyof typeof found] !== v) throw new Error(`history bench: planted ${v} ${k}, the checker found ${found[k as keyof typeof found]}`)
  }
  const stored = [...stores.values()].reduce((s, h) => s + h.length, 0)
  runs.sort((a, b) => a - b)
  return {
    messages: N,
    storedCopies: stored,
    checkMsMedian: atMost(Math.round(runs[1]!), 30_000),
    checkMsMin: Math.round(runs[0]!),
    ...Object.fromEntries(Object.entries(found).map(([k, v]) => [`found_${k}`, v])),
    ...Object.fromEntries(Object.entries(planted).map(([k, v]) => [`planted_${k}`, v])),
  }
}
