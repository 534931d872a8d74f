// Many copies of one geometry in one draw call: every box of every chassis, every LED. Parts are addressed by
// key (a PSU's LED, a disk tray) so a state change recolours or hides instances without rebuilding anything.
import { Color, DynamicDrawUsage, InstancedMesh, Matrix4, type BufferGeometry, type Material } from 'three'
import type { Vec3 } from './layout'

interface Spec {
  pos: Vec3
  size: Vec3
  color: number
}

const ZERO = new Matrix4().makeScale(0, 0, 0)

export class InstanceBatch {
  private readonly specs: Spec[] = []
  private readonly colorKeys = new Map<string, number[]>()
  private readonly hideKeys = new Map<string, number[]>()
  private readonly hidden = new Set<number>()
  private readonly scratch = new Color()
  mesh: InstancedMesh | null = null

  get count(): number {
    return this.specs.length
  }

  /** colorKey: recoloured together by setColor; hideKey: hidden together by setHidden */
  add(pos: Vec3, size: Vec3, color: number, colorKey?: string, hideKey?: string): number {
    const i = this.specs.push({ pos, size, color }) - 1
    if (colorKey) this.colorKeys.set(colorKey, [...(this.colorKeys.get(colorKey) ?? []), i])
    if (hideKey) this.hideKeys.set(hideKey, [...(this.hideKeys.get(hideKey) ?? []), i])
    return i
  }

  colorKeyList(): string[] {
    return [...this.colorKeys.keys()]
  }

  hideKeyList(): string[] {
    return [...this.hideKeys.keys()]
  }

  build(geometry: BufferGeometry, material: Material, name: string): InstancedMesh {
    const mesh = new InstancedMesh(geometry, material, Math.max(1, this.specs.length))
    mesh.name = name
    mesh.count = this.specs.length
    mesh.instanceMatrix.setUsage(DynamicDrawUsage)
    this.specs.forEach((s, i) => {
      mesh.setMatrixAt(i, this.matrix(s))
      mesh.setColorAt(i, this.scratch.setHex(s.color))
    })
    mesh.computeBoundingSphere()
    this.mesh = mesh
    return mesh
  }

  private matrix(s: Spec): Matrix4 {
    return new Matrix4().makeScale(s.size[0], s.size[1], s.size[2]).setPosition(s.pos[0], s.pos[1], s.pos[2])
  }

  /** Returns true when something changed (so the caller knows to render). */
  setColor(key: string, hex: number): boolean {
    const mesh = this.mesh
    const ids = this.colorKeys.get(key)
    if (!mesh?.instanceColor || !ids) return false
    let changed = false
    for (const i of ids) {
      if (this.specs[i]!.color === hex) continue
      this.specs[i]!.color = hex
      mesh.setColorAt(i, this.scratch.setHex(hex))
      changed = true
    }
    if (changed) mesh.instanceColor.needsUpdate = true
    return changed
  }

  setHidden(key: string, hide: boolean): boolean {
    const mesh = this.mesh
    const ids = this.hideKeys.get(key)
    if (!mesh || !ids) return false
    let changed = false
    for (const i of ids) {
      if (this.hidden.has(i) === hide) continue
      if (hide) this.hidden.add(i)
      else this.hidden.delete(i)
      mesh.setMatrixAt(i, hide ? ZERO : this.matrix(this.specs[i]!))
      changed = true
    }
    if (changed) mesh.instanceMatrix.needsUpdate = true
    return changed
  }

  colorOf(key: string): number | undefined {
    const i = this.colorKeys.get(key)?.[0]
    return i === undefined ? undefined : this.specs[i]!.color
  }

  isHidden(key: string): boolean {
    const ids = this.hideKeys.get(key)
    return !!ids?.length && ids.every((i) => this.hidden.has(i))
  }
}
