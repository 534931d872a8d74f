// The per-lab engine service process: owns the lab's clock, binding, ledger, journal and monitor, and serves
// the contract on a local socket. Started detached by the CLI (or the window); `racklab engine stop` or
// `racklab down` ends it; it ends by itself when the lab has nothing running and nobody is connected.
import { parseArgs } from 'node:util'
import { resolve } from 'node:path'
import { mkdirSync } from 'node:fs'
import { createRuntime } from '../api/runtime'
import { labStateDir } from '../engine/paths'
import { BUILD_ID } from '../engine/service/build-id'
import { serviceFiles } from '../engine/service/files'
import { acquireLock } from '../engine/service/lock'
import { listenSocket } from '../engine/service/socket-server'
import { idleWatch } from './idle-watch'
import { dockerTarget } from '../engine/service/files'
import { resumeScenarioCleanup } from '../engine/scenarios/library'

const log = (text: string): void => void process.stdout.write(`${new Date().toISOString()} ${text}\n`)

export async function runEngine(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { lab: { type: 'string' }, topology: { type: 'string' }, 'idle-exit': { type: 'string' } } })
  const labId = values.lab ?? process.env.RACKLAB_LAB
  if (!labId) {
    log('racklab engine: --lab is required')
    return 2
  }
  const stateDir = labStateDir(labId)
  mkdirSync(stateDir, { recursive: true, mode: 0o700 })
  const files = serviceFiles(stateDir, labId)
  const topology = values.topology ? resolve(values.topology) : 'embedded'
  const lock = acquireLock(files.lock, { pid: process.pid, socket: files.socket, labId, build: BUILD_ID, topology, docker: dockerTarget(), startedAt: new Date().toISOString() })
  if (!lock.ok) {
    log(`racklab engine: lab ${labId} already has an engine service (pid ${lock.holder.pid}, socket ${lock.holder.socket})`)
    return 3
  }
  log(`racklab engine ${BUILD_ID}: lab ${labId}, topology ${topology}, pid ${process.pid}`)
  let stopping = false
  const t0 = Date.now()
  try {
    const rt = await createRuntime({ labId, watch: true, ...(values.topology ? { topologyFile: values.topology } : {}) })
    const stop = async (why: string): Promise<void> => {
      if (stopping) return
      stopping = true
      log(`stopping: ${why}`)
      idle.stop()
      idleLab.stop()
      await server.close()
      rt.close()
      lock.release()
      process.exit(0)
    }
    const server = await listenSocket(files.socket, {
      dispatch: (cmd, arg, client) => rt.dispatch(cmd, arg, client),
      clientGone: (client) => rt.dispatch.clientGone(client),
      onAnyEvent: (fn) => rt.bus.onAny(fn),
      info: () => ({ pid: process.pid, labId, topology, build: BUILD_ID, socket: files.socket, startedAt: new Date(t0).toISOString(), uptimeS: Math.round((Date.now() - t0) / 1000), clients: server.clients(), docker: rt.lab.engineStatus().message, dockerState: rt.lab.engineStatus().state }),
      stop: () => void stop('asked by a client'),
    })
    const idleMs = Number(values['idle-exit'] ?? process.env.RACKLAB_ENGINE_IDLE_S ?? 60) * 1000
    // without a Docker engine there is nothing to keep moving: leave as soon as the last client has gone
    const idle = idleWatch(1000, () => server.clients() === 0 && rt.lab.engineStatus().state !== 'connected', () => void stop('no Docker engine and no client'), 250)
    const idleLab = idleWatch(idleMs, () => server.clients() === 0 && !rt.lab.ops.active() && rt.lab.status().servers.every((s) => s.state === 'absent'), () => void stop('idle: nothing of the lab runs and no client is connected'))
    process.on('SIGTERM', () => void stop('SIGTERM'))
    process.on('SIGINT', () => void stop('SIGINT'))
    // a scenario this lab's previous engine left halfway: its cleanup runs now (journaled)
    if (rt.lab.engineStatus().state === 'connected') {
      const resumed = resumeScenarioCleanup(rt.lab)
      if (resumed) void resumed.done.then((d) => log(`cleanup of an interrupted scenario: ${d.status}${d.error ? ` — ${d.error.message}` : ''}`))
    }
    log(`listening on ${files.socket} (${Date.now() - t0} ms to adopt the lab)`)
    return await new Promise<number>(() => undefined) // runs until stop() exits the process
  } catch (e) {
    log(`racklab engine failed: ${(e as Error).stack ?? String(e)}`)
    lock.release()
    return 1
  }
}
