// The 3D view: a plain class that owns its renderer, scene, camera and every GPU resource, and frees them all in
// dispose(). Vue keeps it in a markRaw'd variable and feeds it plain data (topology, a SceneState); it answers
// with hover and selection callbacks. It renders only when something moved or blinked.
import { Color, DirectionalLight, Fog, HemisphereLight, Raycaster, Scene, Vector2, Vector3 } from 'three'
import type { Topology } from '@contract/topology'
import { CameraRig, type Side } from './camera-rig'
import { Highlight } from './highlight'
import { boxCenter, type Box } from './layout'
import type { SceneState } from './led-states'
import { Owned } from './owned'
import { ROOM } from './palette'
import type { Pickable } from './parts/sink'
import { pick } from './picking'
import { createWebglRenderer, type RendererFactory, type RendererLike } from './renderer'
import { SiteModel, type CanvasFactory } from './site-model'

export interface PickInfo {
  id: string
  kind: Pickable['kind']
}

export interface RackSceneOptions {
  createRenderer?: RendererFactory
  createCanvas?: CanvasFactory
  now?: () => number
  /** false in tests: they drive frames with renderNow() */
  animate?: boolean
  /** LEDs do not blink (default: on software renderers) */
  still?: boolean
  onHover?(hit: PickInfo | null, clientX: number, clientY: number): void
  onSelect?(hit: PickInfo | null): void
}

/** blink and flicker steps: 8 frames a second is enough for LEDs and spares a software renderer */
const BLINK_MS = 120
/** drawing-buffer pixels at most: a 4K window draws at 1× instead of 2× (about 8 M pixels, not 33 M) */
export const MAX_BUFFER_PIXELS = 3840 * 2160
/**
 * the same on a software rasterizer, where a frame costs about in proportion to its pixels (swiftshader in the
 * scene bench: 720×450 about 1/3 of 1440×900's time): a large pane draws below 1× and the browser scales it up.
 * 300 k (was 350 k, ~7 % less linear resolution): change→frame 41.7-43.4 ms on a quiet host against 51.6 ms, the
 * issue's 50 ms (raster 28.9 against 32.2 ms)
 */
export const SOFTWARE_BUFFER_PIXELS = 300_000

/**
 * The pixel ratio to draw at: the screen's, capped at 2 and at MAX_BUFFER_PIXELS for the canvas; on a software
 * rasterizer, which pays per pixel, 1 at most (no supersampling) and less where the canvas exceeds
 * SOFTWARE_BUFFER_PIXELS.
 */
export function pixelRatio(w: number, h: number, dpr: number, software: boolean): number {
  if (software) return Math.min(1, Math.sqrt(SOFTWARE_BUFFER_PIXELS / Math.max(1, w * h)))
  return Math.max(1, Math.min(2, dpr, Math.sqrt(MAX_BUFFER_PIXELS / Math.max(1, w * h))))
}

export class RackScene {
  readonly scene = new Scene()
  readonly renderer: RendererLike
  readonly rig: CameraRig
  site: SiteModel | null = null
  private readonly owned = new Owned()
  private readonly hoverMark: Highlight
  private readonly selectMark: Highlight
  private readonly canvas: CanvasFactory
  private readonly now: () => number
  private readonly still: boolean
  private state: SceneState | null = null
  private signature = ''
  private dirty = true
  private frameId = 0
  /** a state change's frame is queued for the end of this task (drawSoon) */
  private drawDue = false
  private blinkTimer: ReturnType<typeof setTimeout> | undefined
  private disposed = false
  private readonly animate: boolean
  /** frames actually drawn: a bench reads it to show an idle view draws none */
  framesDrawn = 0
  private lastBlink = 0
  private down: { x: number; y: number } | null = null
  private readonly raycaster = new Raycaster()
  private readonly offs: Array<() => void> = []
  private selected: string | null = null
  private hovered: string | null = null

