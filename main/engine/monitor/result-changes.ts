// Probe results go to the journal on change only: ok ↔ failed, or a message of another kind. Numbers and
// hex tokens don't make a new kind ("3 s behind" and "4 s behind" are the same news).
import type { JournalEntry, ProbeResult } from '@contract/status'
import type { JournalInput } from '../journal/journal'

export const messageClass = (message: string): string => message.replace(/\b[0-9a-f]{8,}\b/gi, '#').replace(/\d+(\.\d+)?/g, '#')

/** the journal's `down` entry (lab/down.ts): every probe ended there, so nothing before it is news for the next lab */
export const endsLab = (e: Pick<JournalEntry, 'kind' | 'text'>): boolean => e.kind === 'op' && e.text.startsWith('down: ')

const signature = (r: Pick<ProbeResult, 'ok' | 'message'>): string => `${r.ok ? 'ok' : 'failed'} ${messageClass(r.message)}`

export interface ProbeJournalData {
  probe: string
  key: string
  ok: boolean
  values?: ProbeResult['values']
}

export class ResultChanges {
  private readonly last = new Map<string, string>()

  /** seeded from the journal's probe entries, so a restarted process does not journal the same news again */
  constructor(
    private readonly append: (e: JournalInput) => void,
    seed: readonly JournalEntry[] = [],
  ) {
    for (const e of seed) {
      // a down ended every probe (each was gone): what came before it is no news about the lab that is up now,
      // so its first results are journaled (a replay's expectations come from them)
      if (endsLab(e)) {
        this.last.clear()
        continue
      }
      const d = e.data as Partial<ProbeJournalData> | undefined
      if (e.kind !== 'probe' || typeof d?.key !== 'string' || typeof d.ok !== 'boolean') continue
      const message = e.text.replace(/^\S+ (ok|FAILED|gone): /, '')
      this.last.set(d.key, e.text.includes(' gone: ') ? 'gone' : signature({ ok: d.ok, message }))
    }
  }

  /** journals r when it is news for key; returns whether it did */
  record(key: string, r: ProbeResult): boolean {
    const sig = signature(r)
    if (this.last.get(key) === sig) return false
    this.last.set(key, sig)
    const data: ProbeJournalData = { probe: r.id, key, ok: r.ok, ...(r.values ? { values: r.values } : {}) }
    this.append({ kind: 'probe', target: r.target, text: `${r.id} ${r.ok ? 'ok' : 'FAILED'}: ${r.message}`, data })
    return true
  }

  /** the probe no longer applies (its server stopped): say so once if it was failing */
  gone(key: string, r: ProbeResult): void {
    if (this.last.get(key) === 'gone') return
    this.last.set(key, 'gone')
    if (!r.ok) this.append({ kind: 'probe', target: r.target, text: `${r.id} gone: no longer runs on ${r.target} (it was failing: ${r.message})`, data: { probe: r.id, key, ok: r.ok } satisfies ProbeJournalData })
  }
}
