// The journal timeline: history from journal.list on (re)connect, then journal.appended; the last 500 entries.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { JournalEntry } from '@contract/status'
import { describeError } from '../client/client-error'
import type { RendererClient } from '../client/types'
import { all, whenOpen } from './when-open'

export const JOURNAL_KEEP = 500

export const useJournalStore = defineStore('journal', () => {
  /** ascending by seq */
  const entries = ref<JournalEntry[]>([])
  const loadError = ref<string | null>(null)

  /** Union by seq: history and live events can overlap around a reconnect. */
  function merge(incoming: readonly JournalEntry[]): void {
    const last = entries.value.at(-1)
    if (incoming.length === 1 && (!last || incoming[0]!.seq > last.seq)) {
      entries.value.push(incoming[0]!) // the common case: one new entry at the end
    } else {
      const bySeq = new Map(entries.value.map((e) => [e.seq, e]))
      for (const e of incoming) bySeq.set(e.seq, e)
      entries.value = [...bySeq.values()].sort((a, b) => a.seq - b.seq)
    }
    if (entries.value.length > JOURNAL_KEEP) entries.value.splice(0, entries.value.length - JOURNAL_KEEP)
  }

  async function load(c: RendererClient): Promise<void> {
    try {
      merge(await c.call('journal.list', { since: 0, limit: JOURNAL_KEEP }))
      loadError.value = null
    } catch (e) {
      loadError.value = describeError(e)
    }
  }

  function bind(c: RendererClient): () => void {
    return all([c.on('journal.appended', (e) => merge([e])), whenOpen(c, () => void load(c))])
  }

  return { entries, loadError, merge, bind }
})
