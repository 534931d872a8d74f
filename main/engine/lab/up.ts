// `up`: build what is missing, create networks and volumes, start servers wave by wave (parallel inside a wave)
// and wait for each wave to be healthy before the next. Idempotent: running servers are left alone.
import { LabError } from '@contract/errors'
import type { LifecycleContext } from './lab-context'
import type { Op } from './operations'
import { networkSpecs } from './plan'
import { ensureServerRunning } from './ensure-server'
import { buildLabImage } from './build-image'
import { pruneStaleImages } from './prune-images'
import { startOrder } from '../topology/queries'
import { roles } from '../roles/index'
import { waitHealthy } from './wait-healthy'

export async function runUp(lab: LifecycleContext, op: Op, only?: string[]): Promise<void> {
  const roleOf = (id: string): string => lab.servers.get(id)!.server.role
  const waves = startOrder(lab.topology, only)
  const noImage = waves.flat().filter((id) => !lab.images.role(roleOf(id)))
  const refused = (only ?? []).filter((id) => noImage.includes(id))
  if (refused.length) throw new LabError('REFUSED', `not built yet: ${refused.map((id) => `${id} (role ${roleOf(id)})`).join(', ')} — these roles have no image in lab-images/ yet`)
  const runWaves = waves.map((w) => w.filter((id) => !noImage.includes(id))).filter((w) => w.length > 0)
  const ids = runWaves.flat()
  if (ids.length === 0) throw new LabError('REFUSED', 'nothing to start: no server of this topology has a built role yet')
  lab.journal.append({ kind: 'op', text: `up: ${ids.join(', ')}${noImage.length ? ` (not built yet: ${noImage.join(', ')})` : ''}` })

  const t = op.timings
  op.progress({ phase: 'base', current: 0, max: 1, text: 'base image debian:bookworm-slim' })
  await t.span('base image', () => lab.gateway.ensureBaseImage((text) => op.progress({ phase: 'base', current: 0, max: 1, text }), op.signal))
  op.checkpoint()

  const refs = [lab.images.base(), ...new Set(ids.map((id) => lab.images.role(roleOf(id))!))]
  const unique = [...new Map(refs.map((r) => [r.tag, r])).values()]
  let built = 0
  for (const [i, ref] of unique.entries()) {
    op.checkpoint()
    if (await t.span('image check', () => lab.gateway.imageExists(ref.tag))) continue
    lab.markBuilding(ref.tag, true)
    let ok = false
    try {
      await t.span('image build', () => buildLabImage(lab.gateway, lab.images, ref, (p) => op.progress({ phase: 'build', current: i, max: unique.length, text: `${ref.tag}: ${p.text}` }), op.signal))
      ok = true
    } finally {
      lab.markBuilding(ref.tag, false, ok)
    }
    lab.journal.append({ kind: 'op', text: `built ${ref.tag}` })
    built++
  }
  if (built) {
    const removed = await pruneStaleImages(lab.gateway, lab.images, Object.keys(roles))
    if (removed.length) lab.journal.append({ kind: 'op', text: `removed ${removed.length} stale lab images: ${removed.join(', ')}` })
  }

  const nets = new Set(ids.flatMap((id) => lab.servers.get(id)!.server.nics.map((n) => n.network)))
  const netSpecs = networkSpecs(lab.topology, lab.labId).filter((n) => nets.has(n.labels['racklab.network']!))
  for (const [i, n] of netSpecs.entries()) {
    op.progress({ phase: 'network', current: i, max: netSpecs.length, text: `network ${n.name} ${n.subnet}${n.internal ? ' (internal)' : ''}` })
    await t.span('networks', () => lab.gateway.ensureNetwork(n))
  }

  await t.span('refresh', () => lab.refresh())
  lab.setMembers(ids, true)
  let started = 0
  const held: string[] = []
  for (const [level, wave] of runWaves.entries()) {
    op.checkpoint()
    await Promise.all(
      wave.map(async (id) => {
        const placed = lab.servers.get(id)!
        const hw = lab.hardwareAllows(id)
        if (!hw.ok) {
          // physics first: a server without power stays down until someone powers it on
          held.push(`${id}: ${hw.why}`)
          return
        }
        op.progress({ phase: 'start', current: started, max: ids.length, text: `starting ${id}`, server: id })
        const at = { server: id, level }
        const cid = await t.span('volumes+create+start', () => ensureServerRunning(lab, id), at)
        op.progress({ phase: 'health', current: started, max: ids.length, text: `waiting for ${id} to be healthy`, server: id })
        await t.span('wait healthy', () => waitHealthy(lab.gateway, cid, id, op.signal), at)
        const hook = roles[placed.server.role]?.afterHealthy
        if (hook) await t.span('provisioning', () => hook(lab.hookContext(id)), at)
        started++
        op.progress({ phase: 'health', current: started, max: ids.length, text: `${id} healthy`, server: id })
      }),
    )
  }
  await t.span('hardware sync', () => lab.syncHardware())
  if (held.length) throw new LabError('UNHEALTHY', `${started} of ${ids.length} servers healthy; held down by the hardware: ${held.join('; ')}`)
  await t.span('refresh', () => lab.refresh())
  op.progress({ phase: 'done', current: ids.length, max: ids.length, text: `${ids.length} servers healthy` })
  lab.journal.append({ kind: 'op', text: `up: ${ids.length} servers healthy` })
}
