// mail.access: a user reads and sends mail through each frontend, as a mail client does: an IMAP login and a
// STATUS of the inbox, a POP3 login and LIST, and a submission login (STARTTLS, AUTH PLAIN on 587). Each frontend's
// nginx mail proxy asks the web tier's auth service where the user's store is, then proxies the session: nothing
// else in `racklab check` went that way (mail.e2e delivers through the MXs, web.login is the webmail), so a
// frontend whose mail proxy or auth lookup broke left every probe green. Asked from the edge at the frontend's own
// address (not the VIP, which would test whichever frontend holds it).
import type { ProbeResult } from '@contract/status'
import type { Exec } from './db'

export const MAIL_ACCESS_STEPS = ['imap', 'pop3', 'submission'] as const

/** sh -c SCRIPT racklab-mail-access USER PASSWORD IP: a line per step, "<step> <exit> <ms> <what it said>" */
export const SCRIPT = [
  'u=$1 p=$2 ip=$3',
  // the step's exit code, its wall time and the last lines it printed (the server's answer on a failure)
  'step() { name=$1; shift; t0=$(date +%s%N); out=$("$@" 2>&1); c=$?; t1=$(date +%s%N)',
  `  echo "$name $c $(( (t1 - t0) / 1000000 )) $(printf '%s' "$out" | tail -n 3 | tr -s '\\r\\n\\t' '   ' | cut -c1-240)"; }`,
  // curl alone says "Login denied" for any refusal: its trace has what the proxy answered ("-ERR internal server
  // error" when the user's store is down, not a wrong password). Kept: the STATUS line, the server's refusals and
  // curl's own error
  `vcurl() { o=$(curl -sS -v "$@" 2>&1); c=$?; printf '%s\\n' "$o" | grep -E '^(\\* STATUS |curl: |< (-ERR|\\* (BAD|NO) |[A-Za-z0-9]+ (NO|BAD) ))' | sed 's/^< //'; return $c; }`,
  `step imap vcurl --max-time 15 -u "$u:$p" "imap://$ip/" -X 'STATUS INBOX (MESSAGES)'`,
  'step pop3 vcurl --max-time 15 -u "$u:$p" "pop3://$ip/"',
  'step submission swaks --server "$ip:587" --tls --auth PLAIN --auth-user "$u" --auth-password "$p" --quit-after AUTH --timeout 15 --hide-informational --hide-send',
].join('\n')

interface Step {
  name: string
  code: number
  ms: number
  said: string
}

export function parseSteps(out: string): Step[] {
  return out
    .split('\n')
    .map((l) => /^(\w+) (-?\d+) (\d+) ?(.*)$/.exec(l.trim()))
    .filter((m): m is RegExpExecArray => m !== null && (MAIL_ACCESS_STEPS as readonly string[]).includes(m[1]!))
    .map((m) => ({ name: m[1]!, code: Number(m[2]), ms: Number(m[3]), said: m[4]!.trim() }))
}

const LABEL: Record<string, string> = { imap: 'IMAP', pop3: 'POP3', submission: 'submission' }

export function judgeMailAccess(fe: { id: string; ip: string }, edge: string, user: string, out: string): Omit<ProbeResult, 'at'> {
  const steps = parseSteps(out)
  const missing = MAIL_ACCESS_STEPS.filter((s) => !steps.some((x) => x.name === s))
  const failed = steps.filter((s) => s.code !== 0)
  const where = `via ${fe.id} (${fe.ip}) from ${edge}`
  const values = Object.fromEntries(steps.map((s) => [`${s.name}Ms`, s.ms]))
  if (missing.length || failed.length) {
    const why = [...failed.map((s) => `${LABEL[s.name]} failed (exit ${s.code}): ${s.said || 'no output'}`), ...missing.map((s) => `${LABEL[s]} did not run`)]
    return { id: 'mail.access', target: fe.id, ok: false, message: `mail as ${user} ${where}: ${why.join('; ')}`, values }
  }
  const messages = /MESSAGES (\d+)/.exec(steps.find((s) => s.name === 'imap')!.said)?.[1]
  return {
    id: 'mail.access',
    target: fe.id,
    ok: true,
    message: `${user} logged in ${where}: IMAP${messages ? ` (${messages} in INBOX)` : ''} ${steps[0]!.ms} ms, POP3 ${steps[1]!.ms} ms, submission ${steps[2]!.ms} ms`,
    values,
  }
}

export async function probeMailAccess(exec: Exec, edge: string, fe: { id: string; ip: string }, user: { name: string; password: string }): Promise<ProbeResult> {
  const at = new Date().toISOString()
  const r = await exec(edge, ['sh', '-c', SCRIPT, 'racklab-mail-access', user.name, user.password, fe.ip], { timeoutMs: 55_000 }).catch((e: unknown) => ({ exitCode: -1, stdout: '', stderr: String(e) }))
  if (r.exitCode === -1) return { id: 'mail.access', target: fe.id, ok: false, message: `mail as ${user.name} via ${fe.id}: could not run on ${edge}: ${r.stderr.slice(0, 300)}`, at }
  return { ...judgeMailAccess(fe, edge, user.name, r.stdout), at }
}
