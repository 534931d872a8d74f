// window.__racklabScene: the handle the e2e tests (tests/e2e/*.test.ts) drive the 3D view with, since a WebGL
// canvas has no DOM to query. This module is the one place it is defined and installed; SiteView installs it
// while the view is mounted and removes it on unmount. It reads what the scene shows and selects as a click
// would; it never changes the lab.
//
//   unitScreenPosition(id)   page coordinates of a unit's or PDU's visible face centre (click there to pick it),
//                            null when unknown or off screen
//   drawCalls()              draw calls of the last frame
//   framesDrawn()            frames drawn since the view opened (on demand: it stays put while nothing changes)
//   selectUnit(id)           selects a unit, or a PDU's circuit, like a click on it; unknown ids clear
//   ledState(id, part)       { color, blink } of an LED as the scene shows it: part 'power' (default), 'status',
//                            'activity' of a unit, 'breaker' of a PDU; null when the scene has no such LED
//   meter(pduId)             a PDU's amp meter text as drawn ('7.4 A', 'off'); null when not drawn
import { key } from './led-states'
import type { LedState } from './palette'
import type { RackScene } from './rack-scene'

export type LedPart = 'power' | 'status' | 'activity' | 'breaker'

export interface RacklabSceneHook {
  unitScreenPosition(id: string): { x: number; y: number } | null
  drawCalls(): number
  framesDrawn(): number
  selectUnit(id: string): void
  ledState(id: string, part?: LedPart): LedState | null
  meter(pduId: string): string | null
}

/** Installs the hook over whatever scene `current` returns at call time; returns the uninstaller. */
export function installSceneHook(current: () => RackScene | null, select: (id: string) => void): () => void {
  const hook: RacklabSceneHook = {
    unitScreenPosition: (id) => current()?.screenPosition(id) ?? null,
    drawCalls: () => current()?.drawCalls() ?? 0,
    framesDrawn: () => current()?.framesDrawn ?? 0,
    selectUnit: select,
    ledState: (id, part = 'power') => current()?.site?.ledShown(key[part](id)) ?? null,
    meter: (pduId) => current()?.site?.meterShown(key.meter(pduId)) ?? null,
  }
  window.__racklabScene = hook
  return () => {
    if (window.__racklabScene === hook) delete window.__racklabScene
  }
}
