// The only bridge from physical state to Docker. For each change of a server's effects:
//   power lost → container killed at once (a graceful shutdown stops it); power back and booted → started;
//   array lost → container and data volumes removed (the data is gone for real); a new, empty array → a fresh volume;
//   cable/switch → network endpoint detached or re-attached with its fixed IP;
//   degraded/rebuilding array or write-through cache → CPU quota cut with `docker update --cpus`.
// Why CPU: on these hosts blkio weight is discarded and device throttles only bind direct I/O and only at
// container creation (lab-images-notes.md §8), so a live, measurable slowdown has to come from the CPU quota.
import { cpus } from 'node:os'
import { isDeepStrictEqual } from 'node:util'
import { z } from 'zod'
import { diffEffects, type Effects, type ServerEffects } from '../hardware/index'
import type { BindingContext } from '../lab/lab-context'
import { ensureServerRunning } from '../lab/ensure-server'
import { networkName, volumeName } from '../lab/naming'
import { loadJsonState, writeJsonAtomic } from '../state/atomic-file'

export const shouldRun = (fx: ServerEffects | undefined): boolean =>
  !!fx && fx.powered && !fx.booting && fx.osLost !== true && ((fx.dataVolume !== 'lost' && fx.dataVolume !== 'offline') || fx.bootMirror === true)

const ServerEffectsSchema = z.object({
  powered: z.boolean(),
  booting: z.boolean(),
  offCause: z.enum(['shutdown', 'hard-off', 'power-loss']).optional(),
  bootMirror: z.boolean().optional(),
  osLost: z.boolean().optional(),
  dataVolume: z.enum(['ok', 'degraded', 'rebuilding', 'offline', 'lost']),
  dataEpoch: z.number(),
  slowdown: z.number(),
  networks: z.record(z.string(), z.boolean()),
})
const EffectsSchema: z.ZodType<Effects> = z.record(z.string(), ServerEffectsSchema)

/** Effects last applied to Docker, kept on disk so a one-shot CLI process applies only what changed. */
export class AppliedEffects {
  private onDisk: Effects | undefined

  constructor(
    private readonly file: string,
    private readonly report: (problem: string) => void = () => undefined,
  ) {}

  /** What Docker was last brought to. Nothing recorded yet: now (nothing to do). A damaged record: every
   *  server as if running normally, so the current physical state is applied again instead of skipped. */
  before(now: Effects): Effects {
    const loaded = loadJsonState(this.file, EffectsSchema)
    this.onDisk = loaded.state === 'ok' ? loaded.value : undefined
    if (loaded.state === 'ok') return loaded.value
    if (loaded.state === 'absent') return now
    this.report(`${loaded.problem}; re-applying the whole hardware state to Docker`)
    return assumedNormal(now)
  }

  /** Written (and fsynced) only when it changed: the tick saves twice a second, mostly the same effects. */
  save(e: Effects): void {
    const plain = JSON.parse(JSON.stringify(e)) as Effects
    if (this.onDisk && isDeepStrictEqual(plain, this.onDisk)) return
    writeJsonAtomic(this.file, plain)
    this.onDisk = plain
  }
}

/** Each server powered, booted, cabled and at full speed, on the same arrays: diffing `now` against this
 *  re-applies kills, cut cables and throttles, and never removes a volume (the data epochs match). */
export function assumedNormal(now: Effects): Effects {
  const out: Effects = {}
  for (const [id, fx] of Object.entries(now)) {
    out[id] = {
      powered: true,
      booting: false,
      dataVolume: fx.dataVolume === 'lost' ? 'lost' : 'ok',
      dataEpoch: fx.dataEpoch,
      ...(fx.bootMirror ? { bootMirror: true } : {}),
      slowdown: 1,
      networks: Object.fromEntries(Object.keys(fx.networks).map((n) => [n, true])),
    }
  }
  return out
}

export async function reconcile(lab: BindingContext, before: Effects, after: Effects): Promise<number> {
  const changes = diffEffects(before, after)
  const servers = [...new Set(changes.map((c) => c.server))]
  if (!servers.length) return 0
  await lab.refresh()
  await Promise.all(servers.map((id) => reconcileServer(lab, id, before[id], after[id]).catch((e: unknown) => lab.journal.append({ kind: 'engine', target: `server:${id}`, text: `could not bring ${id}'s container in line with the hardware: ${(e as Error).message}` }))))
  await lab.refresh()
  return servers.length
}

