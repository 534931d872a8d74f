// The camera and how it moves: orbit/zoom/pan with three's OrbitControls, plus eased flights for the overview,
// the front/back flip and the focus on a selected unit.
import { PerspectiveCamera, Vector3 } from 'three'
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js'
import type { Box, Vec3 } from './layout'

interface Flight {
  fromPos: Vector3
  fromTarget: Vector3
  toPos: Vector3
  toTarget: Vector3
  t0: number
  ms: number
}

export type Side = 'front' | 'back'

/** people who asked their system for less motion get cuts instead of flights */
const reducedMotion = (): boolean => typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches

const ease = (t: number): number => (t < 0.5 ? 4 * t * t * t : 1 - (-2 * t + 2) ** 3 / 2)

export class CameraRig {
  readonly camera = new PerspectiveCamera(30, 16 / 9, 0.05, 80)
  readonly controls: OrbitControls
  private flight: Flight | null = null
  side: Side = 'front'

  constructor(
    dom: HTMLElement,
    private readonly now: () => number,
  ) {
    this.controls = new OrbitControls(this.camera, dom)
    Object.assign(this.controls, { enableDamping: true, dampingFactor: 0.12, minDistance: 0.35, maxDistance: 30, maxPolarAngle: Math.PI / 2 - 0.04, screenSpacePanning: true, zoomToCursor: true })
    this.camera.position.set(0, 2.5, 8)
    this.controls.target.set(0, 1, 0)
  }

  setAspect(w: number, h: number): void {
    this.camera.aspect = w / Math.max(1, h)
    this.camera.updateProjectionMatrix()
  }

  flyTo(pos: Vector3, target: Vector3, ms = 700): void {
    if (ms <= 0 || reducedMotion()) {
      this.camera.position.copy(pos)
      this.controls.target.copy(target)
      this.flight = null
      this.controls.update()
      return
    }
    this.flight = { fromPos: this.camera.position.clone(), fromTarget: this.controls.target.clone(), toPos: pos, toTarget: target, t0: this.now(), ms }
  }

  /** The whole site in view, from the front or the back aisle. */
  overview(b: Box, side: Side = this.side, ms = 700): void {
    this.side = side
    const s = side === 'front' ? 1 : -1
    const width = b.max[0] - b.min[0]
    const target = new Vector3((b.min[0] + b.max[0]) / 2, b.max[1] * 0.4, 0.3 * s)
    const hfov = 2 * Math.atan(Math.tan((this.camera.fov * Math.PI) / 360) * this.camera.aspect)
    const dist = Math.max(4, (width / 2 / Math.tan(hfov / 2)) * 1.0, (b.max[1] * 0.7) / Math.tan((this.camera.fov * Math.PI) / 360))
    const dir = new Vector3(0.1 * s, 0.2, s).normalize()
    this.flyTo(target.clone().addScaledVector(dir, dist), target, ms)
  }

  /** Close on one box (a unit), seen from the chosen side. */
  /** dx: how far the view swings sideways (0 = straight on) */
  focus(min: Vec3, max: Vec3, side: Side = this.side, ms = 700, dx = 0.18): void {
    this.side = side
    const s = side === 'front' ? 1 : -1
    const target = new Vector3((min[0] + max[0]) / 2, (min[1] + max[1]) / 2, side === 'front' ? max[2] : min[2])
    const size = Math.max(max[0] - min[0], (max[1] - min[1]) * 3)
    const dist = Math.max(0.9, size * 2.1)
    const dir = new Vector3(dx * s, 0.16, s).normalize()
    this.flyTo(target.clone().addScaledVector(dir, dist), target, ms)
  }

  /** Same target, seen from the other aisle. */
  flip(side: Side, ms = 800): void {
    if (side === this.side) return
    this.side = side
    const t = this.controls.target.clone()
    const off = this.camera.position.clone().sub(t)
    off.set(-off.x, off.y, -off.z)
    this.flyTo(t.clone().add(off), t, ms)
  }

  /** Moves toward (factor < 1) or away from the target. */
  dolly(factor: number): void {
    const t = this.controls.target
    const off = this.camera.position.clone().sub(t).multiplyScalar(factor)
    const len = Math.min(this.controls.maxDistance, Math.max(this.controls.minDistance, off.length()))
    this.flyTo(t.clone().add(off.setLength(len)), t.clone(), 200)
  }

  /** Jumps to the end of a flight in progress (tests, benches, reduced motion). */
  finish(): void {
    if (!this.flight) return
    this.camera.position.copy(this.flight.toPos)
    this.controls.target.copy(this.flight.toTarget)
    this.flight = null
    this.controls.update()
  }

  /** Advances a flight and the damping; true while the camera is still moving. */
  update(): boolean {
    let moving = false
    if (this.flight) {
      const f = this.flight
      const t = Math.min(1, (this.now() - f.t0) / f.ms)
      const k = ease(t)
      this.camera.position.lerpVectors(f.fromPos, f.toPos, k)
      this.controls.target.lerpVectors(f.fromTarget, f.toTarget, k)
      if (t >= 1) this.flight = null
      moving = true
    }
    return this.controls.update() || moving
  }

  dispose(): void {
    this.controls.dispose()
  }
}
