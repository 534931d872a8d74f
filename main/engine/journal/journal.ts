// The append-only record of every action, state change and probe result (JSONL on disk, one file per lab).
// Appends are written at once and fsynced per burst (state/jsonl-file.ts); a torn last line left by a crash is
// cut off on open and the cut is itself journaled.
import { z } from 'zod'
import { JOURNAL_KINDS, type JournalEntry } from '@contract/status'
import { appendJsonl, openJsonl } from '../state/jsonl-file'

export type JournalInput = Omit<JournalEntry, 'seq' | 'at' | 'labMs'> & { labMs?: number }

const JournalEntrySchema: z.ZodType<JournalEntry> = z.object({
  seq: z.number(),
  at: z.string(),
  labMs: z.number(),
  kind: z.enum(JOURNAL_KINDS),
  target: z.string().optional(),
  text: z.string(),
  data: z.unknown().optional(),
})

export class Journal {
  private entries: JournalEntry[] = []
  private seq = 0
  private readonly listeners = new Set<(e: JournalEntry) => void>()

  /** file = undefined keeps the journal in memory (tests, `--no-journal`) */
  constructor(
    private readonly file: string | undefined,
    private readonly labClock: () => number = () => 0,
    private readonly keep = 5000,
  ) {
    if (!file) return
    const opened = openJsonl(file, JournalEntrySchema)
    this.entries = opened.items.slice(-keep)
    this.seq = opened.items.reduce((m, e) => Math.max(m, e.seq), 0)
    for (const text of opened.problems) this.append({ kind: 'engine', text })
  }

  append(e: JournalInput): JournalEntry {
    const entry: JournalEntry = { ...e, seq: ++this.seq, at: new Date().toISOString(), labMs: e.labMs ?? this.labClock() }
    if (this.file) appendJsonl(this.file, entry, 'soon')
    this.entries.push(entry)
    if (this.entries.length > this.keep) this.entries.splice(0, this.entries.length - this.keep)
    for (const fn of this.listeners) fn(entry)
    return entry
  }

  list(since = 0, limit = 500): JournalEntry[] {
    return this.entries.filter((e) => e.seq > since).slice(-limit)
  }

  onAppend(fn: (e: JournalEntry) => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }
}
