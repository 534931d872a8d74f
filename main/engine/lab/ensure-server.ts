// Create (if needed) and start one server's container: used by `up` and by the hardware binding when a
// server powers back on or gets a new, empty array.
import { afterStart } from './after-start'
import { containerSpec, volumeSpecs } from './plan'
import type { LifecycleContext } from './lab-context'
import { networkName } from './naming'
import { LABEL_SPEC, type ContainerInfo } from '../docker/types'

/** The server's container, created (not started) when missing, built from an older image, or made with other
 *  settings (LABEL_SPEC: a topology edit or a new racklab changed its env, ports, addresses, volumes…), as
 *  docker-compose makes a changed service anew. Its data volumes survive. Returns its id. */
export async function ensureServerCreated(lab: LifecycleContext, id: string, o: { volumesReady?: boolean } = {}): Promise<string> {
  const placed = lab.servers.get(id)!
  const tag = lab.images.role(placed.server.role)!.tag
  const spec = lab.roleSpecOf(id)!
  if (!o.volumesReady) for (const v of volumeSpecs(lab.labId, id, spec)) await lab.gateway.ensureVolume(v)
  const want = containerSpec(lab.labId, placed, spec, tag, lab.topology.domain)
  let c = lab.container(id)
  if (c && c.image !== tag) {
    // built from an older image: recreate. Only when the new image is there: a power-on does not build images (up
    // does), and a checkout changed under a running lab (a new version of racklab, an edited image script) would
    // otherwise lose the server here, removed and then not created. It keeps its older image until the next up
    // builds the new one, and the journal says so.
    if (await lab.gateway.imageExists(tag)) {
      await removeGracefully(lab, c, spec.stopTimeout)
      c = undefined
    } else lab.journal.append({ kind: 'op', text: `${id}: kept its container, built from an older image (${c.image}): racklab up builds ${tag} and makes it anew` })
  } else if (c && c.labels[LABEL_SPEC] !== want.labels[LABEL_SPEC]) {
    lab.journal.append({ kind: 'op', text: `${id}: its settings changed since its container was made (topology or racklab version): made anew, data volumes kept` })
    await removeGracefully(lab, c, spec.stopTimeout)
    c = undefined
  }
  if (c) return c.id
  const cid = await lab.gateway.createContainer(want)
  // a cable pulled or a switch dead while the server was off: it boots without that network
  for (const nic of placed.server.nics) if (lab.hardware && !lab.hardware.effects()[id]?.networks[nic.network]) await lab.gateway.disconnectNetwork(networkName(lab.labId, nic.network), cid)
  return cid
}

/** a running container is stopped first, within its own stop timeout (a database shuts down cleanly), then removed;
 *  a paused one (frozen: it could not act on the stop) is removed at once */
async function removeGracefully(lab: LifecycleContext, c: ContainerInfo, stopTimeout: number | undefined): Promise<void> {
  if (c.running && c.status !== 'paused') await lab.gateway.stopContainer(c.id, stopTimeout ?? 10).catch(() => undefined)
  await lab.gateway.removeContainer(c.id)
}

/** Start a created container (a running one is left alone), then its firewall and sshd (after-start.ts). */
export async function startServer(lab: LifecycleContext, id: string, cid: string): Promise<void> {
  if (await startContainer(lab, id, cid)) await afterStart(lab, id)
}

/** Only the container's start: true when it was started now, false when it already ran. The caller owes it
 *  afterStart (up runs afterStartChecked beside the wait for health: its exec also runs the first health check). */
export async function startContainer(lab: LifecycleContext, id: string, cid: string): Promise<boolean> {
  lab.setIntent(id, undefined)
  const c = lab.container(id)
  if (c?.id === cid && c.running) return false
  await lab.gateway.startContainer(cid)
  return true
}

/** Returns the container id; the container is running when this resolves. */
export async function ensureServerRunning(lab: LifecycleContext, id: string): Promise<string> {
  const cid = await ensureServerCreated(lab, id)
  await startServer(lab, id, cid)
  return cid
}
