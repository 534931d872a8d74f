// Poll a container until it is healthy (or running, for images without a health check): Docker's word, or the
// engine's own check of this start (boot-health.ts), whichever comes first.
import { LabError } from '@contract/errors'
import type { DockerGateway } from '../docker/types'
import type { BootHealth } from './boot-health'

const POLL_MS = 1000

export async function waitHealthy(gw: DockerGateway, id: string, server: string, signal: AbortSignal, timeoutMs = 180_000, boot?: Pick<BootHealth, 'watch' | 'view' | 'nextPass'>): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (signal.aborted) throw new LabError('CANCELLED', 'cancelled while waiting for health')
    const seen = await gw.inspectContainer(id)
    if (seen) boot?.watch([seen])
    const c = seen && (boot ? boot.view(seen) : seen)
    if (!c) throw new LabError('UNHEALTHY', `${server}: its container disappeared while starting`)
    if (!c.running && c.status !== 'created' && c.status !== 'restarting') {
      const tail = (await gw.logs(id, 15).catch(() => '')).trim()
      throw new LabError('UNHEALTHY', `${server} exited with code ${c.exitCode} while starting${tail ? `; last log lines:\n${tail}` : ''}`)
    }
    if (c.running && (c.health === undefined || c.health === 'healthy')) return
    if (Date.now() > deadline) {
      const tail = (await gw.logs(id, 15).catch(() => '')).trim()
      throw new LabError('UNHEALTHY', `${server} is not healthy after ${Math.round(timeoutMs / 1000)} s (health: ${c.health ?? c.status})${tail ? `; last log lines:\n${tail}` : ''}`)
    }
    // the engine's own check (boot-health.ts) wakes this at once when it passes; the poll is for Docker's word and
    // for exits, so once a second is enough (every waiting server asks dockerd this often)
    let timer: NodeJS.Timeout | undefined
    await Promise.race([new Promise((r) => (timer = setTimeout(r, POLL_MS))), boot?.nextPass(id)].filter(Boolean))
    clearTimeout(timer)
  }
}
