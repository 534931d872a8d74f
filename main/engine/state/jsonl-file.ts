// Append-only JSONL files (the hardware ledger, the journal). An append is one write of one whole line,
// fsynced before it returns, so what a caller acknowledged survives a kill. A kill mid-write can still leave a
// torn last line: opening cuts the file back to its last complete line (the torn bytes are kept aside), so the
// next append starts a line of its own instead of joining the torn one and being lost with it.
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs'
import { basename, dirname } from 'node:path'
import type { ZodType } from 'zod'
import { STATE_DIR_MODE, writeFileAtomic, zodText } from './atomic-file'

export interface JsonlRead<T> {
  items: T[]
  /** what was wrong and what was done about it, each naming the file; empty when all was well */
  problems: string[]
}

/** Open for appending: cut a torn tail back to the last complete line, then parse every complete line. */
export function openJsonl<T>(file: string, schema: ZodType<T>): JsonlRead<T> {
  if (!existsSync(file)) return { items: [], problems: [] }
  const problems: string[] = []
  const buf = readFileSync(file)
  const end = buf.lastIndexOf(0x0a) + 1
  if (end < buf.length && cutTail(file, buf.length, end)) {
    const keptAs = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`
    writeFileSync(keptAs, buf.subarray(end))
    problems.push(`${file} ended in a torn line (${buf.length - end} bytes, an append cut short by a crash): cut it off and kept it as ${basename(keptAs)}`)
  }
  const read = parseJsonl(file, buf.subarray(0, end).toString('utf8'), schema)
  return { items: read.items, problems: [...problems, ...read.problems] }
}

/** Truncate to `end` unless the file grew since it was read: then the "torn" tail was another process's append
 *  in flight (the app and a CLI command share a lab), which is left alone and simply not read. */
function cutTail(file: string, readSize: number, end: number): boolean {
  const fd = openSync(file, 'r+')
  try {
    if (fstatSync(fd).size !== readSize) return false
    ftruncateSync(fd, end)
    fsyncSync(fd)
    return true
  } finally {
    closeSync(fd)
  }
}

/** Read without repairing: for re-reading a file another process may be appending to right now. */
export function readJsonl<T>(file: string, schema: ZodType<T>): JsonlRead<T> {
  if (!existsSync(file)) return { items: [], problems: [] }
  const text = readFileSync(file, 'utf8')
  return parseJsonl(file, text.slice(0, text.lastIndexOf('\n') + 1), schema)
}

function parseJsonl<T>(file: string, text: string, schema: ZodType<T>): JsonlRead<T> {
  const items: T[] = []
  const problems: string[] = []
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return
    try {
      const r = schema.safeParse(JSON.parse(line))
      if (r.success) items.push(r.data)
      else problems.push(`${file} line ${i + 1} skipped: ${zodText(r.error)}`)
    } catch (e) {
      problems.push(`${file} line ${i + 1} skipped: not valid JSON (${(e as Error).message})`)
    }
  })
  return { items, problems }
}

/**
 * Append one record as one line. durable 'now': fsynced before this returns (the hardware ledger: an action
 * is acknowledged only once it is on disk). 'soon': written now (a killed process loses nothing: the kernel
 * has it) and fsynced once for a whole burst, before the event loop turns again (the journal, where a rack
 * tripping writes dozens of lines at once and 2 ms of fsync each would stall every client).
 */
export function appendJsonl(file: string, record: unknown, durable: 'now' | 'soon' = 'now'): void {
  const fd = openForAppend(file)
  try {
    writeSync(fd, JSON.stringify(record) + '\n')
    if (durable === 'now') fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  if (durable === 'soon') syncSoon(file)
}

function openForAppend(file: string): number {
  try {
    return openSync(file, 'a', 0o600)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    mkdirSync(dirname(file), { recursive: true, mode: STATE_DIR_MODE })
    return openSync(file, 'a', 0o600)
  }
}

const unsynced = new Set<string>()
function syncSoon(file: string): void {
  if (unsynced.size === 0) setImmediate(flushAppends)
  unsynced.add(file)
}

/** fsync every file appended to with durable 'soon' since the last flush. */
export function flushAppends(): void {
  for (const file of unsynced) {
    try {
      const fd = openSync(file, 'a')
      try {
        fsyncSync(fd)
      } finally {
        closeSync(fd)
      }
    } catch {
      // the file was removed or replaced meanwhile: nothing of ours is left to sync
    }
  }
  unsynced.clear()
}

/** Replace the whole file at once (a ledger's fresh start): atomic, like every JSON state file. */
export function rewriteJsonl(file: string, records: unknown[]): void {
  writeFileAtomic(file, records.map((r) => JSON.stringify(r) + '\n').join(''), 0o600)
}
