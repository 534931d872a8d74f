// One engine per lab: a lock file holding the owner's pid. Created with O_EXCL, so two engines starting at
// once can't both win; a lock whose pid is gone (the engine was killed) is stale and taken over.
import { closeSync, fsyncSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'

export interface LockInfo {
  pid: number
  socket: string
  labId: string
  build: string
  topology: string
  /** the Docker engine it drives (DOCKER_HOST, or 'default') */
  docker: string
  startedAt: string
}

// checked by hand, not zod: every CLI command reads this file, and must start fast
function asLock(v: unknown): LockInfo | undefined {
  const o = v as Record<string, unknown> | null
  if (!o || typeof o !== 'object' || !Number.isInteger(o.pid) || (o.pid as number) <= 0) return undefined
  for (const k of ['socket', 'labId', 'build', 'topology', 'docker', 'startedAt']) if (typeof o[k] !== 'string') return undefined
  return o as unknown as LockInfo
}

/** A zombie (exited, not yet reaped by its parent or init) counts as gone: it holds no socket and no lock, and
 *  where init reaps slowly (a container's or a sandbox's PID 1) `racklab down` waited ~1.5 s for the reaping. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
  return !isZombie(pid)
}

/** Linux only (/proc/PID/stat: "pid (comm) S …", comm may hold spaces or parentheses); elsewhere false */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z'
  } catch {
    return false
  }
}

/** the lock's contents, or undefined when there is none, it is unreadable, or its process is gone */
export function readLock(file: string): LockInfo | undefined {
  let raw: string
  try {
    raw = readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    return undefined
  }
  const info = asLock(parsed)
  return info && pidAlive(info.pid) ? info : undefined
}

export type Acquired = { ok: true; release: () => void } | { ok: false; holder: LockInfo }

export function acquireLock(file: string, info: LockInfo): Acquired {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600)
      writeSync(fd, JSON.stringify(info))
      fsyncSync(fd)
      closeSync(fd)
      return {
        ok: true,
        release: () => {
          // only our own lock: a successor may already hold a new one
          if (readLock(file)?.pid === info.pid) rmSync(file, { force: true })
        },
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      const holder = readLock(file)
      if (holder) return { ok: false, holder }
      rmSync(file, { force: true }) // stale: its engine died without cleaning up
    }
  }
  throw new Error(`could not take the engine lock ${file}`)
}
