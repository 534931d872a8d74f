// `up`: build the base image if missing, then the missing role images in the background (build-images.ts) while
// networks and volumes are made (in parallel); create each container once its image is there, and start each
// server as soon as the servers it depends on are healthy and provisioned — not wave by wave, so a slow server
// holds up only what depends on it; a server whose role boots alone starts at once and waits only to be
// provisioned (start-graph.ts). `up` returns when every server is healthy and provisioned. Idempotent: running servers are
// left alone, and provisioning whose inputs are unchanged is skipped (provisioned.ts).
//
// Where the time of a warm `up` after `down` went (14 servers, 2 cores, `racklab up --timings`, before this
// shape): 41.6 s = 0.6 s runtime start + 0.6 s images and networks + level 0 (db1, imap1, ns1, ns2) 5.5 s +
// level 1 20.4 s (mx1/mx2 healthy after 17 s: clamd and spamd load their rules; everything else in ~4 s) +
// level 2 (fe1, fe2) 7.1 s (3.5 s of it CA adoption) + level 3 (edge) 7.5 s (3.9 s of it trusting the CA).
// The frontends waited for the MXs only because they shared a level.
// Later (18 servers, firewalls, sidecars): mx, web, fe and edge booted only after db1/imap1 were healthy, and the
// edge after the MXs; they now boot at once (roles' bootsAlone), which leaves the MXs' own boot as the path, as in
// docker-compose. Speed notes: docs/design.md.
// Then the 18 Docker starts, asked all at once, finished in dockerd's order 1-5 s later, the frontends often last,
// and their VRRP settling (~4 s after their start) ended the `up`. A few starts at a time, the longest boots first
// (start-queue.ts, roles' bootS), on a 2-core machine: `up` after `down` 9.7 s → 7.9-8.7 s (limits 3-6 alike; 2 slower).
import { LabError } from '@contract/errors'
import type { LifecycleContext } from './lab-context'
import type { Op } from './operations'
import { createNetworks } from './up-networks'
import { volumeSpecs } from './plan'
import { afterStartChecked } from './after-start'
import { ensureServerCreated, startContainer } from './ensure-server'
import { startBuilds, type Builds } from './build-images'
import { pruneStaleImages } from './prune-images'
import { startOrder } from '../topology/queries'
import { roles } from '../roles/index'
import { waitHealthy } from './wait-healthy'
import { startQueue } from './start-queue'
import { runByDependencies } from './start-graph'
import { provisionKey } from './provisioned'

/** Docker starts at once during an `up` (measured on 2 cores: 3 to 6 gave the same `up`, 2 was slower) */
const START_LIMIT = 4