async function reconcileServer(lab: BindingContext, id: string, b: ServerEffects | undefined, a: ServerEffects | undefined): Promise<void> {
  if (!a || !lab.servers.has(id)) return
  const gw = lab.gateway
  const note = (text: string): void => void lab.journal.append({ kind: 'state', target: `server:${id}`, text })
  const c = lab.container(id)
  const live = c && (c.running || c.status === 'paused')

  if (shouldRun(b) && !shouldRun(a) && c && live) {
    if (a.offCause === 'shutdown') {
      await gw.stopContainer(c.id, 20)
      note(`${id}: shut down (container stopped)`)
    } else {
      await gw.killContainer(c.id)
      const why = !a.powered ? 'lost power' : a.osLost ? 'both boot-mirror disks gone, so is the OS (the pool and its data are untouched)' : `data array ${a.dataVolume}`
      note(`${id}: ${why} — container killed`)
    }
  }
  const lostNow = a.dataVolume === 'lost' && b?.dataVolume !== 'lost'
  const newArray = b !== undefined && a.dataEpoch !== b.dataEpoch && a.dataVolume !== 'lost'
  if ((lostNow || newArray) && c) {
    await gw.removeContainer(c.id)
    const spec = lab.roleSpecOf(id)
    for (const purpose of Object.keys(spec?.volumes ?? {})) await gw.removeVolume(volumeName(lab.labId, id, purpose), lab.labId).catch(() => undefined)
    const pool = a.bootMirror === true
    note(lostNow ? `${id}: ${pool ? 'pool FAULTED' : 'array failed'} — its data volume is gone${pool ? ' (the OS on its boot mirror runs on, with an empty volume and no pool)' : ''}` : `${id}: new empty ${pool ? 'pool' : 'array'} — data volume recreated empty`)
  }
  const fresh = lostNow || newArray ? undefined : lab.container(id)
  if (fresh) {
    const placed = lab.servers.get(id)!
    for (const nic of placed.server.nics) {
      const was = b?.networks[nic.network] ?? true
      const now = a.networks[nic.network] ?? true
      if (was === now) continue
      const net = networkName(lab.labId, nic.network)
      if (now) await gw.connectNetwork(net, fresh.id, nic.ip, [id, `${id}.${lab.topology.domain}`]).catch(() => undefined)
      else await gw.disconnectNetwork(net, fresh.id).catch(() => undefined)
      note(`${id}: ${now ? 'reconnected to' : 'cut off from'} network ${nic.network}`)
    }
  }
  // only servers that `up` brought into the lab come back; the hardware never creates a lab by itself
  // a pool server whose volume was just lost or created anew keeps running: its container comes back at once
  const restart = !shouldRun(b) || ((lostNow || newArray) && c !== undefined)
  if (restart && shouldRun(a) && lab.isMember(id) && lab.images.role(lab.servers.get(id)!.server.role)) {
    // the container list still names the one just removed: ensureServerRunning would start that, not create one
    if (lostNow || newArray) await lab.refresh()
    lab.afterBoot(id, await ensureServerRunning(lab, id))
    note(b?.osLost ? `${id}: a working disk in a boot bay again (the OS reinstalled from the lab image on a new one), the pool imported as it was — container started` : `${id}: booted — container started`)
  }
  if (shouldRun(a) && (a.slowdown !== (b?.slowdown ?? 1) || !shouldRun(b))) {
    const cur = lab.container(id)
    if (cur?.running) {
      await gw.updateResources(cur.id, { nanoCpus: cpuQuota(a.slowdown) })
      if (a.slowdown !== (b?.slowdown ?? 1)) note(`${id}: ${a.slowdown < 1 ? `slowed to ${Math.round(a.slowdown * 100)} % CPU (${a.dataVolume} array)` : 'back to full speed'}`)
    }
  }
}

/** NanoCPUs for a slowdown factor: the whole host at 1, a share of it below. */
export function cpuQuota(slowdown: number, hostCpus = cpus().length): number {
  return Math.max(0.05, Math.min(1, slowdown)) * hostCpus * 1e9
}
