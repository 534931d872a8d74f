// The renderer's only door to the main process: an allow-listed `call` and an `on` that returns its unsubscribe
// (bridged functions change identity, so removeListener could never match: electron/electron#33328).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { isCmd, isEvt } from './contract/names'
import { IPC_CALL, IPC_EVENT } from './contract/wire'

contextBridge.exposeInMainWorld('racklab', {
  call: (cmd: string, arg: unknown): Promise<unknown> => {
    if (!isCmd(cmd)) return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_COMMAND', message: `unknown command ${cmd}` } })
    return ipcRenderer.invoke(IPC_CALL, cmd, arg)
  },
  on: (ev: string, fn: (payload: unknown) => void): (() => void) => {
    if (!isEvt(ev)) throw new Error(`unknown event ${ev}`)
    const h = (_e: IpcRendererEvent, name: string, payload: unknown): void => {
      if (name === ev) fn(payload)
    }
    ipcRenderer.on(IPC_EVENT, h)
    return () => ipcRenderer.off(IPC_EVENT, h)
  },
})