export async function runUp(lab: LifecycleContext, op: Op, only?: string[]): Promise<void> {
  const roleOf = (id: string): string => lab.servers.get(id)!.server.role
  // what is built and started is what lab-images/ holds now, not what the status saw a moment ago
  lab.images.revalidate()
  const waves = startOrder(lab.topology, only)
  const noImage = waves.flat().filter((id) => !lab.images.role(roleOf(id)))
  const refused = (only ?? []).filter((id) => noImage.includes(id))
  if (refused.length) throw new LabError('REFUSED', `not built yet: ${refused.map((id) => `${id} (role ${roleOf(id)})`).join(', ')} — these roles have no image in lab-images/ yet`)
  const runWaves = waves.map((w) => w.filter((id) => !noImage.includes(id))).filter((w) => w.length > 0)
  const ids = runWaves.flat()
  if (ids.length === 0) throw new LabError('REFUSED', 'nothing to start: no server of this topology has a built role yet')
  const levelOf = new Map(runWaves.flatMap((w, level) => w.map((id) => [id, level] as const)))
  lab.journal.append({ kind: 'op', text: `up: ${ids.join(', ')}${noImage.length ? ` (not built yet: ${noImage.join(', ')})` : ''}` })
  const t = op.timings

  op.progress({ phase: 'base', current: 0, max: 1, text: 'base image debian:bookworm-slim' })
  await t.span('base image', () => lab.gateway.ensureBaseImage((text) => op.progress({ phase: 'base', current: 0, max: 1, text }), op.signal))
  op.checkpoint()

  const refs = [lab.images.base(), ...new Set(ids.map((id) => lab.images.role(roleOf(id))!))]
  const unique = [...new Map(refs.map((r) => [r.tag, r])).values()]
  const present = await t.span('image check', () => Promise.all(unique.map((r) => lab.gateway.imageExists(r.tag))))
  // the base now; the role images in the background, each server created and booted once its own image is there
  const builds = await startBuilds(lab, op, unique, present)
  try {
    await upWhileBuilding(lab, op, ids, levelOf, builds)
  } finally {
    // never return, nor fail, with a build still running behind
    await builds.done.catch(() => undefined)
  }
  const built = await builds.done
  // RACKLAB_PRUNE_IMAGES=0: an engine shared by several checkouts keeps each one's images
  if (built && process.env.RACKLAB_PRUNE_IMAGES !== '0') {
    const removed = await pruneStaleImages(lab.gateway, lab.images, Object.keys(roles))
    if (removed.length) lab.journal.append({ kind: 'op', text: `removed ${removed.length} stale lab images: ${removed.join(', ')}` })
  }
}

