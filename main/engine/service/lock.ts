// One engine per lab: a lock file holding the owner's pid. Created with O_EXCL, so two engines starting at
// once can't both win; a lock whose pid is gone (the engine was killed) is stale and taken over.
import { closeSync, fsyncSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { z } from 'zod'

const LockSchema = z.object({ pid: z.number().int().positive(), socket: z.string(), labId: z.string(), build: z.string(), topology: z.string(), startedAt: z.string() })
export type LockInfo = z.infer<typeof LockSchema>

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
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
  const info = LockSchema.safeParse(parsed)
  return info.success && pidAlive(info.data.pid) ? info.data : undefined
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
