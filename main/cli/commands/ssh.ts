// `racklab ssh SERVER [-- CMD…]`: the host's own ssh client to the server's address on its lab network,
// with the lab's operator key and known_hosts (engine/ssh/). Nothing is published: the host reaches the lab's
// bridge networks directly, as it reaches any container on a local Docker engine.
import { spawn } from 'node:child_process'
import { LabError } from '@contract/lab-error'
import { EXIT_FAIL } from '../output'
import { labStateDir } from '../../engine/paths'
import { requireClientKeys, sshClientArgs } from '../../engine/ssh/client-args'
import { call, linkFor, need, type CliArgs } from './context'
import { requireDocker } from './inspect'

export async function ssh(a: CliArgs): Promise<number> {
  const server = need(a, 0, 'SERVER (e.g. racklab ssh db1, or racklab ssh db1 -- hostname)')
  if (a.positionals.length > 1) throw new LabError('BAD_INPUT', `racklab ssh takes one server; put the command after "--" (racklab ssh ${server} -- ${a.positionals.slice(1).join(' ')})`)
  const link = await linkFor(a)
  let target: { ip: string; stateDir: string }
  try {
    await requireDocker(link)
    const s = (await call(link, 'lab.status')).servers.find((x) => x.id === server)
    if (!s) throw new LabError('NOT_FOUND', `no server "${server}" in lab ${link.labId}`)
    if (s.state !== 'running') throw new LabError('REFUSED', `${server} is ${s.state}: ssh needs a running server (its sshd starts with it)`)
    const ip = Object.values(s.ips)[0]
    if (!ip) throw new LabError('REFUSED', `${server} has no address on a lab network (every cable pulled?): nothing to ssh to`)
    target = { ip, stateDir: labStateDir(link.labId) }
    requireClientKeys(target.stateDir, link.labId)
  } finally {
    link.close()
  }
  const args = sshClientArgs({ ...target, server, command: a.rest })
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', args, { stdio: 'inherit' })
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new LabError('NOT_FOUND', 'racklab ssh needs an ssh client on this host (OpenSSH: apt install openssh-client); racklab exec SERVER -- CMD works without one') : e),
    )
    child.on('close', (code) => resolve(code ?? EXIT_FAIL))
  })
}
