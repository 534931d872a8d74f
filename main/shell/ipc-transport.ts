// Electron transport: the contract over ipcMain.handle, events pushed to the window. Takes its electron
// pieces as arguments so it can be tested with an EventEmitter stand-in.
// Each page load of a window is one client: a reload or a crashed or closed renderer is the client going
// away (its consoles are hung up), and the page loaded next is a new client.
import { IPC_CALL, IPC_EVENT } from '@contract/wire'
import type { EventBus } from '../engine/events/event-bus'
import type { Dispatch } from '../api/dispatcher'
import type { FrameLike } from './ipc-sender'

/** The window's WebContents, as much of it as the transport uses to tell page loads apart. */
export interface SenderLike {
  id: number
  on(event: 'did-navigate' | 'render-process-gone' | 'destroyed', fn: () => void): unknown
}
export interface IpcMainLike {
  handle(channel: string, fn: (event: { senderFrame: FrameLike | null; sender?: SenderLike }, ...args: unknown[]) => Promise<unknown>): void
  removeHandler(channel: string): void
}
export interface WebContentsLike {
  id?: number
  send(channel: string, ...args: unknown[]): void
  isDestroyed(): boolean
}

export function attachIpcTransport(ipc: IpcMainLike, dispatch: Dispatch, bus: EventBus, target: () => WebContentsLike | undefined, senderAllowed: (frame: FrameLike | null) => boolean): () => void {
  /** webContents id → the client of the page it shows now */
  const current = new Map<number, string>()
  const watched = new Set<number>()
  let loads = 0
  const clientOf = (sender: SenderLike | undefined): string => {
    if (!sender) return 'ipc'
    let id = current.get(sender.id)
    if (id) return id
    current.set(sender.id, (id = `ipc:${sender.id}:${++loads}`))
    if (!watched.has(sender.id)) {
      watched.add(sender.id)
      const gone = (): void => {
        const was = current.get(sender.id)
        current.delete(sender.id)
        if (was) dispatch.clientGone(was)
      }
      for (const ev of ['did-navigate', 'render-process-gone', 'destroyed'] as const) sender.on(ev, gone)
    }
    return id
  }
  ipc.handle(IPC_CALL, async (event, cmd, arg) => {
    // only the app's own window may call (ipc-sender.ts): a missing, foreign or navigated-away frame gets nothing
    if (!senderAllowed(event.senderFrame)) return { ok: false, error: { code: 'REFUSED', message: 'calls are only accepted from the Racklab window' } }
    return dispatch(cmd, arg, clientOf(event.sender))
  })
  const off = bus.onAny((ev, payload, to) => {
    const wc = target()
    if (!wc || wc.isDestroyed()) return
    if (to !== undefined && (wc.id === undefined ? 'ipc' : current.get(wc.id)) !== to) return
    wc.send(IPC_EVENT, ev, payload)
  })
  return () => {
    off()
    ipc.removeHandler(IPC_CALL)
    for (const id of current.values()) dispatch.clientGone(id)
    current.clear()
  }
}
