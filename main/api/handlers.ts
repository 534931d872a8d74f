// Contract command → engine. The only place that knows both; transports and the CLI go through the dispatcher.
import type { LabEngine } from '../engine/lab/lab-engine'
import type { Consoles } from '../engine/lab/consoles'
import type { Monitor } from '../engine/monitor/monitor'
import { runChecks } from '../engine/probes/run-checks'
import { labComposeFile } from '../engine/export/lab-compose'
import { exportJournalStretch } from '../engine/journal/export-lab'
import { labBackups } from '../engine/lab/lab-backups'
import { listScenarios, startScenario } from '../engine/scenarios/library'
import type { Handlers } from './dispatcher'

export interface HandlerDeps {
  lab: LabEngine
  consoles: Consoles
  /** absent in one-shot runtimes: check then runs the probes itself */
  monitor?: Monitor | undefined
}

export function createHandlers({ lab, consoles, monitor }: HandlerDeps): Handlers {
  return {
    'engine.status': async () => lab.engineStatus(),
    'lab.status': async () => lab.status(),
    'lab.topology': async () => lab.topology,
    'lab.up': async ({ only }) => ({ opId: lab.up(only).opId }),
    'lab.down': async ({ volumes }) => ({ opId: lab.down(volumes).opId }),
    'op.cancel': async ({ opId }) => ({ cancelled: lab.ops.cancel(opId) }),
    'server.control': async ({ server, op }) => lab.control(server, op),
    'server.logs': async ({ server, tail }) => ({ text: await lab.logs(server, tail) }),
    'server.firewall': ({ server }) => lab.firewall(server),
    'lab.check': async ({ fresh }) => {
      if (monitor) {
        lab.requireEngine()
        if (fresh) await lab.refresh()
        // the monitor reports every result on the bus itself
        return monitor.check({ fresh })
      }
      const results = await runChecks(lab)
      lab.bus.emit('probe.results', results)
      return results
    },
    'alerts.list': async () => ({ running: !!monitor, alerts: monitor?.activeAlerts() ?? [] }),
    'monitor.history': async ({ keys }) => monitor?.historySeries(keys) ?? [],
    'lab.endpoints': async () => lab.endpoints(),
    'lab.ca': async () => lab.labCa(),
    'lab.compose': async () => labComposeFile(lab),
    'backup.list': async ({ server }) => labBackups(lab, server),
    'scenario.list': async () => listScenarios(lab),
    'scenario.run': async (arg) => ({ opId: (await startScenario(lab, 'id' in arg ? { id: arg.id } : arg)).opId }),
    'actions.list': async ({ target }) => lab.actionsFor(target),
    'actions.run': async ({ target, action, args }) => ({ target, action, text: await lab.act(target, action, args) }),
    'actions.targets': async () => lab.targets(),
    'actions.undo': async ({ seq }) => lab.undo(seq),
    'journal.list': async ({ since, limit }) => lab.journal.list(since, limit),
    'journal.export': async (r) => exportJournalStretch(lab, r, monitor ? () => monitor.check() : undefined),
    'console.open': async ({ server, cols, rows }, { client }) => ({ sessionId: await consoles.open(server, cols, rows, client) }),
    'console.input': async ({ sessionId, data }, { client }) => (consoles.input(sessionId, data, client), null),
    'console.resize': async ({ sessionId, cols, rows }, { client }) => (await consoles.resize(sessionId, cols, rows, client), null),
    'console.close': async ({ sessionId }, { client }) => (consoles.close(sessionId, client), null),
    'console.share': async ({ sessionId }, { client }) => ({ shareCode: consoles.share(sessionId, client) }),
    'console.watch': async ({ shareCode }, { client }) => consoles.watch(shareCode, client),
  }
}
