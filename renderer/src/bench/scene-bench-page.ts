// The scene alone in a page, for tests/bench/scene.bench.ts (and for looking at the scene without a lab): the
// bench injects a topology, statuses and a hardware snapshot as window.__benchInput, then calls window.__bench.
import type { HardwareStatus } from '@contract/hardware'
import type { ServerStatus } from '@contract/status'
import type { Topology } from '@contract/topology'
import { sceneState } from '../scene/led-states'
import { RackScene } from '../scene/rack-scene'
import { createWebglRenderer, type RendererLike } from '../scene/renderer'
import { indexHardware } from '../stores/hardware-view'

interface BenchInput {
  topology: Topology
  servers: ServerStatus[]
  hardware: HardwareStatus | null
  /** alternative snapshots to flip between when measuring churn */
  churn?: HardwareStatus[]
  select?: string
  side?: 'front' | 'back'
  /** true: frames come from requestAnimationFrame as in the app (render on demand), for changeMs and idleFrames */
  animate?: boolean
}

declare global {
  interface Window {
    __benchInput?: BenchInput
    __bench?: unknown
  }
}

const input = window.__benchInput
const host = document.getElementById('host')
if (!input || !host) throw new Error('scene bench: window.__benchInput and #host are required')

let gl: WebGLRenderingContext | WebGL2RenderingContext | null = null
const scene = new RackScene(host, {
  animate: input.animate === true,
  createRenderer: (): RendererLike => {
    const r = createWebglRenderer()
    gl = (r as unknown as { getContext(): WebGL2RenderingContext }).getContext()
    return r
  },
})
scene.setTopology(input.topology)
const apply = (hw: HardwareStatus | null): void => scene.setState(sceneState(input.topology, input.servers, hw ? indexHardware(hw) : null))
apply(input.hardware)
const churnSnaps = input.churn?.length ? input.churn : [input.hardware]
if (input.side === 'back') scene.view('back')
if (input.select) scene.select(input.select, true)
scene.rig.finish()
scene.renderNow()

const pixel = new Uint8Array(4)
/** Average time to render and finish a frame: reading a pixel back waits for the GPU (finish() may not). */
function frameMs(frames: number): number {
  const t0 = performance.now()
  for (let i = 0; i < frames; i++) {
    scene.rig.camera.position.x += 0.001
    scene.renderNow()
    gl?.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel)
  }
  return (performance.now() - t0) / frames
}

const nextFrame = (): Promise<void> => new Promise((resolve) => requestAnimationFrame(() => resolve()))

/**
 * Render on demand (animate: true): the time from a state change to its frame being drawn and finished, averaged
 * over `changes` flips between the churn snapshots. The scene queues its frame inside apply() (a microtask, or
 * an animation frame while the camera moves), so a check queued after it runs once that frame is drawn.
 */
async function changeMs(changes: number): Promise<number> {
  let total = 0
  for (let i = 0; i < changes; i++) {
    await nextFrame() // start between frames
    const before = scene.framesDrawn
    const t0 = performance.now()
    apply(churnSnaps[(i + 1) % churnSnaps.length] ?? null)
    await Promise.resolve() // the scene draws a change at the end of the task (RackScene.drawSoon)
    while (scene.framesDrawn === before) {
      if (performance.now() - t0 > 10_000) throw new Error(`scene bench: a state change drew no frame within 10 s (change ${i + 1})`)
      await nextFrame()
    }
    gl?.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel)
    total += performance.now() - t0
  }
  return total / changes
}

/**
 * Where a change's time goes, driven by hand (no requestAnimationFrame wait): applying the state (JS: instance
 * colours and matrices), submitting the frame (three.js), and the rasterizer finishing it (read back).
 */
function breakdown(changes: number): { applyMs: number; submitMs: number; rasterMs: number } {
  const sum = { applyMs: 0, submitMs: 0, rasterMs: 0 }
  for (let i = 0; i < changes; i++) {
    const t0 = performance.now()
    apply(churnSnaps[(i + 1) % churnSnaps.length] ?? null)
    const t1 = performance.now()
    scene.renderNow()
    const t2 = performance.now()
    gl?.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel)
    const t3 = performance.now()
    sum.applyMs += t1 - t0
    sum.submitMs += t2 - t1
    sum.rasterMs += t3 - t2
  }
  return { applyMs: sum.applyMs / changes, submitMs: sum.submitMs / changes, rasterMs: sum.rasterMs / changes }
}

/** Render on demand: frames drawn during `ms` with nothing changing (the target is none). */
async function idleFrames(ms: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 500)) // a frame asked for by the last change may still be due
  const before = scene.framesDrawn
  await new Promise((resolve) => setTimeout(resolve, ms))
  return scene.framesDrawn - before
}

function memory(): { geometries: number; textures: number } {
  return { ...scene.renderer.info.memory }
}


window.__bench = {
  drawCalls: (): number => scene.drawCalls(),
  software: (): number => (scene.renderer.software ? 1 : 0),
  frameMs,
  changeMs,
  breakdown,
  idleFrames,
  memory,
  churn(changes: number): { geometries: number; textures: number } {
    const snaps = input.churn?.length ? input.churn : [input.hardware]
    for (let i = 0; i < changes; i++) {
      apply(snaps[i % snaps.length] ?? null)
      if (i % 50 === 0) scene.renderNow()
    }
    scene.renderNow()
    return memory()
  },
  screenPosition: (id: string) => scene.screenPosition(id),
}
