/// <reference types="vite/client" />
// The bridge the Electron preload exposes; absent in a browser, which is how createClient() tells the modes apart.
import type { RacklabBridge } from './client/bridge-client'
import type { RacklabSceneHook } from './scene/scene-hook'

declare global {
  interface Window {
    racklab?: RacklabBridge
    /** set while the 3D view is mounted, for e2e tests: see scene/scene-hook.ts */
    __racklabScene?: RacklabSceneHook
  }
}

export {}