async function upWhileBuilding(lab: LifecycleContext, op: Op, ids: string[], levelOf: Map<string, number>, builds: Builds): Promise<void> {
  const t = op.timings
  // networks (subnets chosen first: up-networks.ts) and volumes are independent of each other: all at once
  const kept = new Map<string, string>()
  await Promise.all([
    t.span('networks', () => createNetworks(lab, op, ids)),
    t.span('volumes', () =>
      Promise.all(
        ids.map(async (id) => {
          const made = await Promise.all(volumeSpecs(lab.labId, id, lab.roleSpecOf(id)!).map((v) => lab.gateway.ensureVolume(v)))
          kept.set(id, made.join(','))
        }),
      ),
    ),
  ])
  op.checkpoint()

  await t.span('refresh', () => lab.refresh())
  lab.setMembers(ids, true)
  const held: string[] = []
  const startable = ids.filter((id) => {
    const hw = lab.hardwareAllows(id)
    // physics first: a server without power stays down until someone powers it on
    if (!hw.ok) held.push(`${id}: ${hw.why}`)
    return hw.ok
  })
  // creating containers needs nothing running: each as soon as its image is there (all at once when none is being
  // built), while the first level boots
  const cids = new Map<string, Promise<string>>()
  for (const id of startable) {
    const created = builds.ready(lab.images.role(lab.servers.get(id)!.server.role)!.tag).then(() => t.span('create', () => ensureServerCreated(lab, id, { volumesReady: true }), { server: id, level: levelOf.get(id)! }))
    created.catch(() => undefined) // its boot waits for it and fails with it; one never booted must not go unhandled
    cids.set(id, created)
  }

  let started = 0
  // a few Docker starts at a time, the servers with the longest boot first (start-queue.ts)
  const queue = startQueue({ limit: START_LIMIT, expected: startable.length, gatherMs: 250 })
  // servers whose containers this up started (not found running): their provisioning knows /run began empty
  const startedNow = new Set<string>()
  const nodes = startable.map((id) => {
    const role = roles[lab.servers.get(id)!.server.role]
    return { id, dependsOn: lab.servers.get(id)!.server.dependsOn, bootsAlone: role?.bootsAlone === true, readyAlone: role?.provisionsAlone === true, readyAtStart: role?.provisionsAtStart === true }
  })
  // a server is done when it is healthy and provisioned, in either order (provisionsAtStart)
  const halves = new Map<string, number>()
  const halfDone = (id: string): void => {
    halves.set(id, (halves.get(id) ?? 0) + 1)
    if (halves.get(id)! < 2) return
    started++
    op.progress({ phase: 'health', current: started, max: ids.length, text: `${id} healthy`, server: id })
  }
  await runByDependencies(nodes, {
    boot: async (id, running) => {
      op.checkpoint()
      const at = { server: id, level: levelOf.get(id)! }
      const cid = await cids.get(id)!
      op.progress({ phase: 'start', current: started, max: ids.length, text: `starting ${id}`, server: id })
      const fresh = await t.span('start', () => queue.run(roles[lab.servers.get(id)!.server.role]?.bootS ?? 1, () => startContainer(lab, id, cid)), at)
      if (fresh) startedNow.add(id)
      running()
      op.progress({ phase: 'health', current: started, max: ids.length, text: `waiting for ${id} to be healthy`, server: id })
      // its firewall and sshd load while it boots, in the exec that then runs its first health check: the server is
      // ready only when both are done and it is healthy
      const claim = fresh ? lab.bootHealth.claim(cid) : undefined
      const done = await Promise.allSettled([
        t.span('wait healthy', () => waitHealthy(lab.gateway, cid, id, op.signal, undefined, lab.bootHealth), at),
        fresh ? t.span('firewall, sshd, health check', () => afterStartChecked(lab, id, cid, claim, op.signal), at) : undefined,
      ])
      for (const r of done) if (r.status === 'rejected') throw r.reason
      halfDone(id)
    },
    // after its own health and its dependencies' readiness (at once, for a server that waited for them to boot;
    // beside its boot once it runs, for a role that provisions at start)
    ready: async (id) => {
      op.checkpoint()
      const at = { server: id, level: levelOf.get(id)! }
      await provision(lab, id, await cids.get(id)!, kept, t.span.bind(t), at, startedNow.has(id))
      // then, on a server this run started, what its role waits for beyond health (RoleDefinition.settled)
      const settled = roles[lab.servers.get(id)!.server.role]?.settled
      if (settled && startedNow.has(id)) await t.span('settling', () => settled({ ...lab.hookContext(id), startedNow: true }), at)
      halfDone(id)
    },
  })
  await t.span('hardware sync', () => lab.syncHardware())
  if (held.length) throw new LabError('UNHEALTHY', `${started} of ${ids.length} servers healthy; held down by the hardware: ${held.join('; ')}`)
  await t.span('refresh', () => lab.refresh())
  op.progress({ phase: 'done', current: ids.length, max: ids.length, text: `${ids.length} servers healthy` })
  lab.journal.append({ kind: 'op', text: `up: ${ids.length} servers healthy` })
}

type Span = Op['timings']['span']

/** the role's provisioning, unless its inputs and where it is kept are what they were at its last successful run */
async function provision(lab: LifecycleContext, id: string, cid: string, kept: Map<string, string>, span: Span, at: { server: string; level: number }, startedNow: boolean): Promise<void> {
  const role = lab.servers.get(id)!.server.role
  const def = roles[role]
  if (!def?.afterHealthy) return
  const ctx = { ...lab.hookContext(id), startedNow }
  let key: string | undefined
  if (def.provision) {
    const c = def.provision.keptIn === 'container' ? await lab.gateway.inspectContainer(cid) : undefined
    const where = def.provision.keptIn === 'volumes' ? kept.get(id) ?? '' : `${cid}@${c?.startedAt ?? ''}`
    const inputs = await def.provision.inputs({ ...ctx, keptIdentity: (s) => kept.get(s) ?? '' })
    key = provisionKey({ role, image: lab.images.role(role)?.tag, env: lab.roleSpecOf(id)?.env, where, inputs })
    if (lab.provisioned.unchanged(id, key)) {
      await span('provisioning (unchanged: skipped)', async () => undefined, at)
      return
    }
  }
  await span('provisioning', () => def.afterHealthy!(ctx), at)
  if (key) lab.provisioned.save(id, key)
}
