import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { indexHardware } from '../stores/hardware-view'
import { hardwareFor } from '../testing/hardware-fixture'
import { nyiTopology } from '../testing/nyi-topology'
import { createStubRenderer } from '../testing/stub-renderer'
import { sceneState } from './led-states'
import { MAX_BUFFER_PIXELS, pixelRatio, RackScene, SOFTWARE_BUFFER_PIXELS } from './rack-scene'

const t = nyiTopology()
let host: HTMLElement
let frames: Array<() => void>
let scene: RackScene | null = null

beforeEach(() => {
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null)
  host = document.createElement('div')
  document.body.append(host)
  frames = []
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
  // animation frames by hand: the test sees exactly which frames the scene asks for
  vi.stubGlobal('requestAnimationFrame', (fn: () => void) => frames.push(fn))
  vi.stubGlobal('cancelAnimationFrame', () => {})
})
afterEach(() => {
  scene?.dispose()
  scene = null
  host.remove()
  vi.useRealTimers()
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

/** runs the animation frames requested so far (and those they request), at most n rounds */
function runFrames(n = 50): number {
  let ran = 0
  for (let i = 0; i < n && frames.length; i++) {
    const batch = frames.splice(0)
    for (const f of batch) f()
    ran += batch.length
  }
  return ran
}

describe('rendering on demand', () => {
  it('draws on a change and requests no frame while nothing changes', () => {
    const stub = createStubRenderer()
    let now = 0
    // still LEDs (as under software GL): with no server reporting, standby LEDs would blink and ask for frames
    scene = new RackScene(host, { createRenderer: () => stub, now: () => now, still: true })
    scene.setTopology(t)
    const state = sceneState(t, [], indexHardware(hardwareFor(t, {})))
    scene.setState(state)
    now = 5000
    runFrames()
    const drawn = scene.framesDrawn
    expect(drawn).toBeGreaterThanOrEqual(1)
    expect(frames).toHaveLength(0) // idle: no animation frame pending
    vi.advanceTimersByTime(10_000)
    expect(frames).toHaveLength(0)
    scene.setState(state) // the same picture again
    expect(frames).toHaveLength(0)
    scene.select('db1', false) // the selection box moves: one frame
    expect(frames).toHaveLength(1)
    runFrames()
    expect(scene.framesDrawn).toBe(drawn + 1)
    expect(frames).toHaveLength(0)
  })

  it('draws a changed state at the end of the task, with no animation frame, once for several changes', async () => {
    const stub = createStubRenderer()
    scene = new RackScene(host, { createRenderer: () => stub, now: () => 0, still: true })
    scene.setTopology(t)
    scene.setState(sceneState(t, [], indexHardware(hardwareFor(t, {}))))
    runFrames()
    const drawn = scene.framesDrawn
    scene.setState(sceneState(t, [], indexHardware(hardwareFor(t, { tripped: ['nyi-1-a'] }))))
    scene.setState(sceneState(t, [], indexHardware(hardwareFor(t, { tripped: ['nyi-1-a'], unplugged: ['db2/int'] }))))
    expect(scene.framesDrawn).toBe(drawn) // not inside setState
    await Promise.resolve()
    expect(scene.framesDrawn).toBe(drawn + 1)
    expect(frames).toHaveLength(0)
  })

  it('keeps ticking only while an LED blinks, and not at all on a software renderer', () => {
    const stub = createStubRenderer()
    const blinking = sceneState(t, [], indexHardware(hardwareFor(t, { bays: { 'raid1/12': 'rebuilding' } })))
    scene = new RackScene(host, { createRenderer: () => stub, now: () => Date.now(), still: false })
    scene.setTopology(t)
    scene.setState(blinking)
    runFrames()
    vi.advanceTimersByTime(200)
    expect(frames.length).toBe(1) // the next blink step
    scene.dispose()
    scene = new RackScene(host, { createRenderer: () => createStubRenderer(), now: () => Date.now(), still: true })
    scene.setTopology(t)
    scene.setState(blinking)
    runFrames()
    vi.advanceTimersByTime(1000)
    expect(frames).toHaveLength(0)
  })

  it('caps the pixel ratio at 2, at the pixel budget, and in software at 1 and at the software budget', () => {
    expect(pixelRatio(1280, 720, 3, false)).toBe(2)
    expect(pixelRatio(1280, 720, 1, false)).toBe(1)
    expect(pixelRatio(3840, 2160, 2, false)).toBe(1)
    const r = pixelRatio(2560, 1440, 2, false)
    expect(2560 * 1440 * r * r).toBeLessThanOrEqual(MAX_BUFFER_PIXELS + 1)
    expect(pixelRatio(600, 400, 2, true)).toBe(1)
    const soft = pixelRatio(1440, 900, 1, true)
    expect(soft).toBeLessThan(1)
    expect(1440 * 900 * soft * soft).toBeCloseTo(SOFTWARE_BUFFER_PIXELS, -1)
  })
})
