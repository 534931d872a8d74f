// Health right after a start, without waiting for Docker. Docker checks a server's health every 60 s once it is up
// (plan.ts STEADY_HEALTHCHECK), so its first check comes up to 60 s after a start. While Docker still says
// "starting", the engine runs the image's own health check itself, inside the container, every half second until it
// passes (pollCommand); the first pass counts as healthy for that start (the container's StartedAt). Later failures
// are Docker's to report, as before.
import type { ContainerInfo, DockerGateway } from '../docker/types'

/**
 * Seconds between tries inside the container, how long one try may take, and how long one exec keeps trying.
 * One `docker exec` per window, not per try: an exec (dockerd, containerd, runc) cost more CPU than most images'
 * checks, and a whole lab booting at once ran about 18 a second on 2 cores when each try was its own exec; with
 * backoff between execs instead (1 s growing to 2.5 s), a server was seen healthy up to 2.5 s + an exec late, and
 * on the MXs that lateness was the end of `up` (issue 15).
 */
export const POLL_S = 0.5
export const TRY_TIMEOUT_S = 10
export const WINDOW_S = 30
/** how long one such exec may take before it counts as hung */
export const POLL_EXEC_TIMEOUT_MS = (WINDOW_S + TRY_TIMEOUT_S + 5) * 1000
/** after a window without a pass (or a failed exec): look at the container again this much later */
const NEXT_WINDOW_MS = 1000

/** the exec form of a Docker health test, or undefined when the image has none we can run */
export function healthCommand(test: string[] | undefined): string[] | undefined {
  if (!test?.length) return undefined
  if (test[0] === 'CMD' && test.length > 1) return test.slice(1)
  if (test[0] === 'CMD-SHELL' && test[1]) return ['/bin/sh', '-c', test[1]]
  return undefined
}

/** `cmd` (a health command) run every POLL_S s until it passes (exit 0) or WINDOW_S s have gone (exit 124); each
 *  try bounded by TRY_TIMEOUT_S. coreutils' timeout and sleep: every lab image is Debian (lab-images/). The loop
 *  dies with the container, so a pass is a pass of the start that was running when the exec began. */
export function pollCommand(cmd: string[]): string[] {
  const loop = `while :; do timeout ${TRY_TIMEOUT_S} "$@" >/dev/null 2>&1 && exit 0; sleep ${POLL_S}; done`
  return ['timeout', String(WINDOW_S), '/bin/sh', '-c', loop, 'racklab-boot-health', ...cmd]
}

/** `pkill -f` of this ends the loops early (a cancelled up): anchored, so it matches the loop's own command line and
 *  never a shell that has the loop among its arguments still to run (after-start.ts BOOT, before its firewall) */
export const POLL_PKILL_PATTERN = `^timeout ${WINDOW_S} /bin/sh -c while :`

export class BootHealth {
  /** container id → the start (StartedAt) the check passed for */
  private readonly passed = new Map<string, string>()
  private readonly checking = new Set<string>()
  /** container id → resolves at its next pass (waitHealthy wakes on it instead of at its next poll) */
  private readonly waiters = new Map<string, { promise: Promise<void>; resolve: () => void }>()
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

  /** resolves when a check of this container passes next (or checking stops): a hint to look again, not a verdict */
  nextPass(id: string): Promise<void> {
    let w = this.waiters.get(id)
    if (!w) {
      let resolve!: () => void
      const promise = new Promise<void>((r) => (resolve = r))
      w = { promise, resolve }
      this.waiters.set(id, w)
    }
    return w.promise
  }

  /**
   * The next boot check of this container is someone else's (up runs it in the exec that loads the firewall and
   * sshd: one exec per start, not two): watch() leaves it alone until released. pass() counts as a pass of the start
   * given; release() hands the container back to watch(). undefined once checking has stopped.
   */
  claim(id: string): BootClaim | undefined {
    if (this.stopped || this.checking.has(id)) return undefined
    this.checking.add(id)
    return {
      pass: (startedAt) => this.passedNow(id, startedAt),
      release: () => void this.checking.delete(id),
    }
  }

  stop(): void {
    this.stopped = true
    for (const w of this.waiters.values()) w.resolve()
    this.waiters.clear()
  }

  private async check(id: string, startedAt: string, cmd: string[]): Promise<void> {
    while (!this.stopped) {
      const c = await this.gw.inspectContainer(id).catch(() => undefined)
      // restarted, stopped or judged by Docker meanwhile: this start is no longer ours to vouch for
      if (!c || !c.running || c.startedAt !== startedAt || c.health !== 'starting') return
      const r = await this.gw.exec(id, pollCommand(cmd), { timeoutMs: POLL_EXEC_TIMEOUT_MS }).catch(() => undefined)
      if (r?.exitCode === 0) return this.passedNow(id, startedAt)
      await new Promise((res) => setTimeout(res, NEXT_WINDOW_MS))
    }
  }

  private passedNow(id: string, startedAt: string): void {
    this.passed.set(id, startedAt)
    this.onPassed()
    this.waiters.get(id)?.resolve()
    this.waiters.delete(id)
  }
}

export interface BootClaim {
  /** the check passed during this start of the container */
  pass(startedAt: string): void
  /** done with it (passed or not): watch() may check the container again */
  release(): void
}
