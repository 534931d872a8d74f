// The one ledger of actions on every target: each action is written (fsynced) before it runs and closed when
// it ends. An engine killed mid-action finds the open entry on start and finishes it (resumeInterrupted in
// the book); `racklab undo` reads the recorded inverse from here. Lines are validated with zod; a torn last
// line (killed mid-write) is cut back on open, so the next append never joins onto it.
import { z } from 'zod'
import { appendJsonl, openJsonl, rewriteJsonl } from '../state/jsonl-file'
import type { ActionFamily, Inverse } from './types'

export interface LedgerBegin {
  seq: number
  at: string
  labMs: number
  target: string
  action: string
  args: Record<string, string>
  family: ActionFamily
  inverse: Inverse
  /** the action this one undoes (racklab undo), if any */
  undoes?: number
}
export interface LedgerEnd {
  end: number
  ok: boolean
  text: string
}
export type LedgerRecord = LedgerBegin & { result?: LedgerEnd }

const InverseSchema: z.ZodType<Inverse> = z.union([z.object({ action: z.string(), args: z.record(z.string(), z.string()).optional() }), z.object({ none: z.string() })])
const EndSchema = z.object({ end: z.number(), ok: z.boolean(), text: z.string() })
const BeginSchema = z.object({
  seq: z.number(),
  at: z.string(),
  labMs: z.number(),
  target: z.string(),
  action: z.string(),
  args: z.record(z.string(), z.string()).default({}),
  family: z.enum(['hardware', 'role', 'container', 'network']),
  inverse: InverseSchema,
  undoes: z.number().optional(),
})
const LineSchema = z.union([EndSchema, BeginSchema])

export class ActionLedger {
  private records: LedgerRecord[] = []
  private seq = 0
  /** what opening found wrong with the file and repaired, for the journal */
  readonly problems: string[] = []

  constructor(private readonly file: string) {
    this.load()
  }

  /** Read the ledger (state/jsonl-file.ts cuts a torn last line back first, so the next append never joins
   *  onto it); what was wrong with the file is kept in `problems` for the journal. */
  private load(): void {
    const opened = openJsonl(this.file, LineSchema)
    this.problems.push(...opened.problems)
    const bySeq = new Map<number, LedgerRecord>()
    for (const line of opened.items) {
      if ('end' in line) {
        const rec = bySeq.get(line.end)
        if (rec) rec.result = line
      } else {
        const rec: LedgerRecord = { ...line }
        bySeq.set(rec.seq, rec)
        this.records.push(rec)
        this.seq = Math.max(this.seq, rec.seq)
      }
    }
  }

  /** one line, fsynced before it returns: an action is on disk before it runs */
  private write(obj: unknown): void {
    appendJsonl(this.file, obj)
  }

  begin(e: Omit<LedgerBegin, 'seq' | 'at'>): LedgerRecord {
    const rec: LedgerRecord = { seq: ++this.seq, at: new Date().toISOString(), ...e }
    this.write({ ...rec })
    this.records.push(rec)
    return rec
  }

  end(rec: LedgerRecord, ok: boolean, text: string): void {
    rec.result = { end: rec.seq, ok, text }
    this.write(rec.result)
  }

  list(): readonly LedgerRecord[] {
    return this.records
  }

  get(seq: number): LedgerRecord | undefined {
    return this.records.find((r) => r.seq === seq)
  }

  /** begun and never ended: the engine died while they ran */
  interrupted(): LedgerRecord[] {
    return this.records.filter((r) => !r.result)
  }

  /** a fresh site after `down`: the old records go (the file is replaced by an empty one, atomically) */
  clear(): void {
    this.records = []
    rewriteJsonl(this.file, [])
  }
}
