// The Electron window: the only module that imports electron. Everything else is the plain-Node engine.
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow, ipcMain, shell } from 'electron'
import { createRuntime, type Runtime } from '../api/runtime'
import { attachIpcTransport } from './ipc-transport'

const here = fileURLToPath(new URL('.', import.meta.url))
let win: BrowserWindow | undefined
let runtime: Runtime | undefined

const devUrl = process.env.ELECTRON_RENDERER_URL
const isAppUrl = (url: string): boolean => (devUrl ? url.startsWith(devUrl) : url.startsWith('file://'))

async function createWindow(): Promise<void> {
  win = new BrowserWindow({
    width: 1440,
    height: 900,
    show: false,
    backgroundColor: '#11151c',
    title: 'Racklab',
    webPreferences: { preload: join(here, '../preload/index.cjs'), contextIsolation: true, sandbox: true, nodeIntegration: false },
  })
  win.once('ready-to-show', () => win?.show())
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  win.webContents.on('will-navigate', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault()
  })
  if (devUrl) await win.loadURL(devUrl)
  else await win.loadFile(join(here, '../renderer/index.html'))
}

app.whenReady().then(async () => {
  // packaged: lab-images/ and resources/ sit beside app.asar (electron-builder.yml extraResources)
  if (app.isPackaged) process.env.RACKLAB_ROOT ??= process.resourcesPath
  runtime = await createRuntime({ watch: true })
  attachIpcTransport(ipcMain, runtime.dispatch, runtime.bus, () => win?.webContents, isAppUrl)
  await createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow()
  })
}).catch((e: unknown) => {
  console.error('Racklab could not start:', e)
  app.exit(1)
})

app.on('window-all-closed', () => {
  runtime?.close()
  if (process.platform !== 'darwin') app.quit()
})