  constructor(
    readonly host: HTMLElement,
    private readonly opts: RackSceneOptions = {},
  ) {
    this.now = opts.now ?? (() => performance.now())
    this.canvas = opts.createCanvas ?? (() => document.createElement('canvas'))
    this.renderer = (opts.createRenderer ?? createWebglRenderer)()
    this.still = opts.still ?? this.renderer.software === true
    const el = this.renderer.domElement
    el.classList.add('scene-canvas')
    host.append(el)
    this.rig = new CameraRig(el, this.now)
    this.scene.background = new Color(ROOM.background)
    this.scene.fog = new Fog(ROOM.background, 10, 34)
    // a soft key light over each aisle and a dim sky: fronts and backs both read, tops stay darker
    const front = this.owned.own(new DirectionalLight(0xfff4e8, 2.2))
    front.position.set(2.5, 2, 8)
    const back = this.owned.own(new DirectionalLight(0xdfe8ff, 1.6))
    back.position.set(-2.5, 2, -8)
    this.scene.add(this.owned.own(new HemisphereLight(0xb8c8e8, 0x202329, 0.95)), front, back)
    this.hoverMark = new Highlight(this.owned, ROOM.hover, false)
    this.selectMark = new Highlight(this.owned, ROOM.select, true)
    this.scene.add(this.hoverMark.group, this.selectMark.group)
    this.listen(el, 'pointerdown', (e) => (this.down = { x: e.clientX, y: e.clientY }))
    this.listen(el, 'pointermove', (e) => this.onMove(e))
    this.listen(el, 'pointerleave', () => this.setHover(null, 0, 0))
    this.listen(el, 'pointerup', (e) => this.onUp(e))
    this.listen(el, 'dblclick', (e) => {
      const hit = this.hitAt(e.clientX, e.clientY)
      if (hit) this.focus(hit.id)
    })
    const onChange = (): void => this.invalidate()
    this.rig.controls.addEventListener('change', onChange)
    this.offs.push(() => this.rig.controls.removeEventListener('change', onChange))
    this.animate = opts.animate !== false
    this.resize()
  }

  /**
   * Something visible changed: draw one frame soon. Rendering is on demand: no animation frame is requested
   * while nothing changes (software GL pays a CPU core per frame), only while the camera moves or LEDs blink.
   */
  invalidate(): void {
    this.dirty = true
    this.requestFrame()
  }

  private requestFrame(): void {
    if (!this.animate || this.disposed || this.frameId) return
    clearTimeout(this.blinkTimer)
    this.blinkTimer = undefined
    this.frameId = requestAnimationFrame(this.frame)
  }

  private listen(el: HTMLElement, ev: 'pointerdown' | 'pointermove' | 'pointerleave' | 'pointerup' | 'dblclick', fn: (e: PointerEvent) => void): void {
    const h = (e: Event): void => fn(e as PointerEvent)
    el.addEventListener(ev, h)
    this.offs.push(() => el.removeEventListener(ev, h))
  }

  /** Builds the site when the topology differs from the one shown. */
  setTopology(t: Topology): void {
    const sig = JSON.stringify(t.sites)
    if (sig === this.signature && this.site) return
    this.signature = sig
    const first = !this.site
    this.site?.dispose()
    this.site = new SiteModel(t, this.canvas, this.still)
    this.site.still = this.still
    this.scene.add(this.site.group)
    if (this.state) this.site.apply(this.state, this.now())
    if (first) this.rig.overview(this.site.layout.bounds, 'front', 0)
    this.refreshMarks()
    this.invalidate()
  }

  setState(state: SceneState): void {
    this.state = state
    if (this.site?.apply(state, this.now())) this.drawSoon()
    else if (this.site?.blinking) this.requestFrame() // a blink may have started with no colour change yet
  }

  /**
   * A new state is drawn at the end of the current task (changes in one task share the frame), not at the next
   * animation frame: the browser then shows it at the next vsync instead of drawing it there and showing it one
   * vsync later. Under software GL that wait was a third of the time from a change to its picture (scene bench).
   * While the camera moves an animation frame is due anyway, and it draws the change.
   */
  private drawSoon(): void {
    this.dirty = true
    if (!this.animate || this.disposed || this.frameId || this.drawDue) return
    this.drawDue = true
    queueMicrotask(() => {
      this.drawDue = false
      if (!this.dirty || this.disposed || this.frameId) return
      this.renderNow()
      if (this.site?.blinking) this.requestFrame()
    })
  }

  resize(): void {
    const w = Math.max(1, this.host.clientWidth)
    const h = Math.max(1, this.host.clientHeight)
    this.renderer.setPixelRatio(pixelRatio(w, h, globalThis.devicePixelRatio || 1, this.still))
    this.renderer.setSize(w, h)
    this.rig.setAspect(w, h)
    this.invalidate()
  }

  private target(id: string | null): Pickable | undefined {
    return id ? this.site?.pickables.find((p) => p.id === id) : undefined
  }

  private refreshMarks(): void {
    const h = this.target(this.hovered)
    const s = this.target(this.selected)
    this.hoverMark.show(h && this.hovered !== this.selected ? h.min : null, h?.max)
    this.selectMark.show(s?.min ?? null, s?.max)
    this.invalidate()
  }

