// The monitor on a real lab: probes planned from the lab's status, hardware read from its model, results
// and alerts on the bus. Only long-running runtimes create one; RACKLAB_MONITOR=0 turns it off.
import type { HardwareStatus } from '@contract/hardware'
import type { EngineStatus, OpKind } from '@contract/status'
import type { EventBus } from '../events/event-bus'
import type { LabView } from '../lab/lab-context'
import { planProbes } from '../probes/plan'
import { probeLabOf } from '../probes/run-checks'
import { configFromEnv, type MonitorConfig } from './config'
import { Monitor } from './monitor'

export const monitorEnabled = (env: NodeJS.ProcessEnv = process.env): boolean => env.RACKLAB_MONITOR !== '0'

/** what the monitor reads of the lab: its view, and the hardware model when it has one */
export interface MonitorLab extends LabView {
  readonly hardware: { status(): HardwareStatus; labMs(): number } | undefined
  /** the lab's long operation now, if any */
  readonly ops: { active(): { kind: OpKind } | undefined }
}

/**
 * Probes run while the engine is connected and no `up` is running. During an `up` the servers boot, and `up`
 * itself waits until each is healthy and provisioned: probes then only measured boots (failures journaled and
 * taken back seconds later) and took the CPU the boots needed. On 2 cores, probes sending test mail through the
 * booting MXs (spamc, clamd) held their health back by 5–10 s in a whole-site `up` after `down` (issue 15).
 * Right after the `up` every probe is due and runs.
 */
export const mayProbe = (engine: EngineStatus, op: { kind: OpKind } | undefined): boolean => engine.state === 'connected' && op?.kind !== 'up'

export function createLabMonitor(lab: MonitorLab, bus: EventBus, config: Partial<MonitorConfig> = configFromEnv(process.env)): Monitor {
  const probes = probeLabOf(lab)
  return new Monitor({
    plan: () => planProbes(probes),
    canProbe: () => mayProbe(lab.engineStatus(), lab.ops.active()),
    hardware: () => lab.hardware?.status(),
    labMs: () => lab.hardware?.labMs() ?? 0,
    journal: lab.journal,
    onResults: (r) => bus.emit('probe.results', r),
    onAlerts: (c) => bus.emit('alerts.changed', c),
    config,
  })
}
