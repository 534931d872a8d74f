// How the UI's consoles reach a server: `docker exec` (the default: works on any engine, even with sshd
// stopped) or, with RACKLAB_CONSOLE=ssh in the engine's environment, over SSH to the server's lab address
// with the lab's operator key (the engine's host must reach the lab's networks, as `racklab ssh` does).
import type { ServerStatus } from '@contract/status'
import type { Topology } from '@contract/topology'
import { LabError } from '@contract/lab-error'
import type { LabSshKeys } from '../ssh/lab-keys'
import { privateKeyFile } from '../ssh/openssh-key'
import { openSshShell } from '../ssh/shell-session'
import { allServers } from '../topology/queries'
import type { ShellOpener } from './consoles'

export const CONSOLE_VIA = ['exec', 'ssh'] as const

/** RACKLAB_CONSOLE: exec (default) or ssh; anything else is an error naming the variable */
export function consoleVia(env: NodeJS.ProcessEnv = process.env): (typeof CONSOLE_VIA)[number] {
  const v = env.RACKLAB_CONSOLE ?? 'exec'
  if (!(CONSOLE_VIA as readonly string[]).includes(v)) throw new Error(`RACKLAB_CONSOLE="${v}": use exec (the default) or ssh`)
  return v as (typeof CONSOLE_VIA)[number]
}

/** the console opener for RACKLAB_CONSOLE=ssh; undefined for exec (the console manager's own default) */
export function consoleShells(lab: { readonly sshKeys: LabSshKeys; readonly relocated: Topology; serverStatus(id: string): ServerStatus }, env: NodeJS.ProcessEnv = process.env): ShellOpener | undefined {
  if (consoleVia(env) === 'exec') return undefined
  return (server, _containerId, cols, rows) => {
    const host = Object.values(lab.serverStatus(server).ips)[0]
    if (!host) throw new LabError('REFUSED', `${server} has no address on a lab network: no SSH console (RACKLAB_CONSOLE=ssh)`)
    const hostKey = lab.sshKeys.hostKeys(allServers(lab.relocated).map((p) => p.server.id)).get(server)
    if (!hostKey) throw new LabError('NOT_FOUND', `no server "${server}" in this lab`)
    return openSshShell({ server, host, hostKey, privateKey: privateKeyFile(lab.sshKeys.operator()) }, cols, rows)
  }
}
