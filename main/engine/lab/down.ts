// `down`: stop and remove this lab's containers and networks (volumes only when asked). Only objects labelled
// racklab.lab=<labId> are listed, so nothing foreign is ever touched.
import type { LifecycleContext } from './lab-context'
import type { Op } from './operations'
import { LABEL_SERVER } from '../docker/types'

export async function runDown(lab: LifecycleContext, op: Op, volumes: boolean): Promise<void> {
  const gw = lab.gateway
  const containers = await gw.listContainers(lab.labId)
  let i = 0
  await Promise.all(
    containers.map(async (c) => {
      const server = c.labels[LABEL_SERVER]
      if (server) lab.setIntent(server, 'stopped')
      op.progress({ phase: 'stop', current: i, max: containers.length, text: `stopping ${server ?? c.name}`, ...(server ? { server } : {}) })
      if (c.running || c.status === 'paused') await gw.stopContainer(c.id, 10).catch(() => gw.killContainer(c.id))
      await gw.removeContainer(c.id)
      op.progress({ phase: 'remove', current: ++i, max: containers.length, text: `removed ${server ?? c.name}`, ...(server ? { server } : {}) })
    }),
  )
  for (const n of await gw.listNetworks(lab.labId)) await gw.removeNetwork(n.name)
  if (volumes) for (const v of await gw.listVolumes(lab.labId)) await gw.removeVolume(v.name)
  for (const id of lab.servers.keys()) lab.setIntent(id, undefined)
  lab.journal.append({ kind: 'op', text: `down: removed ${containers.length} containers${volumes ? ' and the data volumes' : ' (data volumes kept)'}` })
  await lab.refresh()
}
