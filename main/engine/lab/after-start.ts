// What the engine does to a server each time its container starts: load its firewall (firewall/apply.ts) and
// start its sshd with the lab's keys (ssh/start.ts). Both live in the container's namespace and die with it, so
// every start (up, power-on, Start, Restart) runs them again. One exec for both: an exec costs dockerd,
// containerd and runc CPU (1-4 s of wall each at load 65), and `up` made 28 of them for 14 servers while every
// server booted on the same 2 cores. The ruleset and the sshd input go on stdin, split by a marker line; the
// firewall loads first, so sshd never listens unguarded. A firewall that can't load fails the start (a server must
// not run open); an sshd that can't start does not: the server serves its role, the journal says why SSH is
// missing until its next start.
import { nftFailure, rulesetFor } from '../firewall/apply'
import { healthCommand, POLL_PKILL_PATTERN, pollCommand, POLL_EXEC_TIMEOUT_MS, type BootClaim } from './boot-health'
import { sshdFailure, sshdInput } from '../ssh/start'
import { allServers } from '../topology/queries'
import type { LifecycleContext } from './lab-context'

/** the line between the ruleset and racklab-sshd's input on the boot exec's stdin */
export const SSHD_MARK = '#--racklab-sshd--'
/** exit codes of BOOT: the firewall did not load (its output follows), sshd did not start (racklab-sshd's output) */
export const FIREWALL_FAILED = 78
export const SSHD_FAILED = 79
/** on stdout once the firewall is loaded: the only proof of it when a health check's status ends the exec */
export const FIREWALL_LOADED_LINE = '#--racklab-firewall-loaded--'
/** with a health check after it, an sshd that did not start is this line on stdout (its output follows) */
export const SSHD_FAILED_LINE = '#--racklab-sshd-failed--'

/**
 * sh -c BOOT racklab-boot LISTEN_IP… [-- HEALTH…], the ruleset then SSHD_MARK then the keys on stdin (no keys: no
 * sshd). After `--`, the boot health check (boot-health.ts pollCommand) replaces the shell once the firewall is
 * loaded and sshd started: its exit status is the exec's, and an sshd failure is told on stdout instead.
 */
export const BOOT = [
  'd=$(mktemp -d) || exit ' + FIREWALL_FAILED,
  `awk -v d="$d" '$0 == "${SSHD_MARK}" { f = 1; next } { print > (d (f ? "/ssh" : "/fw")) }'`,
  `if ! nft -f "$d/fw" 2>&1; then rm -rf "$d"; exit ${FIREWALL_FAILED}; fi`,
  `echo '${FIREWALL_LOADED_LINE}'`,
  "ips=''",
  'while [ $# -gt 0 ] && [ "$1" != -- ]; do ips="$ips $1"; shift; done',
  '[ $# -gt 0 ] && shift',
  'if [ -s "$d/ssh" ] && [ -n "$ips" ] && ! racklab-sshd $ips <"$d/ssh" >"$d/out" 2>&1; then',
  `  if [ $# -eq 0 ]; then cat "$d/out"; rm -rf "$d"; exit ${SSHD_FAILED}; fi`,
  `  echo '${SSHD_FAILED_LINE}'; cat "$d/out"`,
  'fi',
  'rm -rf "$d"',
  '[ $# -gt 0 ] || exit 0',
  'exec "$@"',
].join('\n')

/**
 * Load the server's firewall and start its sshd. With `health` (boot-health.ts pollCommand of the image's check),
 * the same exec then runs that check until it passes: true when it did, false when its window ended first.
 */
export async function afterStart(lab: Pick<LifecycleContext, 'hookContext' | 'sshKeys' | 'journal'>, server: string, health?: { command: string[]; timeoutMs: number }): Promise<boolean> {
  const c = lab.hookContext(server)
  const ips = c.server.nics.map((n) => n.ip) // no network at all: nothing for sshd to listen on
  const keys = ips.length ? sshdInput(lab.sshKeys, server, allServers(c.topology).map((p) => p.server.id)) : ''
  // 60 s: the bound is for an exec that hangs, not a slow one. nft itself takes milliseconds, but on a host at load
  // ~45 (three labs booting on 2 cores) a docker exec took over 15 s, and `up` failed on ns2's firewall.
  const cmd = ['sh', '-c', BOOT, 'racklab-boot', ...ips, ...(health ? ['--', ...health.command] : [])]
  const r = await c.exec(server, cmd, { stdin: `${rulesetFor(c)}\n${SSHD_MARK}\n${keys}`, timeoutMs: 60_000 + (health?.timeoutMs ?? 0) })
  const loaded = r.stdout.includes(FIREWALL_LOADED_LINE)
  const out = `${r.stdout}${r.stderr}`.replace(`${FIREWALL_LOADED_LINE}\n`, '')
  if (!loaded || r.exitCode === FIREWALL_FAILED) throw nftFailure(server, 'loading the firewall', out)
  // the firewall is in: from here on nothing fails the start (an sshd that did not start is journaled)
  if (!health) {
    if (r.exitCode !== 0) sshdFailed(lab, server, r.exitCode === SSHD_FAILED ? out : `the exec ended with ${r.exitCode}: ${out}`)
    return false
  }
  const at = r.stdout.indexOf(SSHD_FAILED_LINE)
  if (at >= 0) sshdFailed(lab, server, r.stdout.slice(at + SSHD_FAILED_LINE.length).trim())
  // any other status is the check's: not passed within its window, or the exec ended early
  return r.exitCode === 0
}

function sshdFailed(lab: Pick<LifecycleContext, 'journal'>, server: string, out: string): void {
  lab.journal.append({ kind: 'engine', target: `server:${server}`, text: `${sshdFailure(server, out).message}; racklab ssh ${server} fails until its next start` })
}

/**
 * up's form of afterStart: the firewall, sshd and this start's first boot health check in one exec instead of two
 * (on 2 cores every exec's dockerd, containerd and runc CPU is taken from the servers booting beside it). The
 * claim (BootHealth's) keeps the engine's own check off the container meanwhile; a pass counts for this start, and
 * a check that did not pass in its window goes back to BootHealth.
 */
export async function afterStartChecked(lab: Pick<LifecycleContext, 'hookContext' | 'sshKeys' | 'journal' | 'gateway'>, server: string, cid: string, claim: BootClaim | undefined, signal?: AbortSignal): Promise<void> {
  if (!claim) return void (await afterStart(lab, server))
  // a cancelled `up` must not wait for the health part (up to a window): the check loop is ended in the container,
  // and the exec returns once its firewall and sshd part is done, which is still waited for
  const stop = (): void => void lab.hookContext(server).exec(server, ['pkill', '-f', POLL_PKILL_PATTERN], { timeoutMs: 10_000 }).catch(() => undefined)
  signal?.addEventListener('abort', stop)
  try {
    const c = await lab.gateway.inspectContainer(cid)
    const check = healthCommand(c?.healthTest)
    if (!c?.running || !c.startedAt || c.health !== 'starting' || !check) return void (await afterStart(lab, server))
    if (await afterStart(lab, server, { command: pollCommand(check), timeoutMs: POLL_EXEC_TIMEOUT_MS })) claim.pass(c.startedAt)
  } finally {
    signal?.removeEventListener('abort', stop)
    claim.release()
  }
}
