// The lab as the engine reports it: the LabStatus snapshot (replaced by every lab.changed), the topology it
// runs, and the per-server controls. Nothing here computes state; it only mirrors what the engine says.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { CmdIn } from '@contract/commands'
import type { LabStatus, ServerStatus } from '@contract/status'
import type { Topology } from '@contract/topology'
import { describeError } from '../client/client-error'
import type { RendererClient } from '../client/types'
import { useOpsStore } from './ops'
import { layoutSites, serversByRack as groupByRack } from './rack-layout'
import { all, whenOpen } from './when-open'

export type ControlOp = CmdIn<'server.control'>['op']

export const useLabStore = defineStore('lab', () => {
  const status = ref<LabStatus | null>(null)
  const topology = ref<Topology | null>(null)
  /** why the snapshot or the topology could not be loaded */
  const loadError = ref<string | null>(null)
  /** server id → the control op in flight, so its buttons disable until the engine answers */
  const pending = ref<Record<string, ControlOp>>({})
  let client: RendererClient | null = null

  const servers = computed<ServerStatus[]>(() => status.value?.servers ?? [])
  const serverById = computed(() => new Map(servers.value.map((s) => [s.id, s])))
  const serversByRack = computed(() => groupByRack(servers.value))
  const sites = computed(() => layoutSites(topology.value, servers.value))
  const currentOp = computed(() => status.value?.op ?? null)

  async function refresh(): Promise<void> {
    if (!client) return
    const c = client
    const [s, t] = await Promise.allSettled([c.call('lab.status'), c.call('lab.topology')])
    if (s.status === 'fulfilled') status.value = s.value
    if (t.status === 'fulfilled') topology.value = t.value
    const failed = [s, t].flatMap((r) => (r.status === 'rejected' ? [describeError(r.reason)] : []))
    loadError.value = failed.length ? failed.join('; ') : null
  }

  /** Replaces one server's row with the status the engine returned, until the next lab.changed. */
  function patchServer(next: ServerStatus): void {
    if (!status.value) return
    const i = status.value.servers.findIndex((s) => s.id === next.id)
    if (i >= 0) status.value.servers[i] = next
  }

  async function control(server: string, op: ControlOp): Promise<void> {
    const ops = useOpsStore()
    if (!client) return ops.report(new Error('not connected to the engine yet'), `${op} ${server}`)
    pending.value[server] = op
    try {
      patchServer(await client.call('server.control', { server, op }))
    } catch (e) {
      ops.report(e, `${op} ${server}`)
    } finally {
      delete pending.value[server]
    }
  }

  function bind(c: RendererClient): () => void {
    client = c
    return all([
      c.on('lab.changed', (l) => {
        status.value = l
      }),
      whenOpen(c, () => void refresh()),
      () => {
        client = null
      },
    ])
  }

  return { status, topology, loadError, pending, servers, serverById, serversByRack, sites, currentOp, refresh, control, bind }
})
