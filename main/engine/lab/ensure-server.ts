// Create (if needed) and start one server's container: used by `up` and by the hardware binding when a
// server powers back on or gets a new, empty array.
import { LABEL_FIREWALL, LABEL_SSHD } from '../docker/types'
import { sshdFiles } from '../ssh/boot-files'
import { allServers } from '../topology/queries'
import { containerSpec, serverFirewall, volumeSpecs } from './plan'
import type { LifecycleContext } from './lab-context'
import { networkName } from './naming'

/** The server's container, created (not started) when missing or built from an older image. Returns its id. */
export async function ensureServerCreated(lab: LifecycleContext, id: string, o: { volumesReady?: boolean } = {}): Promise<string> {
  const placed = lab.servers.get(id)!
  const tag = lab.images.role(placed.server.role)!.tag
  const spec = lab.roleSpecOf(id)!
  if (!o.volumesReady) for (const v of volumeSpecs(lab.labId, id, spec)) await lab.gateway.ensureVolume(v)
  // what the container loads itself at every start, before its daemons (lab-images/base/racklab-init)
  const firewall = serverFirewall(lab.relocated, lab.servers, id)
  const ips = placed.server.nics.map((n) => n.ip)
  const sshd = ips.length ? sshdFiles(lab.sshKeys, id, allServers(lab.relocated).map((p) => p.server.id), ips) : undefined
  let c = lab.container(id)
  if (c && (c.image !== tag || c.labels[LABEL_FIREWALL] !== firewall.hash || c.labels[LABEL_SSHD] !== (sshd?.hash ?? 'none'))) {
    // built from an older image, or it would load another firewall or sshd than this lab gives it: recreate; its
    // data volumes survive
    await lab.gateway.removeContainer(c.id)
    c = undefined
  }
  if (c) return c.id
  const made = containerSpec(lab.labId, placed, spec, tag, lab.relocated.domain, firewall)
  const cid = await lab.gateway.createContainer({ ...made, labels: { ...made.labels, [LABEL_SSHD]: sshd?.hash ?? 'none' }, ...(sshd ? { files: sshd.files } : {}) })
  // a cable pulled or a switch dead while the server was off: it boots without that network
  for (const nic of placed.server.nics) if (lab.hardware && !lab.hardware.effects()[id]?.networks[nic.network]) await lab.gateway.disconnectNetwork(networkName(lab.labId, nic.network), cid)
  return cid
}

/** Start a created container (a running one is left alone): true when it was started now. It loads its own
 *  firewall and starts its own sshd (racklab-init): nothing to do in it after the start. */
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
  await startContainer(lab, id, cid)
  return cid
}
