// Which Docker engine a command for a lab goes to. The lab's record (engine.json, written when `up` placed it)
// wins: every later command reaches the engine that holds the lab. --engine / RACKLAB_ENGINE choose the engine
// for a lab being placed; naming another engine than the recorded one is refused for every other command, and
// for `up` while anything of the lab (containers, networks, volumes) is still on the recorded engine.
// The registry (zod) and Docker are loaded only when needed: a lab on the default engine costs neither.
import { LabError } from '@contract/lab-error'
import { readLabEngine, writeLabEngine, type LabEngineRecord } from './lab-record'
import type { EngineStatus } from '@contract/status'
import { unixSocketStatus } from '../docker/socket-status'
import { DEFAULT_ENGINE, defaultEngine, engineEnv, hostOf, type EngineEntry } from './engine-entry'

export interface LabEngineChoice {
  entry: EngineEntry
  /** what the lab's state says, when it says anything still valid */
  record?: LabEngineRecord
  /** env overrides for a process that drives this lab (empty: this process's own environment) */
  env: Record<string, string>
  /** the docker target an engine service of this lab reports (its lock's `docker`) */
  docker: string
}

/** --engine, else RACKLAB_ENGINE; null: neither (the record decides) */
const requestedEngine = (given?: string | null): string | undefined => (given === null ? undefined : given || process.env.RACKLAB_ENGINE || undefined)

const fromRecord = (r: LabEngineRecord): EngineEntry => ({ name: r.engine, host: r.host, ...(r.certPath ? { certPath: r.certPath } : {}) })

function choice(entry: EngineEntry, record: LabEngineRecord | undefined): LabEngineChoice {
  // the environment's own engine, as the environment says it: nothing to override (and the lock says 'default')
  const own = entry.host === defaultEngine().host && !process.env.DOCKER_HOST
  return { entry, ...(record ? { record } : {}), env: own ? {} : engineEnv(entry), docker: own ? 'default' : entry.host }
}

/** the lab's valid record: one naming an engine removed from the registry since is ignored */
export async function labRecord(stateDir: string): Promise<LabEngineRecord | undefined> {
  const r = readLabEngine(stateDir)
  if (!r || r.engine === DEFAULT_ENGINE) return r
  const { loadRegistry } = await import('./registry')
  return loadRegistry().some((e) => e.name === r.engine) ? r : undefined
}

async function findEntry(name: string): Promise<EngineEntry> {
  return (await import('./registry')).findEngineEntry(name)
}

/** the engine every command but a placing `up` uses for this lab */
export async function engineForLab(lab: string, stateDir: string, given?: string | null): Promise<LabEngineChoice> {
  const record = await labRecord(stateDir)
  const wanted = requestedEngine(given)
  if (!wanted) return choice(record ? fromRecord(record) : defaultEngine(), record)
  const entry = await findEntry(wanted)
  if (record && (record.engine !== entry.name || record.host !== entry.host))
    throw new LabError('REFUSED', `lab ${lab} lives on engine ${record.engine} (${record.host}), not ${entry.name}: a lab lives whole on one engine. Drop --engine/RACKLAB_ENGINE, or move it: racklab down --volumes --lab ${lab}, then racklab up --engine ${entry.name} --lab ${lab}`)
  return choice(entry, record)
}

/** anything of the lab on an engine: containers, networks, volumes (nothing when it does not answer) */
async function leftOn(e: EngineEntry, lab: string): Promise<string[]> {
  const { connectEngine } = await import('./survey')
  const { gw } = connectEngine(e)
  if ((await gw.status()).state !== 'connected') return []
  const [cs, ns, vs] = await Promise.all([gw.listContainers(lab), gw.listNetworkSubnets(), gw.listVolumes(lab)])
  return [...cs.map((c) => `container ${c.name}`), ...ns.filter((n) => n.labels['racklab.lab'] === lab).map((n) => `network ${n.name}`), ...vs.map((v) => `volume ${v.name}`)]
}

/** does the engine answer: a local socket is asked without loading the Docker client (socket-status.ts) */
async function engineStatus(entry: EngineEntry): Promise<EngineStatus> {
  const host = hostOf(entry)
  if (host.kind === 'unix') return unixSocketStatus(host)
  const { connectEngine } = await import('./survey')
  return connectEngine(entry).gw.status()
}

/**
 * `up` places the lab: on the engine asked for (else where it is recorded, else the environment's), after
 * checking that engine answers and that nothing of the lab is left on the one it lived on; then records it.
 */
export async function placeLab(lab: string, stateDir: string, given?: string | null): Promise<LabEngineChoice> {
  const record = await labRecord(stateDir)
  const wanted = requestedEngine(given)
  const entry = wanted ? await findEntry(wanted) : record ? fromRecord(record) : defaultEngine()
  const current = record ? fromRecord(record) : defaultEngine()
  if (current.host !== entry.host) {
    const left = await leftOn(current, lab)
    if (left.length) throw new LabError('REFUSED', `lab ${lab} still has ${left.slice(0, 3).join(', ')}${left.length > 3 ? ` and ${left.length - 3} more` : ''} on engine ${current.name} (${current.host}); a lab lives whole on one engine: racklab down --volumes --lab ${lab} first, or up without --engine`)
  }
  const st = await engineStatus(entry)
  if (st.state !== 'connected') throw new LabError('ENGINE_ABSENT', `engine ${entry.name} (${entry.host}) does not answer: ${st.message}`)
  writeLabEngine(stateDir, entry)
  return choice(entry, await labRecord(stateDir))
}
