// How a CLI command reaches its lab: through the lab's engine service (the normal path: one writer, a clock
// that keeps moving), or in this process with --no-engine / RACKLAB_NO_ENGINE=1 (tests, debugging) when no
// engine runs. Commands see one narrow interface either way.
import { resolve } from 'node:path'
import type { Cmd, CmdIn, CmdOut, EventPayloads, Evt } from '@contract/commands'
import type { Reply } from '@contract/errors'
import { LabError } from '@contract/lab-error'
import type { Dispatch } from '../api/dispatcher'
import { EventBus } from '../engine/events/event-bus'
import type { Runtime } from '../api/runtime'
import { bundledTopologyName } from '../engine/topology/bundled-name'
import { engineEntry, labStateDir } from '../engine/paths'
import { BUILD_ID } from '../engine/service/build-id'
import type { LabEngineChoice } from '../engine/engines/lab-engine'
import type { DockerGateway } from '../engine/docker/types'
import { ensureEngine, findEngine, type EngineTarget } from '../engine/service/ensure'
import { beingRemoved } from '../engine/service/removal'
import type { EngineConnection } from '../engine/service/socket-client'
import { resilient } from '../engine/service/resilient'
import { say } from './output'

export interface LabLink {
  labId: string
  /** the Docker engine the lab is on (racklab engines ls) */
  engineName?: string
  /** a gateway to that engine, for what a command does in Docker itself (exec, logs --follow) */
  gateway?: () => Promise<DockerGateway>
  /** 'engine' when calls go to the lab's engine service */
  via: 'engine' | 'local'
  call<C extends Cmd>(cmd: C, arg?: CmdIn<C>): Promise<CmdOut<C>>
  on<E extends Evt>(ev: E, fn: (payload: EventPayloads[E]) => void): Promise<() => void>
  /** a dispatcher and an event bus over this link, for a transport in front of it (serve, the window) */
  host(): Promise<{ dispatch: Dispatch; bus: EventBus }>
  close(): void
}

export interface LinkOptions {
  topology?: string | undefined
  /** this lab, whatever RACKLAB_LAB says (a workshop opens several) */
  lab?: string
  noEngine?: boolean
  /** 'start': start the engine when none runs; 'attach': use it if it runs, else work in this process */
  engine: 'start' | 'attach'
  /** a local runtime that follows Docker events and ticks the clock (long-running commands) */
  watch?: boolean
  /** the registered Docker engine asked for (--engine), else RACKLAB_ENGINE, else where the lab is recorded;
   *  null: where the lab is recorded, whatever RACKLAB_ENGINE says (a workshop's labs keep their engines) */
  dockerEngine?: string | null | undefined
  /** this command places the lab (up): check the engine, and record it in the lab's state */
  place?: boolean
}

const unwrap = <T>(reply: Reply<unknown>): T => {
  if (!reply.ok) throw new LabError(reply.error.code, reply.error.message, reply.error.detail)
  return reply.value as T
}

/** the lab a command means: RACKLAB_LAB, else its topology's name (a given file is loaded and checked whole) */
export async function labId(topology: string | undefined): Promise<string> {
  if (!topology) return process.env.RACKLAB_LAB ?? bundledTopologyName()
  // a given file is checked whole before any engine is started or asked (TOPOLOGY_INVALID, file:line:column)
  const { loadTopology } = await import('../engine/topology/loader')
  const loaded = await loadTopology(topology)
  return process.env.RACKLAB_LAB ?? loaded.topology.name
}

async function localRuntime(o: LinkOptions, lab: string, docker: LabEngineChoice): Promise<LabLink> {
  const { createRuntime } = await import('../api/runtime') // Docker, YAML, zod: only when this process runs the lab
  // this process becomes the lab's engine: it drives the lab's Docker engine as a spawned service would
  Object.assign(process.env, docker.env)
  return localLink(await createRuntime({ ...(o.topology ? { topologyFile: o.topology } : {}), labId: lab, watch: !!o.watch }))
}

