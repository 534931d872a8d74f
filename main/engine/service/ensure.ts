// Find the lab's engine service, or start it detached. A client never becomes a second writer: when an
// engine holds the lab's lock it is used (or restarted when it is of another build); when it can't be
// reached or started, the caller gets a LabError saying exactly why.
import { spawn } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs'
import { LabError } from '@contract/lab-error'
import { serviceFiles } from './files'
import { pidAlive, readLock, type LockInfo } from './lock'
import { connectEngine, type EngineConnection } from './socket-client'

export interface EngineTarget {
  labId: string
  stateDir: string
  /** absolute topology file, or 'embedded' */
  topology: string
  /** the Docker engine the lab lives on (DOCKER_HOST, or 'default') */
  docker: string
  /** this client's build id: an engine of another build is restarted */
  build: string
  /** node script that runs the engine (out/cli/engine.mjs) */
  entry: string
  /** env for the engine process */
  env?: NodeJS.ProcessEnv
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
const POLL_MS = 25

/** connect to a running engine of this lab, or undefined when none runs */
export async function findEngine(t: EngineTarget): Promise<{ conn: EngineConnection; lock: LockInfo } | undefined> {
  const files = serviceFiles(t.stateDir, t.labId)
  const deadline = Date.now() + 60_000
  for (;;) {
    const lock = readLock(files.lock)
    if (!lock) return undefined
    try {
      return { conn: await connectEngine(lock.socket), lock }
    } catch {
      // the lock is taken before the socket listens (the engine adopts the lab first): wait for it. Polled
      // finely: an `up` after `down` starts a new engine and waits here before anything else (a failed connect to
      // a unix socket costs microseconds; 150 ms steps cost up to 150 ms of every such up)
      if (Date.now() > deadline) throw new LabError('ENGINE_ERROR', `the lab engine service of ${t.labId} (pid ${lock.pid}) holds ${files.lock} but does not answer on ${lock.socket}; stop it with racklab engine stop or kill ${lock.pid}`)
      await sleep(POLL_MS)
    }
  }
}

export async function stopEngine(t: EngineTarget, conn: EngineConnection, pid: number, timeoutMs = 30_000): Promise<void> {
  await conn.svc('stop')
  conn.close()
  const deadline = Date.now() + timeoutMs
  while (pidAlive(pid)) {
    if (Date.now() > deadline) throw new LabError('ENGINE_ERROR', `the lab engine service of ${t.labId} (pid ${pid}) did not stop within ${timeoutMs / 1000} s`)
    await sleep(POLL_MS)
  }
}

/** the lab's engine, started when none runs (or when one of another build runs) */
export async function ensureEngine(t: EngineTarget, say: (line: string) => void = () => {}): Promise<EngineConnection> {
  const found = await findEngine(t)
  if (found) {
    if (found.lock.docker !== t.docker) {
      // an engine that never reached its Docker holds nothing: replace it; one that runs a lab there is kept
      const info = await found.conn.svc('info')
      const connected = info.ok && (info.value as { dockerState?: string }).dockerState === 'connected'
      if (connected) {
        // the connection would keep the client's process alive after the refusal is said
        found.conn.close()
        throw new LabError('REFUSED', `the lab engine service of ${t.labId} drives the Docker engine at ${found.lock.docker}, not ${t.docker}; a lab lives on one engine (use another --lab, or racklab engine stop first)`)
      }
      await stopEngine(t, found.conn, found.lock.pid)
      return startEngine(t)
    }
    if (found.lock.topology !== t.topology) {
      found.conn.close()
      throw new LabError('REFUSED', `the lab engine service of ${t.labId} runs topology ${found.lock.topology}, not ${t.topology}; stop it first (racklab engine stop --lab ${t.labId}) or use another --lab`)
    }
    // code run from source (tests, tsx) speaks the same contract as the build made from it
    if (found.lock.build === t.build || t.build === 'source') return found.conn
    say(`racklab: restarting the lab engine service of ${t.labId} (it runs build ${found.lock.build}, this is ${t.build})`)
    await stopEngine(t, found.conn, found.lock.pid)
  }
  return startEngine(t)
}

async function startEngine(t: EngineTarget): Promise<EngineConnection> {
  if (!existsSync(t.entry)) throw new LabError('ENGINE_ERROR', `the lab engine service is not built (${t.entry} missing): run npm run build:cli`)
  const files = serviceFiles(t.stateDir, t.labId)
  mkdirSync(t.stateDir, { recursive: true, mode: 0o700 })
  const log = openSync(files.log, 'a', 0o600)
  const args = [t.entry, '--lab', t.labId, ...(t.topology === 'embedded' ? [] : ['--topology', t.topology])]
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', log, log], env: { ...(t.env ?? process.env), RACKLAB_LAB: t.labId, ...(process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}) } })
  closeSync(log)
  let exited: number | null | undefined
  child.once('exit', (code) => (exited = code))
  child.unref()
  const deadline = Date.now() + 120_000
  for (;;) {
    const found = await findEngine(t).catch(() => undefined)
    if (found) return found.conn
    if (exited !== undefined) {
      // another client may have won the race for the lock: use its engine
      const other = await findEngine(t).catch(() => undefined)
      if (other) return other.conn
      throw new LabError('ENGINE_ERROR', `the lab engine service of ${t.labId} exited (code ${exited}) at start:\n${logTail(files.log)}`)
    }
    if (Date.now() > deadline) throw new LabError('ENGINE_ERROR', `the lab engine service of ${t.labId} did not start within 120 s (log: ${files.log})`)
    await sleep(POLL_MS)
  }
}

export function logTail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}
