// The Electron window: the only module that imports electron. Everything else is the plain-Node engine.
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { app, BrowserWindow, ipcMain, session, shell } from 'electron'
import { openLink, type LabLink } from '../cli/lab-link'
import { appUrlMatcher } from './app-url'
import { ipcSenderAllowed } from './ipc-sender'
import { attachIpcTransport } from './ipc-transport'
import { denyAllPermissions } from './permissions'

const here = fileURLToPath(new URL('.', import.meta.url))
let win: BrowserWindow | undefined
let link: LabLink | undefined

const devUrl = process.env.ELECTRON_RENDERER_URL
// loaded by this very URL, so the page the window shows and the one IPC trusts cannot drift apart
const indexUrl = pathToFileURL(join(here, '../renderer/index.html')).href
const isAppUrl = appUrlMatcher({ devUrl, indexUrl })

/** the window's top frame, which alone may call the engine; none while no live window exists */
const mainFrame = (): Electron.WebFrameMain | undefined => (win && !win.isDestroyed() ? win.webContents.mainFrame : undefined)

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
  // the window shows the app's own page and nothing else (app-url.ts), also after a server redirect
  win.webContents.on('will-navigate', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault()
  })
  win.webContents.on('will-redirect', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault()
  })
  if (devUrl) await win.loadURL(devUrl)
  else await win.loadURL(indexUrl)
}

app.whenReady().then(async () => {
  // packaged: lab-images/ and resources/ sit beside app.asar (electron-builder.yml extraResources)
  if (app.isPackaged) process.env.RACKLAB_ROOT ??= process.resourcesPath
  denyAllPermissions(session.defaultSession)
  // the window is a client of the lab's engine service, like the CLI and the browser: started when none runs
  // (Electron runs it as plain Node), and it keeps the lab moving after the window closes
  if (app.isPackaged) process.env.RACKLAB_ENGINE_ENTRY ??= join(app.getAppPath(), 'out/cli/engine.mjs')
  link = await openLink({ engine: 'start', watch: true })
  const { dispatch, bus } = await link.host()
  attachIpcTransport(ipcMain, dispatch, bus, () => win?.webContents, (frame) => ipcSenderAllowed(frame, mainFrame(), isAppUrl))
  await createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow()
  })
}).catch((e: unknown) => {
  console.error('Racklab could not start:', e)
  app.exit(1)
})

app.on('window-all-closed', () => {
  link?.close()
  if (process.platform !== 'darwin') app.quit()
})
