// The mail workload: a seeded stream of messages sent while a scenario runs, each by one of the paths the site
// takes mail in: SMTP into a server's port 25 (swaks on 127.0.0.1:25 inside it: an MX's own Postfix, or the edge,
// which forwards to the domain's MX records as the Internet would), or the webmail (webmail-send.ts: log in and
// send through a frontend and a web server). Each message is recorded with its Message-ID, the SHA1 of its body,
// the reply and the path it took, so the history checker can account for every accepted one, path by path.
import { createHash } from 'node:crypto'
import type { ExecResult } from '../docker/types'
import { pickIndex, rngFor, type Rng } from '../hardware/random'
import { lastSmtpReply } from '../probes/mail-common'
import { sendViaWebmail } from './webmail-send'

export interface WorkloadSpec {
  /** the paths, drawn in turn: a server (swaks to 127.0.0.1:25 inside it) or webmail:SERVER (the webmail,
   *  from that server: the edge) */
  via: string[]
  /** recipients, full addresses (alice@fastmail.test) */
  to: string[]
  seed: number
  /** pause between the end of one send and the start of the next */
  everyMs: number
  /** a test user's password, for webmail sends (which log in as the recipient and write to themself) */
  password?: (user: string) => string | undefined
}

/** a webmail path names the server the browser runs on: webmail:edge */
export const webmailFrom = (via: string): string | undefined => /^webmail:(.+)$/.exec(via)?.[1]

export interface SentMessage {
  n: number
  messageId: string
  to: string
  via: string
  /** for a webmail send, the frontend and web server that answered it ("fe1 → web2") */
  route?: string
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
export function composeMessage(spec: WorkloadSpec, rng: Rng, runTag: string, n: number): { to: string; via: string; messageId: string; subject: string; body: string; data: string } {
  const to = spec.to[pickIndex(rng, spec.to.length)]!
  const via = spec.via[pickIndex(rng, spec.via.length)]!
  const lines = 1 + pickIndex(rng, 8)
  const bodyLines: string[] = []
  for (let i = 0; i < lines; i++) bodyLines.push(Array.from({ length: 4 + pickIndex(rng, 8) }, () => WORDS[pickIndex(rng, WORDS.length)]).join(' '))
  bodyLines.push(`workload ${runTag} message ${n}`)
  const body = bodyLines.join('\n') + '\n'
  const domain = to.split('@')[1] ?? 'lab.test'
  const messageId = `<${workloadIdPrefix(runTag)}${n}@${domain}>`
  const subject = `${workloadSubjectPrefix(runTag)}${n}`
  const data = [`From: Racklab workload <workload@${domain}>`, `To: <${to}>`, `Subject: ${subject}`, `Message-ID: ${messageId}`, '', body].join('\n')
  return { to, via, messageId, subject, body, data }
}

/** what every Message-ID of one run starts with (after "<"): the checker looks only for these */
export const workloadIdPrefix = (runTag: string): string => `wl.${runTag}.`
/** what every Subject of one run starts with: the stores are searched by it, since the webmail gives its messages
 *  Message-IDs of its own */
export const workloadSubjectPrefix = (runTag: string): string => `workload ${runTag} #`

/** SHA1 (hex) of a body without CRs and trailing newlines: SMTP turns \n into \r\n and may end DATA with its own
 *  newline, so this is what both the sender and the store's file can be compared on (the store side: stores.ts) */
export const bodySha1 = (body: string): string => createHash('sha1').update(body.replace(/\r/g, '').replace(/\n+$/, '')).digest('hex')

type Outcome = Pick<SentMessage, 'messageId' | 'reply' | 'route' | 'acceptedAt'>

async function sendOne(spec: WorkloadSpec, exec: WorkloadExec, m: ReturnType<typeof composeMessage>, now: () => number): Promise<Outcome> {
  const [user, domain = 'lab.test'] = m.to.split('@') as [string, string?]
  const webFrom = webmailFrom(m.via)
  try {
    if (webFrom) {
      const password = spec.password?.(user)
      if (password === undefined) return { messageId: m.messageId, reply: `not sent: no password for ${user} (the topology's users have them)` }
      const w = await sendViaWebmail(exec, webFrom, { domain, user, password, to: m.to, subject: m.subject, body: m.body })
      const route = w.frontend || w.backend ? `${w.frontend ?? '?'} → ${w.backend ?? '?'}` : undefined
      const base = { messageId: w.messageId ?? m.messageId, ...(route ? { route } : {}) }
      return w.sent ? { ...base, reply: `sent (webmail 303, ${w.messageId})`, acceptedAt: now() } : { ...base, reply: `not sent: ${w.error ?? 'no reason given'}` }
    }
    const r = await exec(m.via, ['swaks', '--server', '127.0.0.1', '--to', m.to, '--from', `workload@${domain}`, '--timeout', '30', '--data', m.data], 60_000)
    const reply = lastSmtpReply(r.stdout) ?? `swaks exit ${r.exitCode}: ${(r.stderr || r.stdout).trim().slice(-200)}`
    return { messageId: m.messageId, reply, ...(/^250\b/.test(reply) ? { acceptedAt: now() } : {}) }
  } catch (e) {
    return { messageId: m.messageId, reply: `not sent: ${e instanceof Error ? e.message : String(e)}` }
  }
}

/** Sends until stop() is called (the current send finishes first); returns every message tried. */
export function startWorkload(spec: WorkloadSpec, runTag: string, exec: WorkloadExec, now: () => number, sleep: (ms: number) => Promise<void>): { stop(): Promise<SentMessage[]> } {
  const rng = rngFor(spec.seed, 'mail-workload')
  const sent: SentMessage[] = []
  let stopped = false
  const loop = (async () => {
    for (let n = 1; !stopped; n++) {
      const m = composeMessage(spec, rng, runTag, n)
      sent.push({ n, to: m.to, via: m.via, sha1: bodySha1(m.body), ...(await sendOne(spec, exec, m, now)) })
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
