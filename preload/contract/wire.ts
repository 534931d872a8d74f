// Messages on the browser-mode WebSocket (`/ws?token=…`). Electron IPC carries the same call/reply/event shapes.
import type { WireError } from './errors'

export interface CallMsg {
  t: 'call'
  id: number
  cmd: string
  arg?: unknown
}
export type ReplyMsg = { t: 'reply'; id: number; ok: true; value: unknown } | { t: 'reply'; id: number; ok: false; error: WireError }
export interface EventMsg {
  t: 'event'
  ev: string
  payload: unknown
}
export interface HelloMsg {
  t: 'hello'
  version: string
}
export type ServerMsg = ReplyMsg | EventMsg | HelloMsg

/** Largest message either side accepts (console input, topology documents). */
export const MAX_PAYLOAD = 1024 * 1024
export const WS_PATH = '/ws'
/** IPC channel names of the Electron transport. */
export const IPC_CALL = 'racklab:call'
export const IPC_EVENT = 'racklab:event'
