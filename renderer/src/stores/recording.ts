// Record / Stop recording in the journal dock: Record remembers where the journal stands; Stop asks the engine to
// turn the stretch since then into a scenario file (journal.export, the same command as `racklab journal export
// --as scenario`). Nothing of the export is done here: the file is the engine's, the window only offers to save it.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { CmdOut } from '@contract/commands'
import { describeError } from '../client/client-error'
import { useCallsStore } from './calls'
import { useJournalStore } from './journal'

export type Recorded = CmdOut<'journal.export'> & { since: number }

export const useRecordingStore = defineStore('recording', () => {
  /** the journal entry the recording starts after; null while not recording */
  const since = ref<number | null>(null)
  const recorded = ref<Recorded | null>(null)
  const error = ref<string | null>(null)
  const busy = ref(false)

  function start(): void {
    // the newest entry the window has seen: what happens after it is recorded
    since.value = useJournalStore().entries.at(-1)?.seq ?? 0
    recorded.value = null
    error.value = null
  }

  async function stop(): Promise<void> {
    if (since.value === null || busy.value) return
    busy.value = true
    const from = since.value
    try {
      // up to the engine's newest entry (the window may not have seen the last ones yet)
      recorded.value = { ...(await useCallsStore().call('journal.export', { since: from })), since: from }
      error.value = null
    } catch (e) {
      error.value = describeError(e)
    } finally {
      since.value = null
      busy.value = false
    }
  }

  function discard(): void {
    recorded.value = null
    error.value = null
  }

  return { since, recorded, error, busy, start, stop, discard }
})
