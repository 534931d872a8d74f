// The Docker engines labs may be placed on, named like docker contexts: ~/.racklab/engines.json. "default" is
// not stored: it is always the engine of this process's environment (DOCKER_HOST, else the local socket).
// Written whole and renamed over (writeJsonAtomic), so a crash never leaves half a registry; a file that is not
// a registry is refused with what is wrong, never replaced (it lists engines a person typed in).
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'
import { LabError } from '@contract/lab-error'
import { stateHome } from '../paths'
import { writeJsonAtomic, zodText } from '../state/atomic-file'
import { DEFAULT_ENGINE, defaultEngine, type EngineEntry } from './engine-entry'

export const ENGINE_NAME = /^[a-z0-9][a-z0-9_.-]{0,62}$/

const EntrySchema = z.strictObject({
  name: z.string().regex(ENGINE_NAME),
  /** unix:///path/to/docker.sock or tcp://host:port */
  host: z.string().min(1),
  /** TLS: a folder with ca.pem, cert.pem and key.pem (as DOCKER_CERT_PATH) */
  certPath: z.string().optional(),
  addedAt: z.string().optional(),
})
const RegistrySchema = z.strictObject({ engines: z.array(EntrySchema) })


export const registryFile = (home = stateHome()): string => join(home, 'engines.json')

export function loadRegistry(home = stateHome()): EngineEntry[] {
  const file = registryFile(home)
  if (!existsSync(file)) return []
  let data: unknown
  try {
    data = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    throw new LabError('BAD_INPUT', `${file} is not JSON (${(e as Error).message}); fix it or remove it (racklab engines add makes a new one)`)
  }
  const r = RegistrySchema.safeParse(data)
  if (!r.success) throw new LabError('BAD_INPUT', `${file} is not an engine registry: ${zodText(r.error)}`)
  return r.data.engines
}

function saveRegistry(engines: EngineEntry[], home: string): void {
  writeJsonAtomic(registryFile(home), { engines })
}

/** every engine a lab may go to: default first, then the registered ones */
export const allEngines = (home = stateHome()): EngineEntry[] => [defaultEngine(), ...loadRegistry(home)]

export function findEngineEntry(name: string, home = stateHome()): EngineEntry {
  if (name === DEFAULT_ENGINE) return defaultEngine()
  const list = loadRegistry(home)
  const e = list.find((x) => x.name === name)
  if (!e) throw new LabError('NOT_FOUND', `unknown engine "${name}": ${list.length ? `registered are ${list.map((x) => x.name).join(', ')} (and default)` : 'none is registered but default'}; racklab engines add ${name} --host unix:///…|tcp://… adds it`)
  return e
}

/** Normalise and check what a person typed for --host: unix:///abs/path or tcp://host[:port]. */
export function parseEngineHost(raw: string, certPath?: string): { host: string; certPath?: string } {
  const v = raw.trim()
  if (v.startsWith('ssh://')) throw new LabError('BAD_INPUT', `--host "${raw}": ssh:// is not supported; forward the remote socket (ssh -nNT -L /tmp/remote.sock:/var/run/docker.sock HOST) and add unix:///tmp/remote.sock`)
  if (v.startsWith('unix://')) {
    const path = v.slice('unix://'.length)
    if (!path.startsWith('/')) throw new LabError('BAD_INPUT', `--host "${raw}": a unix socket needs an absolute path (unix:///var/run/docker.sock)`)
    if (certPath) throw new LabError('BAD_INPUT', `--cert-path is for tcp:// engines; ${raw} is a local socket`)
    return { host: `unix://${path}` }
  }
  if (!/^(tcp|https?):\/\//.test(v)) throw new LabError('BAD_INPUT', `--host "${raw}": use unix:///path/to/docker.sock or tcp://host:port`)
  let url: URL
  try {
    url = new URL(v)
  } catch {
    throw new LabError('BAD_INPUT', `--host "${raw}" is not a valid address (tcp://host:port)`)
  }
  if (!url.hostname) throw new LabError('BAD_INPUT', `--host "${raw}" names no host (tcp://host:port)`)
  if (url.pathname !== '/' && url.pathname !== '') throw new LabError('BAD_INPUT', `--host "${raw}": an engine address has no path (tcp://host:port)`)
  const tls = !!certPath || url.protocol === 'https:'
  const port = url.port ? Number(url.port) : tls ? 2376 : 2375
  if (certPath && !['ca.pem', 'cert.pem', 'key.pem'].every((f) => existsSync(join(certPath, f)))) throw new LabError('BAD_INPUT', `--cert-path ${certPath} must hold ca.pem, cert.pem and key.pem (as DOCKER_CERT_PATH)`)
  return { host: `tcp://${url.hostname}:${port}`, ...(certPath ? { certPath } : tls ? { certPath: join(homedir(), '.docker') } : {}) }
}

export function addEngine(entry: EngineEntry, home = stateHome()): EngineEntry[] {
  if (!ENGINE_NAME.test(entry.name)) throw new LabError('BAD_INPUT', `engine name "${entry.name}": lowercase letters, digits, "_", "." and "-", starting with a letter or digit`)
  if (entry.name === DEFAULT_ENGINE) throw new LabError('BAD_INPUT', `"${DEFAULT_ENGINE}" is the engine of your environment (DOCKER_HOST); give the new engine another name`)
  const list = loadRegistry(home)
  if (list.some((x) => x.name === entry.name)) throw new LabError('REFUSED', `an engine named "${entry.name}" is already registered (${list.find((x) => x.name === entry.name)!.host}); racklab engines rm ${entry.name} first, or pick another name`)
  const same = list.find((x) => x.host === entry.host)
  if (same) throw new LabError('REFUSED', `${entry.host} is already registered as "${same.name}"; one engine, one name (labs record it)`)
  const next = [...list, entry]
  saveRegistry(next, home)
  return next
}

export function removeEngine(name: string, home = stateHome()): EngineEntry[] {
  const list = loadRegistry(home)
  if (!list.some((x) => x.name === name)) throw new LabError('NOT_FOUND', name === DEFAULT_ENGINE ? `"${DEFAULT_ENGINE}" is your environment's engine and is not registered: nothing to remove` : `no engine named "${name}" is registered${list.length ? ` (registered: ${list.map((x) => x.name).join(', ')})` : ''}`)
  const next = list.filter((x) => x.name !== name)
  saveRegistry(next, home)
  return next
}
