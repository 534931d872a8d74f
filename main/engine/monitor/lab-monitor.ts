// The monitor on a real lab: probes planned from the lab's status, hardware read from its model, results
// and alerts on the bus. Only long-running runtimes create one; RACKLAB_MONITOR=0 turns it off.
import type { HardwareStatus } from '@contract/hardware'
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
}

export function createLabMonitor(lab: MonitorLab, bus: EventBus, config: Partial<MonitorConfig> = configFromEnv(process.env)): Monitor {
  const probes = probeLabOf(lab)
  return new Monitor({
    plan: () => planProbes(probes),
    canProbe: () => lab.engineStatus().state === 'connected',
    hardware: () => lab.hardware?.status(),
    labMs: () => lab.hardware?.labMs() ?? 0,
    journal: lab.journal,
    onResults: (r) => bus.emit('probe.results', r),
    onAlerts: (c) => bus.emit('alerts.changed', c),
    config,
  })
}
