// Starts a server's sshd at each boot (like its firewall: firewall/apply.ts): the engine hands the server its
// host key and the operator's public key on stdin (racklab-sshd in lab-images/base), and sshd listens on the
// server's own addresses on the lab's networks. Keys stay in the lab's state; the image holds none.
import type { HookContext } from '../roles/types'
import { allServers } from '../topology/queries'
import type { LabSshKeys } from './lab-keys'
import { privateKeyFile, publicKeyLine } from './openssh-key'

/** what racklab-sshd reads on stdin: the host key block, then the authorized_keys lines */
export function sshdInput(keys: LabSshKeys, server: string, allServers: readonly string[]): string {
  const host = keys.hostKeys(allServers).get(server)
  if (!host) throw new Error(`ssh: ${server} is not a server of this lab`)
  return privateKeyFile(host, `root@${server}`) + `${publicKeyLine(keys.operator(), 'racklab-operator')}\n`
}

export async function startSshd(c: HookContext, keys: LabSshKeys): Promise<void> {
  const ips = c.server.nics.map((n) => n.ip)
  if (!ips.length) return // no network at all: nothing to listen on
  const stdin = sshdInput(keys, c.server.id, allServers(c.topology).map((p) => p.server.id))
  const r = await c.exec(c.server.id, ['racklab-sshd', ...ips], { stdin, timeoutMs: 15_000 })
  if (r.exitCode === 0) return
  const out = (r.stderr || r.stdout).trim() || 'no output'
  const hint = /racklab-sshd.*(not found|No such file)|executable file not found/i.test(out) ? ': its image has no sshd (an image built before SSH; `racklab up` rebuilds it)' : ''
  throw new Error(`${c.server.id}: starting sshd failed${hint} (${out})`)
}
