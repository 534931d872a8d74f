// One probe on one target, run on its own: a timeout or a throw becomes a failed result with the reason,
// so one slow daemon (swaks in a half-dead mx1) never takes the other probes' results with it.
import type { ProbeResult } from '@contract/status'

export interface ProbeUnit {
  /** the probe id (one of PROBE_IDS) */
  id: string
  /** what its result names as target */
  target: string
  /** identity for scheduling and history: id@target, unless two units of one probe share a target */
  key: string
  /** how long its result may take; the probe's own execs may have shorter timeouts */
  timeoutMs: number
  run(): Promise<ProbeResult[]>
}

export function unit(id: string, target: string, timeoutMs: number, run: () => Promise<ProbeResult | ProbeResult[]>, key = `${id}@${target}`): ProbeUnit {
  return { id, target, key, timeoutMs, run: async () => [await run()].flat() }
}

export interface Timers {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}
export const realTimers: Timers = { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) }

const reason = (e: unknown): string => (e instanceof Error ? e.message : String(e))

/**
 * Settles with the unit's results, or one failed result when it throws or outlasts its timeout. `settled`
 * resolves only when the probe's own work has ended (after a timeout it may still run): the scheduler keeps
 * the unit busy until then, so a probe never overlaps itself.
 */
export function runIsolated(u: ProbeUnit, timers: Timers = realTimers): { result: Promise<ProbeResult[]>; settled: Promise<void> } {
  const failed = (message: string, values: Record<string, number | string | boolean>): ProbeResult[] => [
    { id: u.id, target: u.target, ok: false, message, values, at: new Date(timers.now()).toISOString() },
  ]
  let work: Promise<ProbeResult[]>
  try {
    work = u.run()
  } catch (e) {
    work = Promise.reject(e instanceof Error ? e : new Error(String(e)))
  }
  const guarded = work.then(
    (r) => (r.length ? r : failed(`${u.id} on ${u.target} returned no result`, {})),
    (e: unknown) => failed(`${u.id} on ${u.target} could not run: ${reason(e)}`, { error: true }),
  )
  let timer: unknown
  const timeout = new Promise<ProbeResult[]>((resolve) => {
    timer = timers.setTimeout(() => resolve(failed(`${u.id} on ${u.target} did not answer within ${Math.round(u.timeoutMs / 100) / 10} s`, { timeout: true })), u.timeoutMs)
  })
  const result = Promise.race([guarded, timeout]).finally(() => timers.clearTimeout(timer))
  return { result, settled: guarded.then(() => undefined) }
}
