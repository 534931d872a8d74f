// The append-only record of every action, state change and probe result (JSONL on disk, one file per lab).
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { JournalEntry } from '@contract/status'

export type JournalInput = Omit<JournalEntry, 'seq' | 'at' | 'labMs'> & { labMs?: number }

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
    if (file && existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line.trim()) continue
        try {
          this.entries.push(JSON.parse(line) as JournalEntry)
        } catch {
          // a torn last line after a crash: the rest of the journal is still good
        }
      }
      this.seq = this.entries.at(-1)?.seq ?? 0
      this.entries = this.entries.slice(-keep)
    }
  }

  append(e: JournalInput): JournalEntry {
    const entry: JournalEntry = { ...e, seq: ++this.seq, at: new Date().toISOString(), labMs: e.labMs ?? this.labClock() }
    this.entries.push(entry)
    if (this.entries.length > this.keep) this.entries.splice(0, this.entries.length - this.keep)
    if (this.file) {
      mkdirSync(dirname(this.file), { recursive: true })
      appendFileSync(this.file, JSON.stringify(entry) + '\n')
    }
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
