// Electron mode: the preload exposes `window.racklab`; replies arrive as data ({ok, value} | {ok, error}).
import type { Cmd, CmdIn, CmdOut, EventPayloads, Evt } from '@contract/commands'
import type { Reply } from '@contract/errors'
import { ClientError, asWireError, toClientError } from './client-error'
import type { ConnectionInfo, RendererClient } from './types'

/** The shape the preload hands over through contextBridge. */
export interface RacklabBridge {
  call(cmd: string, arg: unknown): Promise<Reply<unknown>>
  on(ev: string, fn: (payload: unknown) => void): () => void
}

function unwrap(reply: unknown, cmd: string): unknown {
  if (typeof reply !== 'object' || reply === null || !('ok' in reply)) {
    throw new ClientError('INTERNAL', `malformed reply to ${cmd} from the preload bridge`)
  }
  const r = reply as { ok: unknown; value?: unknown; error?: unknown }
  if (r.ok === true) return r.value
  const wire = asWireError(r.error)
  throw wire ? ClientError.fromWire(wire) : new ClientError('INTERNAL', `${cmd} failed without an error description`)
}

export function createBridgeClient(bridge: RacklabBridge): RendererClient {
  // IPC cannot drop while the window lives, so the connection is always open
  const connection: ConnectionInfo = Object.freeze({ state: 'open' })
  return {
    mode: 'bridge',
    connection,
    async call<C extends Cmd>(cmd: C, arg?: CmdIn<C>): Promise<CmdOut<C>> {
      let reply: unknown
      try {
        reply = await bridge.call(cmd, arg)
      } catch (e) {
        // the invoke itself failed (preload refused the channel, main crashed): not a WireError
        throw toClientError(e)
      }
      return unwrap(reply, cmd) as CmdOut<C>
    },
    on<E extends Evt>(ev: E, fn: (payload: EventPayloads[E]) => void): () => void {
      return bridge.on(ev, (p) => fn(p as EventPayloads[E]))
    },
    onConnection: () => () => {},
    close: () => {},
  }
}
