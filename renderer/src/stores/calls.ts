// Components that call the engine directly (actions, logs, consoles) get the bound client here. It is kept in a
// shallowRef and marked raw: a transport is not state to be made reactive.
import { defineStore } from 'pinia'
import { markRaw, shallowRef } from 'vue'
import type { Cmd, CmdIn, CmdOut, EventPayloads, Evt } from '@contract/commands'
import { ClientError } from '../client/client-error'
import type { RendererClient } from '../client/types'

export const useCallsStore = defineStore('calls', () => {
  const client = shallowRef<RendererClient | null>(null)

  function call<C extends Cmd>(cmd: C, arg?: CmdIn<C>): Promise<CmdOut<C>> {
    const c = client.value
    if (!c) return Promise.reject(new ClientError('DISCONNECTED', `${cmd}: not connected to the engine yet`))
    return c.call(cmd, arg)
  }

  function on<E extends Evt>(ev: E, fn: (payload: EventPayloads[E]) => void): () => void {
    return client.value?.on(ev, fn) ?? (() => {})
  }

  function bind(c: RendererClient): () => void {
    client.value = markRaw(c)
    return () => {
      client.value = null
    }
  }

  return { client, call, on, bind }
})
