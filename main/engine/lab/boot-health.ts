// Health right after a start, without waiting for Docker. Docker checks a server's health every 60 s once it is up
// (plan.ts STEADY_HEALTHCHECK), so its first check comes up to 60 s after a start. While Docker still says
// "starting", the engine runs the image's own health check itself, at first once a second, then less often
// (checkDelayMs); the first pass counts as healthy for that start (the container's StartedAt). Later failures are
// Docker's to report, as before.
import type { ContainerInfo, DockerGateway } from '../docker/types'

/**
 * After a failed check the next comes a second later, then each a quarter second later than the one before, up to 2.5 s: a
 * check is a `docker exec` (dockerd, containerd, runc) plus the image's script, and a whole lab booting at once
 * ran about 18 a second on 2 cores, CPU taken from the boots it waits for.
 */
const FIRST_MS = 1000
const STEP_MS = 250
const MAX_MS = 2500
export const checkDelayMs = (failed: number): number => Math.min(FIRST_MS + STEP_MS * failed, MAX_MS)
const CHECK_TIMEOUT_MS = 10_000

/** the exec form of a Docker health test, or undefined when the image has none we can run */
export function healthCommand(test: string[] | undefined): string[] | undefined {
  if (!test?.length) return undefined
  if (test[0] === 'CMD' && test.length > 1) return test.slice(1)
  if (test[0] === 'CMD-SHELL' && test[1]) return ['/bin/sh', '-c', test[1]]
  return undefined
}

export class BootHealth {
  /** container id → the start (StartedAt) the check passed for */
  private readonly passed = new Map<string, string>()
  private readonly checking = new Set<string>()
  private stopped = false

  constructor(
    private readonly gw: Pick<DockerGateway, 'exec' | 'inspectContainer'>,
    /** told when a start passed: show it (the lab publishes its status again) */
    private readonly onPassed: () => void,
  ) {}

  /** the container as people should see it: "starting" is "healthy" once this start passed the check */
  view(c: ContainerInfo): ContainerInfo {
    return c.running && c.health === 'starting' && c.startedAt && this.passed.get(c.id) === c.startedAt ? { ...c, health: 'healthy' } : c
  }

  /** forget containers that are gone (`ids`: every container of the lab, as just listed) */
  keepOnly(ids: Iterable<string>): void {
    const live = new Set(ids)
    for (const id of this.passed.keys()) if (!live.has(id)) this.passed.delete(id)
  }

  /** check, in the background, every container given that is starting and has not passed for this start */
  watch(list: ContainerInfo[]): void {
    for (const c of list) {
      const cmd = healthCommand(c.healthTest)
      if (this.stopped || !cmd || !c.running || c.health !== 'starting' || !c.startedAt) continue
      if (this.passed.get(c.id) === c.startedAt || this.checking.has(c.id)) continue
      this.checking.add(c.id)
      void this.check(c.id, c.startedAt, cmd).finally(() => this.checking.delete(c.id))
    }
  }

  stop(): void {
    this.stopped = true
  }

  private async check(id: string, startedAt: string, cmd: string[]): Promise<void> {
    for (let failed = 0; !this.stopped; failed++) {
      const c = await this.gw.inspectContainer(id).catch(() => undefined)
      // restarted, stopped or judged by Docker meanwhile: this start is no longer ours to vouch for
      if (!c || !c.running || c.startedAt !== startedAt || c.health !== 'starting') return
      const r = await this.gw.exec(id, cmd, { timeoutMs: CHECK_TIMEOUT_MS }).catch(() => undefined)
      if (r?.exitCode === 0) {
        this.passed.set(id, startedAt)
        this.onPassed()
        return
      }
      await new Promise((res) => setTimeout(res, checkDelayMs(failed)))
    }
  }
}
