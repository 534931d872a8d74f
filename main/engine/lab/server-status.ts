// Pure: what a person should see for one server, from the topology, its image and its container.
import type { Health, ImageState, ServerState, ServerStatus } from '@contract/status'
import type { ContainerInfo } from '../docker/types'
import type { PlacedServer } from './plan'
import type { ServerEffects } from '../hardware/index'

/** Why a container is down when we (or the hardware model) put it down; otherwise a stop is a crash. */
export type DownIntent = 'stopped' | 'powered-off'

export function serverStatus(
  p: PlacedServer,
  image: string,
  imageState: ImageState,
  c: ContainerInfo | undefined,
  intent: DownIntent | undefined,
  fx?: ServerEffects,
): ServerStatus {
  // the hardware knows why a server is down: no power is "powered-off", a dead array is a crash of its service
  if (fx && !fx.powered) intent = 'powered-off'
  const base = { id: p.server.id, role: p.server.role, site: p.siteId, rack: p.rackId, model: p.server.model, image, imageState }
  const ips = Object.fromEntries(p.server.nics.map((n) => [n.network, n.ip]))
  if (!c) {
    if (fx && fx.dataVolume === 'lost') return { ...base, state: 'crashed', health: 'unknown', detail: 'its data array failed: the data volume is gone', ips }
    const detail = imageState === 'no-image' ? `role ${p.server.role} is not built yet` : 'not created (run up)'
    return { ...base, state: intent === 'powered-off' ? 'powered-off' : 'absent', health: 'unknown', detail, ips }
  }
  const state = containerState(c, intent)
  if (fx && state !== 'running' && (fx.dataVolume === 'lost' || fx.dataVolume === 'offline')) {
    return { ...base, state: state === 'powered-off' ? state : 'crashed', health: 'unknown', containerId: c.id, ips, detail: `its data array is ${fx.dataVolume}` }
  }
  if (fx?.osLost && state !== 'running') return { ...base, state: 'crashed', health: 'unknown', containerId: c.id, ips, detail: 'no OS: both boot-mirror disks are gone (a working disk in a boot bay brings it back; the pool is untouched)' }
  if (fx?.booting && state !== 'running') return { ...base, state: 'powered-off', health: 'starting', containerId: c.id, ips, detail: 'booting' }
  const health: Health = state === 'running' ? (c.health ?? 'healthy') : 'unknown'
  const s: ServerStatus = { ...base, state, health, containerId: c.id, ips }
  if (!c.running && c.status === 'exited') s.exitCode = c.exitCode
  const detail = describe(p.server.id, state, c, fx)
  if (detail) s.detail = detail
  return s
}

function containerState(c: ContainerInfo, intent: DownIntent | undefined): ServerState {
  switch (c.status) {
    case 'running':
      return 'running'
    case 'paused':
      return 'paused'
    case 'restarting':
      return 'restarting'
    case 'created':
      return 'created'
    default:
      // exited/dead: ours if we asked for it, a crash if it happened on its own
      return intent ?? (c.exitCode === 0 && !c.oomKilled ? 'stopped' : 'crashed')
  }
}

function describe(id: string, state: ServerState, c: ContainerInfo, fx: ServerEffects | undefined): string | undefined {
  if (state === 'crashed') return c.oomKilled ? 'killed by the out-of-memory killer' : `exited on its own with code ${c.exitCode}`
  if (state === 'running' && c.health === 'unhealthy') return 'its health check fails'
  if (state === 'running' && c.health === 'starting') return 'starting up'
  if (state === 'powered-off') {
    if (fx?.offCause === 'shutdown') return 'shut down'
    if (fx?.offCause === 'hard-off') return 'off (power button held)'
    // a server stays off when its power comes back (catalog-schema: only switches and RAID units return by
    // themselves); "no power" read as if the circuit were still out after the breaker was reset
    if (fx?.offCause === 'power-loss') return `lost power; it stays off until powered on (racklab act server:${id} power-on)`
    return 'no power'
  }
  return undefined
}
