// What the renderer needs from a transport beyond the contract's LabClient: the connection, for the banner.
import type { LabClient } from '@contract/commands'

export type ConnectionState = 'connecting' | 'open' | 'closed'
export type ClientMode = 'bridge' | 'browser'

export interface ConnectionInfo {
  state: ConnectionState
  /** why the last connection closed, when the server or the client said so */
  reason?: string
}

export interface RendererClient extends LabClient {
  readonly mode: ClientMode
  readonly connection: ConnectionInfo
  /** called on every change of `connection`; returns its unsubscribe */
  onConnection(fn: (c: ConnectionInfo) => void): () => void
  close(): void
}
