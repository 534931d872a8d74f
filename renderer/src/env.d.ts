/// <reference types="vite/client" />
// The bridge the Electron preload exposes; absent in a browser, which is how createClient() tells the modes apart.
import type { RacklabBridge } from './client/bridge-client'

declare global {
  interface Window {
    racklab?: RacklabBridge
  }
}

export {}
