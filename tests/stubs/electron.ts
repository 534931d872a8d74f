// Node tests never load the real electron package (it would download its binary): see vitest.config.ts.
export const app = {}
export const ipcMain = {}
export const BrowserWindow = class {}
export const contextBridge = {}
export const ipcRenderer = {}
export default { app, ipcMain, BrowserWindow, contextBridge, ipcRenderer }
