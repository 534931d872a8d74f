// The Docker engine as the backend sees it, plus (in browser mode) our connection to the backend itself.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { EngineStatus } from '@contract/status'
import { describeError } from '../client/client-error'
import type { ClientMode, ConnectionInfo, RendererClient } from '../client/types'
import { all, whenOpen } from './when-open'

export const useEngineStore = defineStore('engine', () => {
  const status = ref<EngineStatus | null>(null)
  const mode = ref<ClientMode>('bridge')
  const connection = ref<ConnectionInfo>({ state: 'connecting' })
  /** why engine.status could not be fetched (the backend answered with an error) */
  const loadError = ref<string | null>(null)
  let client: RendererClient | null = null

  const connected = computed(() => connection.value.state === 'open')
  const engineReady = computed(() => connected.value && status.value?.state === 'connected')

  async function refresh(): Promise<void> {
    if (!client) return
    try {
      status.value = await client.call('engine.status')
      loadError.value = null
    } catch (e) {
      loadError.value = describeError(e)
    }
  }

  function bind(c: RendererClient): () => void {
    client = c
    mode.value = c.mode
    connection.value = { ...c.connection }
    return all([
      c.onConnection((info) => {
        connection.value = { ...info }
      }),
      c.on('engine.changed', (s) => {
        status.value = s
      }),
      // every lab snapshot carries the engine too; take it so the pill never lags the racks
      c.on('lab.changed', (l) => {
        status.value = l.engine
      }),
      whenOpen(c, () => void refresh()),
      () => {
        client = null
      },
    ])
  }

  return { status, mode, connection, loadError, connected, engineReady, refresh, bind }
})
