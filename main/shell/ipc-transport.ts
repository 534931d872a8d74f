// Electron transport: the contract over ipcMain.handle, events pushed to the window. Takes its electron
// pieces as arguments so it can be tested with an EventEmitter stand-in.
import { IPC_CALL, IPC_EVENT } from '@contract/wire'
import type { EventBus } from '../engine/events/event-bus'
import type { Dispatch } from '../api/dispatcher'
import type { FrameLike } from './ipc-sender'

export interface IpcMainLike {
  handle(channel: string, fn: (event: { senderFrame: FrameLike | null }, ...args: unknown[]) => Promise<unknown>): void
  removeHandler(channel: string): void
}
export interface WebContentsLike {
  send(channel: string, ...args: unknown[]): void
  isDestroyed(): boolean
}

export function attachIpcTransport(ipc: IpcMainLike, dispatch: Dispatch, bus: EventBus, target: () => WebContentsLike | undefined, senderAllowed: (frame: FrameLike | null) => boolean): () => void {
  ipc.handle(IPC_CALL, async (event, cmd, arg) => {
    // only the app's own window may call (ipc-sender.ts): a missing, foreign or navigated-away frame gets nothing
    if (!senderAllowed(event.senderFrame)) return { ok: false, error: { code: 'REFUSED', message: 'calls are only accepted from the Racklab window' } }
    return dispatch(cmd, arg)
  })
  const off = bus.onAny((ev, payload) => {
    const wc = target()
    if (wc && !wc.isDestroyed()) wc.send(IPC_EVENT, ev, payload)
  })
  return () => {
    off()
    ipc.removeHandler(IPC_CALL)
  }
}
