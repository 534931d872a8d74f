// Picks the transport at boot: the Electron preload bridge when present, otherwise the WebSocket of `racklab serve`.
import { createBridgeClient } from './bridge-client'
import type { RacklabBridge } from './bridge-client'
import type { RendererClient } from './types'
import { createWsClient, tokenFrom, wsUrlFor } from './ws-client'

export { ClientError, describeError, toClientError } from './client-error'
export type { ClientErrorCode } from './client-error'
export type { ClientMode, ConnectionInfo, ConnectionState, RendererClient } from './types'

interface BootEnv {
  racklab?: RacklabBridge
  location: Pick<Location, 'protocol' | 'host' | 'search' | 'hash'>
}

export function createClient(env: BootEnv = window): RendererClient {
  if (env.racklab) return createBridgeClient(env.racklab)
  const hint = tokenFrom(env.location) === null
    ? 'the page address has no ?token=; open the URL that racklab serve printed'
    : 'is racklab serve running, and is this the URL it printed last?'
  return createWsClient({ url: wsUrlFor(env.location), hint })
}
