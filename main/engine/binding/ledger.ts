// Every physical action, with its lab time, on disk. The hardware model is deterministic, so replaying the
// ledger rebuilds the exact physical state: a restarted app, a one-shot CLI command and a crashed process all
// see the same circuits, disks and cables. `down` starts a new ledger (a fresh site).
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

export interface LedgerHeader {
  /** wall-clock ms at lab time 0 */
  epochWall: number
  speed: number
  seed: number
}
export interface LedgerEntry {
  labMs: number
  target: string
  action: string
}

export class Ledger {
  header: LedgerHeader
  entries: LedgerEntry[] = []
  private stamp = ''

  constructor(
    readonly file: string,
    fresh: () => LedgerHeader,
  ) {
    this.header = fresh()
    if (existsSync(file)) this.read()
    else this.reset(this.header)
  }

  append(e: LedgerEntry): void {
    this.entries.push(e)
    appendFileSync(this.file, JSON.stringify(e) + '\n')
    this.stamp = this.fileStamp()
  }

  reset(header: LedgerHeader): void {
    mkdirSync(dirname(this.file), { recursive: true })
    this.header = header
    this.entries = []
    writeFileSync(this.file, JSON.stringify(header) + '\n')
    this.stamp = this.fileStamp()
  }

  /** true when another process wrote to the ledger since we last read or wrote it */
  changedOnDisk(): boolean {
    return this.fileStamp() !== this.stamp
  }

  read(): void {
    const lines = readFileSync(this.file, 'utf8').split('\n').filter((l) => l.trim())
    const parsed: unknown[] = []
    for (const l of lines) {
      try {
        parsed.push(JSON.parse(l))
      } catch {
        // a torn last line after a crash: the entries before it still hold
      }
    }
    const [head, ...rest] = parsed as [LedgerHeader | undefined, ...LedgerEntry[]]
    if (head && typeof head.epochWall === 'number') this.header = head
    this.entries = rest.filter((e) => typeof e?.target === 'string' && typeof e.action === 'string' && typeof e.labMs === 'number')
    this.stamp = this.fileStamp()
  }

  remove(): void {
    rmSync(this.file, { force: true })
  }

  private fileStamp(): string {
    try {
      const st = statSync(this.file)
      return `${st.size}:${st.mtimeMs}`
    } catch {
      return ''
    }
  }
}
