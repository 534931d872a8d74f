// The mail workload: a seeded stream of messages sent through an MX's Postfix (swaks on 127.0.0.1:25 inside
// the MX, the same way the probes send) while a scenario runs. Each message is recorded with its Message-ID,
// the SHA1 of its body and the SMTP reply, so the history checker can account for every accepted one.
import { createHash } from 'node:crypto'
import type { ExecResult } from '../docker/types'
import { pickIndex, rngFor, type Rng } from '../hardware/random'
import { lastSmtpReply } from '../probes/mail-common'

export interface WorkloadSpec {
  /** servers whose Postfix takes the messages (swaks to 127.0.0.1:25 inside each, in turn as drawn) */
  via: string[]
  /** recipients, full addresses (alice@fastmail.test) */
  to: string[]
  seed: number
  /** pause between the end of one send and the start of the next */
  everyMs: number
}

export interface SentMessage {
  n: number
  messageId: string
  to: string
  via: string
  /** bodySha1 of the body as sent */
  sha1: string
  /** the last SMTP reply (the one to the end of DATA when it got that far) */
  reply: string
  /** wall ms when the 250 was known; absent when the message was not accepted */
  acceptedAt?: number
}

export type WorkloadExec = (server: string, cmd: string[], timeoutMs?: number) => Promise<ExecResult>

const WORDS = ['rack', 'disk', 'queue', 'replica', 'master', 'circuit', 'breaker', 'cable', 'switch', 'mailbox', 'spool', 'fsync', 'quorum', 'latency', 'backup']

/** the n-th message of the stream: the same seed gives the same recipients, routes and bodies */
export function composeMessage(spec: WorkloadSpec, rng: Rng, runTag: string, n: number): { to: string; via: string; messageId: string; body: string; data: string } {
  const to = spec.to[pickIndex(rng, spec.to.length)]!
  const via = spec.via[pickIndex(rng, spec.via.length)]!
  const lines = 1 + pickIndex(rng, 8)
  const bodyLines: string[] = []
  for (let i = 0; i < lines; i++) bodyLines.push(Array.from({ length: 4 + pickIndex(rng, 8) }, () => WORDS[pickIndex(rng, WORDS.length)]).join(' '))
  bodyLines.push(`workload ${runTag} message ${n}`)
  const body = bodyLines.join('\n') + '\n'
  const domain = to.split('@')[1] ?? 'lab.test'
  const messageId = `<${workloadIdPrefix(runTag)}${n}@${domain}>`
  const data = [`From: Racklab workload <workload@${domain}>`, `To: <${to}>`, `Subject: workload ${runTag} #${n}`, `Message-ID: ${messageId}`, '', body].join('\n')
  return { to, via, messageId, body, data }
}

/** what every Message-ID of one run starts with (after "<"): the checker looks only for these */
export const workloadIdPrefix = (runTag: string): string => `wl.${runTag}.`

/** SHA1 (hex) of a body without CRs and trailing newlines: SMTP turns \n into \r\n and may end DATA with its own
 *  newline, so this is what both the sender and the store's file can be compared on (the store side: stores.ts) */
export const bodySha1 = (body: string): string => createHash('sha1').update(body.replace(/\r/g, '').replace(/\n+$/, '')).digest('hex')

/** Sends until stop() is called (the current send finishes first); returns every message tried. */
export function startWorkload(spec: WorkloadSpec, runTag: string, exec: WorkloadExec, now: () => number, sleep: (ms: number) => Promise<void>): { stop(): Promise<SentMessage[]> } {
  const rng = rngFor(spec.seed, 'mail-workload')
  const sent: SentMessage[] = []
  let stopped = false
  const loop = (async () => {
    for (let n = 1; !stopped; n++) {
      const m = composeMessage(spec, rng, runTag, n)
      const from = `workload@${m.to.split('@')[1]}`
      let reply: string
      try {
        const r = await exec(m.via, ['swaks', '--server', '127.0.0.1', '--to', m.to, '--from', from, '--timeout', '30', '--data', m.data], 60_000)
        reply = lastSmtpReply(r.stdout) ?? `swaks exit ${r.exitCode}: ${(r.stderr || r.stdout).trim().slice(-200)}`
      } catch (e) {
        reply = `not sent: ${e instanceof Error ? e.message : String(e)}`
      }
      sent.push({ n, messageId: m.messageId, to: m.to, via: m.via, sha1: bodySha1(m.body), reply, ...(/^250\b/.test(reply) ? { acceptedAt: now() } : {}) })
      if (!stopped) await sleep(spec.everyMs)
    }
  })()
  return {
    async stop() {
      stopped = true
      await loop
      return sent
    },
  }
}
