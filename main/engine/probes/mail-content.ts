// Content checks of each MX: SpamAssassin flags GTUBE, ClamAV refuses EICAR at end of DATA. Nothing is delivered.
import type { ProbeResult } from '@contract/status'
import { at, clip, lastSmtpReply, type MailProbeDeps } from './mail-common'

export const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X'
/** the anti-virus test file every scanner detects (clamd here, with the lab's own signature set) */
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'

/** the reply swaks got to `command` (e.g. "RCPT TO", or "." for the end of DATA), without the arrow */
export function smtpReplyTo(transcript: string, command: string): string | undefined {
  const lines = transcript.split('\n')
  const sent = lines.map((l, i) => ({ l, i })).filter(({ l }) => (command === '.' ? /^ -> \.\r?$/.test(l) : l.startsWith(` -> ${command}`))).at(-1)
  if (!sent) return undefined
  const reply = lines.slice(sent.i + 1).find((l) => /^<(?:-|\*\*) /.test(l))
  return reply?.replace(/^<(?:-|\*\*) +/, '').trim()
}

/** `spamc -c` prints "score/threshold" (e.g. "1000.0/5.0") */
export function parseSpamcScore(out: string): { score: number; threshold: number } | undefined {
  const m = /^(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)\s*$/m.exec(out)
  return m ? { score: Number(m[1]), threshold: Number(m[2]) } : undefined
}

/**
 * spam.tagged: spamd on this MX (the daemon spamass-milter asks) scores a GTUBE message as spam. spamc runs
 * inside the MX; `-x` makes an unreachable spamd an error instead of spamc's "0/0, not spam" fallback.
 * Nothing is sent or delivered.
 */
export async function probeSpamTagged(deps: MailProbeDeps, mx: string, domain: string): Promise<ProbeResult> {
  const now = deps.now ?? Date.now
  const msg = [`From: <probe@${domain}>`, `To: <probe@${domain}>`, 'Subject: racklab spam probe', '', GTUBE, ''].join('\n')
  const t0 = now()
  // the message goes in as $1 of the shell, so no quoting of its contents is needed
  const r = await deps.exec(mx, ['sh', '-c', 'printf \'%s\\n\' "$1" | spamc -x -c -t 30', 'spam-probe', msg])
  const ms = now() - t0
  const s = parseSpamcScore(r.stdout)
  // spamc -c exits 1 for spam, 0 for ham, anything else when it could not ask spamd
  if (!s || (r.exitCode !== 0 && r.exitCode !== 1)) return { id: 'spam.tagged', target: mx, ok: false, message: `spamd on ${mx} did not score the test message (spamc exit ${r.exitCode}): ${clip(r.stderr || r.stdout) || 'no output'}`, values: { ms, exitCode: r.exitCode }, at: at(now) }
  const ok = r.exitCode === 1 && s.score >= s.threshold
  const message = ok ? `${mx}: GTUBE scored ${s.score}/${s.threshold}, tagged as spam (${ms} ms)` : `${mx}: spamd let GTUBE through as ham (${s.score}/${s.threshold}); spam would reach inboxes untagged`
  return { id: 'spam.tagged', target: mx, ok, message, values: { ms, score: s.score, threshold: s.threshold }, at: at(now) }
}

/**
 * virus.refused: an EICAR message through this MX's Postfix (swaks inside the container) must get a 5xx at
 * the end of DATA from clamav-milter, so nothing is delivered. A 4xx means a checker is down; a 250 means the
 * virus was accepted (and delivered to `rcpt`, which the message says).
 */
export async function probeVirusRefused(deps: MailProbeDeps, mx: string, rcpt: string): Promise<ProbeResult> {
  const now = deps.now ?? Date.now
  const domain = rcpt.split('@')[1] ?? 'lab.test'
  const data = [`From: <probe@${domain}>`, `To: <${rcpt}>`, 'Subject: racklab virus probe', '', EICAR, ''].join('\n')
  const t0 = now()
  const r = await deps.exec(mx, ['swaks', '--server', '127.0.0.1', '--to', rcpt, '--from', `probe@${domain}`, '--timeout', '30', '--data', data])
  const ms = now() - t0
  const fail = (message: string): ProbeResult => ({ id: 'virus.refused', target: mx, ok: false, message, values: { ms, exitCode: r.exitCode }, at: at(now) })
  const end = smtpReplyTo(r.stdout, '.')
  if (!end) return fail(`${mx}: the test message never reached the end of DATA: ${lastSmtpReply(r.stdout) ?? (clip(r.stderr || r.stdout) || `swaks exit ${r.exitCode}`)}`)
  if (/^5\d\d\b/.test(end)) return { id: 'virus.refused', target: mx, ok: true, message: `${mx} refused EICAR at end of DATA: ${end}`, values: { ms, code: Number(end.slice(0, 3)) }, at: at(now) }
  if (/^4\d\d\b/.test(end)) return fail(`${mx} deferred EICAR (${end}): a content checker is not answering, mail waits`)
  return fail(`${mx} ACCEPTED a virus (${end}); it was delivered to ${rcpt}`)
}

