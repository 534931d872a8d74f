// The host's `ssh` command line for `racklab ssh SERVER`: the lab's operator key only, the lab's own
// known_hosts with the server named by its id (so a relocated lab's new addresses still match), strict host
// key checking, and no user ssh config, agent keys or passwords in the way.
import { existsSync } from 'node:fs'
import { LabError } from '@contract/lab-error'
import { knownHostsFile, operatorKeyFile } from './lab-keys'

export function sshClientArgs(o: { stateDir: string; server: string; ip: string; command: string[] }): string[] {
  return [
    '-F', 'none',
    '-i', operatorKeyFile(o.stateDir),
    '-o', 'IdentitiesOnly=yes',
    '-o', 'IdentityAgent=none',
    '-o', `UserKnownHostsFile=${knownHostsFile(o.stateDir)}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `HostKeyAlias=${o.server}`,
    '-o', 'PasswordAuthentication=no',
    '-o', 'KbdInteractiveAuthentication=no',
    '-o', 'ConnectTimeout=10',
    '-o', 'LogLevel=ERROR',
    '-l', 'root',
    // "--": the command after the address is the server's, never options to ssh
    '--', o.ip, ...o.command,
  ]
}

/** the lab's key files must be there: they are made when the lab's servers first start (racklab up) */
export function requireClientKeys(stateDir: string, labId: string): void {
  for (const f of [operatorKeyFile(stateDir), knownHostsFile(stateDir)])
    if (!existsSync(f)) throw new LabError('REFUSED', `lab ${labId} has no SSH keys yet (${f} is missing): they are made when its servers start (racklab up)`)
}
