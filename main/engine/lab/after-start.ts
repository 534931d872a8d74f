// What the engine does to a server each time its container starts: load its firewall (firewall/apply.ts) and
// start its sshd with the lab's keys (ssh/start.ts). Both live in the container's namespace and die with it, so
// every start (up, power-on, Start, Restart) runs them again. One exec for both: an exec costs dockerd,
// containerd and runc CPU (1-4 s of wall each at load 65), and `up` made 28 of them for 14 servers while every
// server booted on the same 2 cores. The ruleset and the sshd input go on stdin, split by a marker line; the
// firewall loads first, so sshd never listens unguarded. A firewall that can't load fails the start (a server must
// not run open); an sshd that can't start does not: the server serves its role, the journal says why SSH is
// missing until its next start.
import { nftFailure, rulesetFor } from '../firewall/apply'
import { sshdFailure, sshdInput } from '../ssh/start'
import { allServers } from '../topology/queries'
import type { LifecycleContext } from './lab-context'

/** the line between the ruleset and racklab-sshd's input on the boot exec's stdin */
export const SSHD_MARK = '#--racklab-sshd--'
/** exit codes of BOOT: the firewall did not load (its output follows), sshd did not start (racklab-sshd's output) */
export const FIREWALL_FAILED = 78
export const SSHD_FAILED = 79

/** sh -c BOOT racklab-boot LISTEN_IP…, the ruleset then SSHD_MARK then the keys on stdin (no keys: no sshd) */
export const BOOT = [
  'd=$(mktemp -d) || exit ' + FIREWALL_FAILED,
  `awk -v d="$d" '$0 == "${SSHD_MARK}" { f = 1; next } { print > (d (f ? "/ssh" : "/fw")) }'`,
  `if ! nft -f "$d/fw" 2>&1; then rm -rf "$d"; exit ${FIREWALL_FAILED}; fi`,
  'if [ -s "$d/ssh" ] && [ $# -gt 0 ]; then',
  '  racklab-sshd "$@" <"$d/ssh" >"$d/out" 2>&1 || { cat "$d/out"; rm -rf "$d"; exit ' + SSHD_FAILED + '; }',
  'fi',
  'rm -rf "$d"',
].join('\n')

export async function afterStart(lab: Pick<LifecycleContext, 'hookContext' | 'sshKeys' | 'journal'>, server: string): Promise<void> {
  const c = lab.hookContext(server)
  const ips = c.server.nics.map((n) => n.ip) // no network at all: nothing for sshd to listen on
  const keys = ips.length ? sshdInput(lab.sshKeys, server, allServers(c.topology).map((p) => p.server.id)) : ''
  // 60 s: the bound is for an exec that hangs, not a slow one. nft itself takes milliseconds, but on a host at load
  // ~45 (three labs booting on 2 cores) a docker exec took over 15 s, and `up` failed on ns2's firewall.
  const r = await c.exec(server, ['sh', '-c', BOOT, 'racklab-boot', ...ips], { stdin: `${rulesetFor(c)}\n${SSHD_MARK}\n${keys}`, timeoutMs: 60_000 })
  if (r.exitCode === 0) return
  const out = `${r.stdout}${r.stderr}`
  if (r.exitCode === SSHD_FAILED) {
    lab.journal.append({ kind: 'engine', target: `server:${server}`, text: `${sshdFailure(server, out).message}; racklab ssh ${server} fails until its next start` })
    return
  }
  throw nftFailure(server, 'loading the firewall', out)
}
