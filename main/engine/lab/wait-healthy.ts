// Poll a container until Docker calls it healthy (or running, for images without a health check).
import { LabError } from '@contract/errors'
import type { DockerGateway } from '../docker/types'

export async function waitHealthy(gw: DockerGateway, id: string, server: string, signal: AbortSignal, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (signal.aborted) throw new LabError('CANCELLED', 'cancelled while waiting for health')
    const c = await gw.inspectContainer(id)
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
    await new Promise((r) => setTimeout(r, 250))
  }
}
