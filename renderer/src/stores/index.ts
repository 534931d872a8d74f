// Binds every store to the one client; the returned function unsubscribes them all (used by tests and HMR).
import type { RendererClient } from '../client/types'
import { useAlertsStore } from './alerts'
import { useCallsStore } from './calls'
import { useEngineStore } from './engine'
import { useJournalStore } from './journal'
import { useLabStore } from './lab'
import { useMonitorHistoryStore } from './monitor-history'
import { useOpsStore } from './ops'
import { useProbesStore } from './probes'
import { all } from './when-open'

export { useAlertsStore, useCallsStore, useMonitorHistoryStore, useEngineStore, useJournalStore, useLabStore, useOpsStore, useProbesStore }

export function bindStores(client: RendererClient): () => void {
  return all([
    useCallsStore().bind(client),
    useEngineStore().bind(client),
    useLabStore().bind(client),
    useOpsStore().bind(client),
    useJournalStore().bind(client),
    useProbesStore().bind(client),
    useAlertsStore().bind(client),
    useMonitorHistoryStore().bind(client),
  ])
}
