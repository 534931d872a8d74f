// What the physical state means for each server's container: the binding layer reconciles Docker to this
// (no power → kill, volume lost → gone, cable out → network detached, rebuild → throttled).
import { serverNetworks } from './network.ts'
import type { HwState, OffCause } from './state.ts'
import { arrayHealth, diskOk, enclosureOnline, poolHealth, writeThrough } from './storage.ts'

/**
 * ok | degraded | rebuilding: the volume works (slower). offline: the data is intact but unreachable
 * (enclosure without power, controller or chassis dead): keep the volume, stop using it. lost: the array
 * failed, the data is gone.
 */
export type DataVolumeState = 'ok' | 'degraded' | 'rebuilding' | 'offline' | 'lost'

export interface ServerEffects {
  powered: boolean
  booting: boolean
  /** why the server is off, when it is: shutdown (stop), hard-off or power-loss (kill) */
  offCause?: OffCause
  dataVolume: DataVolumeState
  /** sum of the epochs of the arrays behind the volume: it changes when an array is recreated (new, empty data) */
  dataEpoch: number
  /** the OS is on a boot mirror outside the data volume (a pool server): a lost volume leaves the server up,
   *  running on a new, empty volume, instead of taking its container down */
  bootMirror?: boolean
  /** every disk of the boot mirror has failed or is out: the OS is gone and the server cannot run, whatever its
   *  power, until a working disk is back in a boot bay (the pulled one itself, or a new one the OS is reinstalled
   *  on from the lab image). The pool's own disks, and the backups on them, are untouched. */
  osLost?: boolean
  /** 1 = normal speed; rebuild, degraded parity and a write-through cache multiply it down */
  slowdown: number
  networks: Record<string, boolean>
}

export type Effects = Record<string, ServerEffects>

const rank: Record<DataVolumeState, number> = { ok: 0, degraded: 1, rebuilding: 2, offline: 3, lost: 4 }

export function computeEffects(s: HwState): Effects {
  const out: Effects = {}
  for (const u of s.units.values()) {
    if (u.kind !== 'server') continue
    let volume: DataVolumeState = 'ok'
    let epoch = 0
    let rebuilding = false
    let degraded = false
    let slowCache = false
    const worse = (v: DataVolumeState): void => {
      if (rank[v] > rank[volume]) volume = v
    }
    for (const e of s.enclosures.values()) {
      if (e.attachedTo !== u.id) continue
      const online = enclosureOnline(s, e)
      if (!online) worse('offline')
      if (online && writeThrough(e)) slowCache = true
      for (const a of e.arrays) {
        epoch += a.epoch
        const h = arrayHealth(a)
        if (h === 'failed') worse('lost')
        else if (h === 'rebuilding') {
          worse('rebuilding')
          rebuilding ||= online
        } else if (h === 'degraded') {
          worse('degraded')
          degraded ||= online
        }
      }
    }
    const pool = s.pools.get(u.id)
    if (pool !== undefined) {
      const h = poolHealth(pool)
      for (const a of pool.arrays) epoch += a.epoch
      if (h === 'FAULTED') worse('lost')
      else if (pool.arrays.some((a) => arrayHealth(a) === 'rebuilding')) {
        worse('rebuilding')
        rebuilding = true
      } else if (h === 'DEGRADED') {
        worse('degraded')
        degraded = true
      }
    }
    let slowdown = 1
    if (rebuilding) slowdown *= s.slowdown.rebuilding
    else if (degraded) slowdown *= s.slowdown.degraded
    if (slowCache) slowdown *= s.slowdown.writeThrough
    const fx: ServerEffects = {
      powered: u.power !== 'off',
      booting: u.power === 'booting',
      dataVolume: volume,
      dataEpoch: epoch,
      slowdown,
      networks: serverNetworks(s, u.id),
    }
    if (u.offCause !== undefined && u.power === 'off') fx.offCause = u.offCause
    if (pool !== undefined && pool.reserved.length > 0) {
      fx.bootMirror = true
      if (!pool.reserved.some((bay) => diskOk(pool, bay))) fx.osLost = true
    }
    out[u.id] = fx
  }
  return out
}

export interface EffectChange {
  server: string
  /** powered, booting, offCause, osLost, dataVolume, dataEpoch, slowdown, or networks.<net> */
  field: string
  before: string | number | boolean | null
  after: string | number | boolean | null
}

/** What changed between two snapshots, server by server (a server absent on one side counts as all-null). */
export function diffEffects(before: Effects, after: Effects): EffectChange[] {
  const changes: EffectChange[] = []
  const servers = [...new Set([...Object.keys(before), ...Object.keys(after)])]
  for (const server of servers) {
    const a = before[server]
    const b = after[server]
    for (const field of ['powered', 'booting', 'offCause', 'osLost', 'dataVolume', 'dataEpoch', 'slowdown'] as const) {
      const x = a?.[field] ?? null
      const y = b?.[field] ?? null
      if (x !== y) changes.push({ server, field, before: x, after: y })
    }
    const nets = [...new Set([...Object.keys(a?.networks ?? {}), ...Object.keys(b?.networks ?? {})])]
    for (const net of nets) {
      const x = a?.networks[net] ?? null
      const y = b?.networks[net] ?? null
      if (x !== y) changes.push({ server, field: `networks.${net}`, before: x, after: y })
    }
  }
  return changes
}
