// Start/Stop/Kill… on a server's container: the Docker side of the book's container actions (which refuse,
// ledger and journal them); refused here too, so no caller can bypass the checks.
import { LabError } from '@contract/errors'
import type { ServerStatus } from '@contract/status'
import { afterStart } from './after-start'
import type { LifecycleContext } from './lab-context'

export type ServerOp = 'start' | 'stop' | 'kill' | 'pause' | 'unpause' | 'restart'

export async function controlServer(lab: LifecycleContext, server: string, op: ServerOp): Promise<ServerStatus> {
  lab.requireEngine()
  const cur = lab.serverStatus(server)
  const c = lab.container(server)
  if (!c) throw new LabError('REFUSED', `${server} has no container yet: run up first${cur.imageState === 'no-image' ? ` (its role ${cur.role} is not built yet)` : ''}`)
  const refuse = (why: string): never => {
    throw new LabError('REFUSED', `cannot ${op} ${server}: ${why}`)
  }
  switch (op) {
    case 'start': {
      if (c.running) refuse('it is already running')
      const hw = lab.hardwareAllows(server)
      if (!hw.ok) refuse(`${hw.why} (see racklab actions server:${server})`)
      lab.setIntent(server, undefined)
      await lab.gateway.startContainer(c.id)
      await afterStart(lab, server)
      break
    }
    case 'stop':
      if (!c.running) refuse('it is not running')
      lab.setIntent(server, 'stopped')
      await lab.gateway.stopContainer(c.id)
      break
    case 'kill':
      if (!c.running) refuse('it is not running')
      lab.setIntent(server, 'stopped')
      await lab.gateway.killContainer(c.id)
      break
    case 'pause':
      if (c.status !== 'running') refuse('it is not running')
      await lab.gateway.pauseContainer(c.id)
      break
    case 'unpause':
      if (c.status !== 'paused') refuse('it is not paused')
      await lab.gateway.unpauseContainer(c.id)
      break
    case 'restart':
      lab.setIntent(server, undefined)
      await lab.gateway.restartContainer(c.id)
      await afterStart(lab, server)
      break
  }
  await lab.refresh()
  return lab.serverStatus(server)
}