/** the Docker engine the lab lives on (its record), or, placing it (up), the one asked for — checked and recorded */
export async function labDocker(lab: string, o: { dockerEngine?: string | null | undefined; place?: boolean } = {}): Promise<LabEngineChoice> {
  const m = await import('../engine/engines/lab-engine')
  return o.place ? m.placeLab(lab, labStateDir(lab), o.dockerEngine) : m.engineForLab(lab, labStateDir(lab), o.dockerEngine)
}

/** the lab's engine service as a client looks for it (and would start it): on the lab's Docker engine */
export function engineTarget(lab: string, topology: string | undefined, docker: LabEngineChoice): EngineTarget {
  return {
    labId: lab,
    stateDir: labStateDir(lab),
    topology: topology ? resolve(topology) : 'embedded',
    docker: docker.docker,
    build: BUILD_ID,
    entry: engineEntry(),
    ...(Object.keys(docker.env).length ? { env: { ...process.env, ...docker.env } } : {}),
  }
}

const noEngine = (o: LinkOptions): boolean => !!o.noEngine || process.env.RACKLAB_NO_ENGINE === '1'

export async function openLink(o: LinkOptions): Promise<LabLink> {
  const lab = o.lab ?? (await labId(o.topology))
  const docker = await labDocker(lab, o)
  const link = await linkOn(o, lab, docker)
  link.engineName = docker.entry.name
  link.gateway = async () => (await import('../engine/engines/survey')).connectEngine(docker.entry).gw
  return link
}

async function linkOn(o: LinkOptions, lab: string, docker: LabEngineChoice): Promise<LabLink> {
  const target = engineTarget(lab, o.topology, docker)
  if (noEngine(o)) {
    const running = await findEngine(target)
    if (running) {
      running.conn.close()
      throw new LabError('REFUSED', `lab ${lab} has an engine service (pid ${running.lock.pid}); --no-engine would make a second writer. Drop --no-engine, or racklab engine stop first`)
    }
    return localRuntime(o, lab, docker)
  }
  if (o.engine === 'attach') {
    const found = await findEngine(target)
    if (found) return engineLink(lab, found.conn)
    return localRuntime(o, lab, docker)
  }
  const conn = await ensureEngine(target, say)
  // a long-lived client (serve, the window) outlives an engine crash: the engine is started again, unless the lab
  // is being removed (workshop down stopped it on purpose and is deleting its state dir)
  const again = (): Promise<EngineConnection> =>
    beingRemoved(target.stateDir) ? Promise.reject(new LabError('NOT_FOUND', `lab ${lab} is being removed: its engine service is not started again`)) : ensureEngine(target, say)
  return engineLink(lab, o.watch ? resilient(conn, again, (t) => say(`racklab: ${t}`)) : conn)
}

function engineLink(lab: string, conn: EngineConnection): LabLink {
  let subscribed: Promise<unknown> | undefined
  return {
    labId: lab,
    via: 'engine',
    call: async (cmd, arg) => unwrap(await conn.call(cmd, arg)),
    on: async (ev, fn) => {
      const off = conn.onEvent((e, p) => e === ev && fn(p as never))
      await (subscribed ??= conn.svc('subscribe'))
      return off
    },
    host: async () => {
      const bus = new EventBus()
      conn.onEvent((ev, p, to) => bus.emit(ev as Evt, p as never, to))
      await (subscribed ??= conn.svc('subscribe'))
      // each browser of serve is a client of the engine in its own right (its consoles are its own)
      const dispatch = Object.assign((cmd: unknown, arg: unknown, client?: string) => conn.call(String(cmd), arg, client), { clientGone: (client: string) => conn.clientGone(client) })
      return { dispatch, bus }
    },
    close: () => conn.close(),
  }
}

export function localLink(rt: Runtime): LabLink {
  return {
    labId: rt.lab.labId,
    via: 'local',
    call: async (cmd, arg) => unwrap(await rt.dispatch(cmd, arg)),
    on: async (ev, fn) => rt.bus.on(ev, fn),
    host: async () => ({ dispatch: rt.dispatch, bus: rt.bus }),
    close: () => rt.close(),
  }
}
