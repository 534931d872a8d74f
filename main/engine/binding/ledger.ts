// Every physical action, with its lab time, on disk. The hardware model is deterministic, so replaying the
// ledger rebuilds the exact physical state: a restarted app, a one-shot CLI command and a crashed process all
// see the same circuits, disks and cables. `down` starts a new ledger (a fresh site).
// Appends are fsynced before they return and a torn tail is cut on open (state/jsonl-file.ts), so an action
// acknowledged before a crash is replayed after it, and the first action after a restart is not lost.
import { rmSync, statSync } from 'node:fs'
import { z } from 'zod'
import { setAside } from '../state/atomic-file'
import { appendJsonl, openJsonl, readJsonl, rewriteJsonl } from '../state/jsonl-file'

// startLabMs: the lab time at epochWall (a `down` that kept the data volumes resumes the clock: binding/lab-time.ts)
const LedgerHeaderSchema = z.object({ epochWall: z.number(), speed: z.number(), seed: z.number(), startLabMs: z.number().min(0).optional() })
const LedgerEntrySchema = z.object({ labMs: z.number(), target: z.string(), action: z.string() })
export type LedgerHeader = z.infer<typeof LedgerHeaderSchema>
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>
// line 1 is the header, every other line an entry
const LineSchema = z.union([LedgerHeaderSchema, LedgerEntrySchema])
type Line = z.infer<typeof LineSchema>
const isHeader = (l: Line | undefined): l is LedgerHeader => !!l && 'epochWall' in l

export class Ledger {
  header: LedgerHeader
  entries: LedgerEntry[] = []
  /** what opening found wrong with the file and repaired, for the journal */
  readonly problems: string[] = []
  private stamp = ''

  constructor(
    readonly file: string,
    fresh: () => LedgerHeader,
  ) {
    this.header = fresh()
    const opened = openJsonl(file, LineSchema)
    this.problems.push(...opened.problems)
    const [head, ...rest] = opened.items
    if (isHeader(head)) {
      this.header = head
      this.entries = rest.filter((l): l is LedgerEntry => !isHeader(l))
      this.stamp = this.fileStamp()
    } else {
      // no header (a crash while the ledger was first written, or a damaged file): a fresh site
      if (opened.items.length) this.problems.push(`${file} has no header line: kept it as ${setAside(file)} and started a fresh site`)
      this.reset(this.header)
    }
  }

  append(e: LedgerEntry): void {
    appendJsonl(this.file, e)
    this.entries.push(e)
    this.stamp = this.fileStamp()
  }

  reset(header: LedgerHeader): void {
    rewriteJsonl(this.file, [header])
    this.header = header
    this.entries = []
    this.stamp = this.fileStamp()
  }

  /** true when another process wrote to the ledger since we last read or wrote it */
  changedOnDisk(): boolean {
    return this.fileStamp() !== this.stamp
  }

  /** Re-read what another process appended (without repairing: it may be appending right now). */
  read(): void {
    const [head, ...rest] = readJsonl(this.file, LineSchema).items
    if (isHeader(head)) this.header = head
    this.entries = rest.filter((l): l is LedgerEntry => !isHeader(l))
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
