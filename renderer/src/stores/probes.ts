// Health board: results of `lab.check` (a full run replaces the board) and `probe.results` events (upserted).
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ProbeResult } from '@contract/status'
import type { RendererClient } from '../client/types'
import { useOpsStore } from './ops'
import { all } from './when-open'

export const useProbesStore = defineStore('probes', () => {
  const results = ref<ProbeResult[]>([])
  const running = ref(false)
  let client: RendererClient | null = null

  const failing = computed(() => results.value.filter((r) => !r.ok))
  const passing = computed(() => results.value.filter((r) => r.ok))

  function upsert(incoming: readonly ProbeResult[]): void {
    // a probe is one check of one target: db.ping runs once per database server
    const key = (r: ProbeResult): string => `${r.id}|${r.target}`
    const byId = new Map(results.value.map((r) => [key(r), r]))
    for (const r of incoming) byId.set(key(r), r)
    results.value = [...byId.values()].sort((a, b) => a.target.localeCompare(b.target) || a.id.localeCompare(b.id))
  }

  async function run(): Promise<void> {
    const ops = useOpsStore()
    if (!client) return ops.report(new Error('not connected to the engine yet'), 'run checks')
    running.value = true
    try {
      const fresh = await client.call('lab.check')
      results.value = []
      upsert(fresh)
    } catch (e) {
      ops.report(e, 'run checks')
    } finally {
      running.value = false
    }
  }

  function bind(c: RendererClient): () => void {
    client = c
    return all([
      c.on('probe.results', upsert),
      () => {
        client = null
      },
    ])
  }

  return { results, running, failing, passing, run, bind }
})
