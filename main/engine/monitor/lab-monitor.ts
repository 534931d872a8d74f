// The monitor on a real lab: probes planned from the lab's status, hardware read from its model, results
// and alerts on the bus. Only long-running runtimes create one; RACKLAB_MONITOR=0 turns it off.
import type { HardwareStatus } from '@contract/hardware'
import type { OpKind } from '@contract/status'
import type { EventBus } from '../events/event-bus'
import type { LabView } from '../lab/lab-context'
import { planProbes } from '../probes/plan'
import { forgetSharedRuns } from '../probes/shared-exec'
import { probeLabOf, readDbRoles } from '../probes/run-checks'
import { configFromEnv, type MonitorConfig } from './config'
import { Monitor } from './monitor'

export const monitorEnabled = (env: NodeJS.ProcessEnv = process.env): boolean => env.RACKLAB_MONITOR !== '0'

/** what the monitor reads of the lab: its view, the hardware model when it has one, and its running operation */
export interface MonitorLab extends LabView {
  readonly hardware: { status(): HardwareStatus; labMs(): number } | undefined
  readonly ops: { active(): { kind: OpKind } | undefined }
}

/**
 * Probes run while the engine answers and no `up` or `down` is under way: during those, servers are half started
 * (a healthy edge that does not trust the lab CA yet, a web server whose database is still booting) or half
 * stopped, and what a probe sees then is the operation, not a fault. Results taken then stayed the latest after
 * `up` returned "all healthy": `check` listed five failures and alerts were raised. They also took the CPU the
 * boots needed: on 2 cores, probes sending test mail through booting MXs held their health back by 5–10 s in a
 * whole-site `up` (issue 15). Every probe is due right after. A scenario is no pause: its faults are what the
 * monitor is for.
 */
export const probesAllowed = (engine: string, op: OpKind | undefined): boolean => engine === 'connected' && op !== 'up' && op !== 'down'

export function createLabMonitor(lab: MonitorLab, bus: EventBus, config: Partial<MonitorConfig> = configFromEnv(process.env)): Monitor {
  const probes = probeLabOf(lab)
  return new Monitor({
    plan: () => planProbes(probes),
    settle: async () => {
      forgetSharedRuns(probes.exec)
      await readDbRoles(lab, probes)
    },
    canProbe: () => probesAllowed(lab.engineStatus().state, lab.ops.active()?.kind),
    hardware: () => lab.hardware?.status(),
    labMs: () => lab.hardware?.labMs() ?? 0,
    journal: lab.journal,
    onResults: (r) => bus.emit('probe.results', r),
    onAlerts: (c) => bus.emit('alerts.changed', c),
    config,
  })
}
