// `down`: stop and remove this lab's containers and networks (volumes only when asked). Only objects labelled
// racklab.lab=<labId> are listed, so nothing foreign is ever touched.
import { LabError } from '@contract/errors'
import type { LifecycleContext } from './lab-context'
import type { Op } from './operations'
import { LABEL_LAB, LABEL_SERVER } from '../docker/types'
import { miscountedText, removeLabNetworks } from './remove-networks'

/** Returns the networks that could not be removed (as the error to report), after everything else is done. */
export async function runDown(lab: LifecycleContext, op: Op, volumes: boolean): Promise<LabError | undefined> {
  const gw = lab.gateway
  const t = op.timings
  // the listing alone: stopping and removing needs no inspect of each container
  const containers = await t.span('list', () => gw.listContainerSummaries(lab.labId))
  let i = 0
  await Promise.all(
    containers.map(async (c) => {
      const server = c.labels[LABEL_SERVER]
      if (server) lab.setIntent(server, 'stopped')
      const at = server ? { server } : {}
      op.progress({ phase: 'stop', current: i, max: containers.length, text: `stopping ${server ?? c.name}`, ...at })
      // every container at once, each with its own role's grace period (the container's StopTimeout: 20 s for the
      // databases, the stores and the MXs, see roles/*.ts). It is a ceiling, not a wait: a clean image stops in
      // about a second. A fixed 10 s here used to cut MariaDB's and Cyrus's grace in half.
      if (c.running || c.status === 'paused') await t.span('stop', () => gw.stopContainer(c.id).catch(() => gw.killContainer(c.id)), at)
      await t.span('remove container', () => gw.removeContainer(c.id), at)
      op.progress({ phase: 'remove', current: ++i, max: containers.length, text: `removed ${server ?? c.name}`, ...at })
    }),
  )
  for (const id of lab.servers.keys()) lab.setIntent(id, undefined)
  // listed by label, checked again here and by the gateway before each removal: data is the one thing we cannot give back
  if (volumes)
    await t.span('remove volumes', async () => {
      const ours = (await gw.listVolumes(lab.labId)).filter((v) => v.labels[LABEL_LAB] === lab.labId)
      await Promise.all(ours.map((v) => removeWhenFree(() => gw.removeVolume(v.name, lab.labId))))
    })
  op.progress({ phase: 'remove', current: containers.length, max: containers.length, text: 'removing networks' })
  let left: LabError | undefined
  const note = (text: string): void => void lab.journal.append({ kind: 'op', text })
  const removed = await t.span('remove networks', () =>
    removeLabNetworks(gw, lab.labId, note).catch((e: unknown) => {
      if (!(e instanceof LabError && e.code === 'REFUSED')) throw e
      left = e
      return undefined
    }),
  )
  for (const text of (removed?.miscounted ?? []).map(miscountedText)) {
    note(text)
    op.warn(text)
  }
  const nets = removed?.removed ?? -1
  lab.journal.append({ kind: 'op', text: `down: removed ${containers.length} containers${nets >= 0 ? ` and ${nets} networks` : ''}${volumes ? ', and the data volumes' : ' (data volumes kept)'}` })
  await t.span('refresh', () => lab.refresh())
  return left
}

/** Docker can still be finishing a container's removal when it is asked for the container's volume ("volume is in
 *  use" naming it): wait for it, briefly, rather than leave the volume behind. */
async function removeWhenFree(remove: () => Promise<void>, tries = 20): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      return await remove()
    } catch (e) {
      if (i >= tries || !/volume is in use/i.test((e as Error).message)) throw e
      await new Promise((r) => setTimeout(r, 250))
    }
  }
}
