// The one ledger of actions on every target: each action is written (fsynced) before it runs and closed when
// it ends. An engine killed mid-action finds the open entry on start and finishes it (resumeInterrupted in
// the book); `racklab undo` reads the recorded inverse from here. A torn last line (killed mid-write) is cut
// back on open, so the next append never joins onto it.
import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
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

export class ActionLedger {
  private records: LedgerRecord[] = []
  private seq = 0

  constructor(private readonly file: string) {
    this.load()
  }

  private load(): void {
    if (!existsSync(this.file)) return
    const text = readFileSync(this.file, 'utf8')
    const complete = text.lastIndexOf('\n') + 1
    if (complete < Buffer.byteLength(text)) {
      // killed mid-write: drop the partial line; what was acknowledged ended with a newline and an fsync
      const fd = openSync(this.file, 'r+')
      ftruncateSync(fd, Buffer.byteLength(text.slice(0, complete)))
      fsyncSync(fd)
      closeSync(fd)
    }
    const bySeq = new Map<number, LedgerRecord>()
    for (const line of text.slice(0, complete).split('\n')) {
      if (!line.trim()) continue
      let v: unknown
      try {
        v = JSON.parse(line)
      } catch {
        continue
      }
      const o = v as Partial<LedgerBegin & LedgerEnd>
      if (typeof o.end === 'number') {
        const rec = bySeq.get(o.end)
        if (rec) rec.result = { end: o.end, ok: !!o.ok, text: String(o.text ?? '') }
      } else if (typeof o.seq === 'number' && typeof o.target === 'string' && typeof o.action === 'string') {
        const rec = { ...(o as LedgerBegin), args: o.args ?? {} }
        bySeq.set(rec.seq, rec)
        this.records.push(rec)
        this.seq = Math.max(this.seq, rec.seq)
      }
    }
  }

  private write(obj: unknown): void {
    mkdirSync(dirname(this.file), { recursive: true })
    const fd = openSync(this.file, 'a', 0o600)
    try {
      writeSync(fd, JSON.stringify(obj) + '\n')
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
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

  /** a fresh site after `down`: the old records go (the file is rewritten empty) */
  clear(): void {
    this.records = []
    mkdirSync(dirname(this.file), { recursive: true })
    const fd = openSync(this.file, 'w', 0o600)
    fsyncSync(fd)
    closeSync(fd)
  }
}
