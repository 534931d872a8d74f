// Everything one Racklab process needs, wired once: the CLI, browser mode and the Electron shell all call this.
import { join } from 'node:path'
import { createDockerGateway } from '../engine/docker/gateway'
import type { DockerGateway } from '../engine/docker/types'
import { Journal } from '../engine/journal/journal'
import { Consoles } from '../engine/lab/consoles'
import { consoleShells } from '../engine/lab/console-shells'
import { LabEngine } from '../engine/lab/lab-engine'
import { appRoot, imagesDir, labStateDir } from '../engine/paths'
import { catalogPath } from '../engine/binding/hardware-runtime'
import { loadTopology } from '../engine/topology/loader'
import { ensureStateDir } from '../engine/state/state-dir'
import { createLabMonitor, monitorEnabled } from '../engine/monitor/lab-monitor'
import type { Monitor } from '../engine/monitor/monitor'
import { createDispatcher, type Dispatch } from './dispatcher'
import { EventBus } from '../engine/events/event-bus'
import { createHandlers } from './handlers'
import { Timings } from '../engine/lab/timings'

export interface RuntimeOptions {
  /** a topology YAML file; the embedded nyi-2007 when absent */
  topologyFile?: string
  labId?: string
  gateway?: DockerGateway
  /** follow Docker events and run the monitor (long-running processes); one-shot CLI commands skip it */
  watch?: boolean
  /** run the monitor in a watching runtime; default: unless RACKLAB_MONITOR=0 */
  monitor?: boolean
}

export interface Runtime {
  lab: LabEngine
  bus: EventBus
  dispatch: Dispatch
  consoles: Consoles
  /** the monitor, in a long-running runtime (watch) unless turned off */
  monitor: Monitor | undefined
  /** topology load and engine connect, timed from the start of createRuntime (`racklab up --timings`) */
  startup: Timings
  close(): void
}

export async function createRuntime(o: RuntimeOptions = {}): Promise<Runtime> {
  const startup = new Timings()
  const loaded = await startup.span('topology load', () => loadTopology(o.topologyFile))
  const topology = loaded.topology
  const labId = o.labId ?? process.env.RACKLAB_LAB ?? topology.name
  const bus = new EventBus()
  const stateDir = labStateDir(labId)
  ensureStateDir(stateDir) // before the journal opens its file there
  // the journal stamps lab-clock time, which the lab's hardware model owns: read it once the lab exists
  const clock = { labMs: (): number => 0 }
  const journal = new Journal(join(stateDir, 'journal.jsonl'), () => clock.labMs())
  journal.onAppend((e) => bus.emit('journal.appended', e))
  const lab = new LabEngine({ gateway: o.gateway ?? createDockerGateway(), topology, bus, journal, labId, stateDir, imagesDir: imagesDir(), catalogFile: catalogPath(appRoot()) })
  clock.labMs = () => lab.hardware?.labMs() ?? 0
  await startup.span('engine connect', () => (o.watch === false ? lab.initOnce() : lab.init()))
  const consoles = new Consoles(lab, consoleShells(lab))
  const monitor = o.watch !== false && (o.monitor ?? monitorEnabled()) ? createLabMonitor(lab, bus) : undefined
  monitor?.start()
  const dispatch = createDispatcher(createHandlers({ lab, consoles, monitor }), (client) => consoles.closeClient(client))
  return {
    lab,
    bus,
    dispatch,
    consoles,
    monitor,
    startup,
    close: () => {
      monitor?.stop()
      consoles.closeAll()
      lab.close()
    },
  }
}
