// Health board: the monitor's latest results (lab.check on (re)connect when the engine runs a monitor, each
// with its age) kept current by `probe.results` events (upserted). "Check now" asks for a fresh run. Each
// result remembers when it was measured on this page's clock, so the board can show its age ticking.
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { ProbeResult } from '@contract/status'
import type { RendererClient } from '../client/types'
import { useOpsStore } from './ops'
import { describeError } from '../client/client-error'
import { useAlertsStore } from './alerts'
import { all } from './when-open'

export interface LiveResult extends ProbeResult {
  /** Date.now() of the measurement, as this page sees it */
  measuredAt: number
}

const keyOf = (r: ProbeResult): string => `${r.id}|${r.target}`

export const useProbesStore = defineStore('probes', () => {
  const results = ref<LiveResult[]>([])
  const running = ref(false)
  /** why the latest results could not be loaded (the lab is down, say); a background load raises no toast */
  const loadError = ref<string | null>(null)
  let client: RendererClient | null = null

  const failing = computed(() => results.value.filter((r) => !r.ok))
  const passing = computed(() => results.value.filter((r) => r.ok))

  function upsert(incoming: readonly ProbeResult[], now = Date.now()): void {
    // a probe is one check of one target: db.ping runs once per database server
    const byId = new Map(results.value.map((r) => [keyOf(r), r]))
    for (const r of incoming) byId.set(keyOf(r), { ...r, measuredAt: now - (r.ageMs ?? 0) })
    results.value = [...byId.values()].sort((a, b) => a.target.localeCompare(b.target) || a.id.localeCompare(b.id))
  }

  /** runs every probe now (the monitor would anyway, on its schedule) */
  async function run(): Promise<void> {
    const ops = useOpsStore()
    if (!client) return ops.report(new Error('not connected to the engine yet'), 'run checks')
    running.value = true
    try {
      const fresh = await client.call('lab.check', { fresh: true })
      results.value = []
      upsert(fresh)
    } catch (e) {
      ops.report(e, 'run checks')
    } finally {
      running.value = false
    }
  }

  /** the monitor's latest results, at once; without a monitor lab.check would run every probe, so skip it */
  async function loadLatest(c: RendererClient): Promise<void> {
    try {
      const latest = await c.call('lab.check', { fresh: false })
      results.value = []
      upsert(latest)
      loadError.value = null
    } catch (e) {
      loadError.value = describeError(e)
    }
  }

  function bind(c: RendererClient): () => void {
    client = c
    const alerts = useAlertsStore()
    return all([
      c.on('probe.results', (r) => upsert(r)),
      watch(
        () => alerts.loads,
        () => {
          if (alerts.monitorRunning) void loadLatest(c)
        },
      ),
      () => {
        client = null
      },
    ])
  }

  return { results, running, loadError, failing, passing, run, upsert, bind }
})
