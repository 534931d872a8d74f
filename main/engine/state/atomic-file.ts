// Crash-safe JSON state files. A write goes to a temp file in the same folder, is fsynced and renamed over the
// old one (then the folder is fsynced), so a kill at any instant leaves either the old or the new file, never a
// torn one. A load validates with zod; a file that is unreadable anyway (a disk error, a hand edit, a file from
// before these writes) is kept aside as FILE.corrupt-<ts> and the caller falls back to a fresh state it names.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { ZodError, ZodType } from 'zod'

/** State folders hold secrets: created owner-only (an existing one is tightened by ensureStateDir). */
export const STATE_DIR_MODE = 0o700

export function writeFileAtomic(file: string, data: string, mode = 0o600): void {
  const dir = dirname(file)
  mkdirSync(dir, { recursive: true, mode: STATE_DIR_MODE })
  const tmp = join(dir, `${basename(file)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`)
  const fd = openSync(tmp, 'w', mode)
  try {
    writeSync(fd, data)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  try {
    renameSync(tmp, file)
  } catch (e) {
    rmSync(tmp, { force: true })
    throw e
  }
  fsyncDir(dir)
}

export function writeJsonAtomic(file: string, value: unknown, mode?: number): void {
  writeFileAtomic(file, JSON.stringify(value, null, 1) + '\n', mode)
}

/** The rename is durable only once the folder's entry is on disk; Windows cannot open a folder, and needs not. */
export function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return
  const fd = openSync(dir, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

export type StateLoad<T> = { state: 'absent' } | { state: 'ok'; value: T } | { state: 'corrupt'; problem: string; keptAs: string }

/** Read and validate a JSON state file. Never throws for bad content: a corrupt file is set aside and reported. */
export function loadJsonState<T>(file: string, schema: ZodType<T>): StateLoad<T> {
  removeStaleTemps(file)
  if (!existsSync(file)) return { state: 'absent' }
  const text = readFileSync(file, 'utf8')
  let why: string
  try {
    const parsed = schema.safeParse(JSON.parse(text))
    if (parsed.success) return { state: 'ok', value: parsed.data }
    why = zodText(parsed.error)
  } catch (e) {
    why = text.trim() ? `not valid JSON (${(e as Error).message})` : 'empty'
  }
  const keptAs = setAside(file)
  return { state: 'corrupt', problem: `${file} is unreadable: ${why}; kept it as ${basename(keptAs)}`, keptAs }
}

/** Move a bad file out of the way, keeping it for a person to look at. */
export function setAside(file: string): string {
  const keptAs = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`
  renameSync(file, keptAs)
  return keptAs
}

/** Temp files of writers that were killed before their rename: nobody will finish them. */
function removeStaleTemps(file: string): void {
  const dir = dirname(file)
  const prefix = `${basename(file)}.tmp-`
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return
  }
  for (const n of names) {
    if (!n.startsWith(prefix)) continue
    const pid = Number(n.slice(prefix.length).split('-')[0])
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) rmSync(join(dir, n), { force: true })
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The first few zod issues as one line: "servers.0: expected string; …" */
export function zodText(e: ZodError): string {
  const shown = e.issues.slice(0, 3).map((i) => `${i.path.length ? i.path.join('.') : '(top)'}: ${i.message}`)
  return shown.join('; ') + (e.issues.length > 3 ? `; and ${e.issues.length - 3} more` : '')
}