  hover(id: string | null): void {
    this.hovered = id
    this.refreshMarks()
  }

  select(id: string | null, focus = true): void {
    this.selected = id
    this.refreshMarks()
    if (id && focus) this.focus(id)
  }

  focus(id: string): void {
    const t = this.target(id)
    if (!t) return
    // the camera is about to move under a still pointer: what it hovered is no longer there
    this.setHover(null, 0, 0)
    // a PDU is a 1.7 m strip on the rear posts: look at its meter head, from the back aisle
    if (t.kind === 'pdu') this.rig.focus([t.min[0], t.max[1] - 0.2, t.min[2]], t.max, 'back', 700, 0)
    else this.rig.focus(t.min, t.max)
    this.invalidate() // the flight runs on frames until the rig is at rest
  }

  /** zoom toward (factor < 1) or away from the target, drawn on demand like every camera move */
  dolly(factor: number): void {
    this.rig.dolly(factor)
    this.invalidate()
  }

  view(v: Side | 'overview'): void {
    if (!this.site) return
    this.setHover(null, 0, 0)
    if (v === 'overview') this.rig.overview(this.site.layout.bounds)
    else this.rig.flip(v)
    this.invalidate()
  }

  bounds(): Box | null {
    return this.site?.layout.bounds ?? null
  }

  private hitAt(clientX: number, clientY: number): PickInfo | null {
    if (!this.site) return null
    const r = this.renderer.domElement.getBoundingClientRect()
    const ndc = new Vector2(((clientX - r.left) / Math.max(1, r.width)) * 2 - 1, -((clientY - r.top) / Math.max(1, r.height)) * 2 + 1)
    this.raycaster.setFromCamera(ndc, this.rig.camera)
    const hit = pick(this.raycaster.ray, this.site.pickables)
    return hit ? { id: hit.target.id, kind: hit.target.kind } : null
  }

  private setHover(hit: PickInfo | null, x: number, y: number): void {
    if ((hit?.id ?? null) !== this.hovered) this.hover(hit?.id ?? null)
    this.opts.onHover?.(hit, x, y)
  }

  private onMove(e: PointerEvent): void {
    if (e.buttons) return // orbiting: no hover churn
    this.setHover(this.hitAt(e.clientX, e.clientY), e.clientX, e.clientY)
  }

  private onUp(e: PointerEvent): void {
    const d = this.down
    this.down = null
    if (!d || Math.hypot(e.clientX - d.x, e.clientY - d.y) > 5 || e.button !== 0) return
    const hit = this.hitAt(e.clientX, e.clientY)
    this.opts.onSelect?.(hit)
  }

  /** Client (page) coordinates of a unit's visible face centre, or null when it is unknown or off screen. */
  screenPosition(id: string): { x: number; y: number } | null {
    const t = this.target(id)
    if (!t) return null
    const c = boxCenter(t)
    const p = new Vector3(c[0], c[1], this.rig.side === 'front' ? t.max[2] : t.min[2]).project(this.rig.camera)
    if (p.z > 1 || Math.abs(p.x) > 1 || Math.abs(p.y) > 1) return null
    const r = this.renderer.domElement.getBoundingClientRect()
    return { x: r.left + ((p.x + 1) / 2) * r.width, y: r.top + ((1 - p.y) / 2) * r.height }
  }

  drawCalls(): number {
    return this.renderer.info.render.calls
  }

  renderNow(): void {
    this.rig.camera.updateMatrixWorld()
    this.renderer.render(this.scene, this.rig.camera)
    this.framesDrawn++
    this.dirty = false
  }

  private readonly frame = (): void => {
    this.frameId = 0
    const now = this.now()
    const moving = this.rig.update()
    if (this.site && !this.still && now - this.lastBlink > BLINK_MS) {
      this.lastBlink = now
      if (this.site.tick(now)) this.dirty = true
    }
    if (moving || this.dirty) this.renderNow()
    if (moving) this.requestFrame()
    else if (this.site?.blinking && !this.disposed) this.blinkTimer = setTimeout(() => this.requestFrame(), BLINK_MS)
  }

  dispose(): void {
    this.disposed = true
    cancelAnimationFrame(this.frameId)
    clearTimeout(this.blinkTimer)
    for (const off of this.offs.splice(0)) off()
    this.site?.dispose()
    this.site = null
    this.owned.dispose()
    this.scene.clear()
    this.rig.dispose()
    this.renderer.dispose()
    this.renderer.forceContextLoss?.()
    this.renderer.domElement.remove()
  }
}
