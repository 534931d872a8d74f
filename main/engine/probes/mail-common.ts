// Shared by the mail probes: the injected exec, clocks, and SMTP transcript helpers.
import type { ExecResult } from '../docker/types'

export type Exec = (server: string, cmd: string[]) => Promise<ExecResult>

export interface MailProbeDeps {
  exec: Exec
  now?: () => number
  sleep?: (ms: number) => Promise<void>
  /** unique token for an end-to-end probe message */
  token?: () => string
}

export const at = (now: () => number): string => new Date(now()).toISOString()
export const clip = (s: string): string => s.trim().split('\n').slice(-3).join(' | ').slice(0, 300)

/** The last server reply swaks saw ("<-  250 …" or "<** 550 …"), without the arrow. */
export function lastSmtpReply(transcript: string): string | undefined {
  const replies = transcript.split('\n').filter((l) => /^<(?:-|\*\*) /.test(l))
  const last = replies.filter((l) => !/^<- +221 /.test(l)).at(-1)
  return last?.replace(/^<(?:-|\*\*) +/, '').trim()
}

/** smtp.accept: the MX answers and accepts a recipient (RCPT 250), without sending anything. */
