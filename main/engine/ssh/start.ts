// A server's sshd at each boot (lab/after-start.ts runs it with the firewall): the engine hands the server its
// host key and the operator's public key on stdin (racklab-sshd in lab-images/base), and sshd listens on the
// server's own addresses on the lab's networks. Keys stay in the lab's state; the image holds none.
import type { LabSshKeys } from './lab-keys'
import { privateKeyFile, publicKeyLine } from './openssh-key'

/** what racklab-sshd reads on stdin: the host key block, then the authorized_keys lines */
export function sshdInput(keys: LabSshKeys, server: string, allServers: readonly string[]): string {
  const host = keys.hostKeys(allServers).get(server)
  if (!host) throw new Error(`ssh: ${server} is not a server of this lab`)
  return privateKeyFile(host, `root@${server}`) + `${publicKeyLine(keys.operator(), 'racklab-operator')}\n`
}

/** why racklab-sshd failed (its output), with what to do when the image predates SSH */
export function sshdFailure(server: string, out: string): Error {
  const text = out.trim() || 'no output'
  const hint = /racklab-sshd.*(not found|No such file)|executable file not found/i.test(text) ? ': its image has no sshd (an image built before SSH; `racklab up` rebuilds it)' : ''
  return new Error(`${server}: starting sshd failed${hint} (${text})`)
}
