// Many copies of one geometry in one draw call: every box of every chassis, every LED. Parts are addressed by
// key (a PSU's LED, a disk tray) so a state change recolours or hides instances without rebuilding anything.
// Two ways to draw them: an InstancedMesh (a GPU's way), or baked into one plain mesh with per-vertex colours
// (a software rasterizer's: SwiftShader drew the site's 1,595 instanced boxes in about 25 ms of a 45 ms frame,
// and the same boxes baked in about 10; the scene bench's profile, README "3D view").
import { BufferAttribute, BufferGeometry, Color, DynamicDrawUsage, InstancedMesh, Matrix4, Mesh, type Material } from 'three'
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
  private baked: Baked | null = null

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

  /** baked: one plain mesh with the copies' vertices in it (for software rasterizers), else an InstancedMesh */
  build(geometry: BufferGeometry, material: Material, name: string, baked = false): Mesh {
    if (baked) return this.buildBaked(geometry, material, name)
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

  private buildBaked(geometry: BufferGeometry, material: Material, name: string): Mesh {
    const b = bake(geometry, this.specs)
    this.baked = b
    this.specs.forEach((sp, i) => b.paint(i, this.scratch.setHex(sp.color)))
    ;(material as Material & { vertexColors: boolean }).vertexColors = true
    const mesh = new Mesh(b.geometry, material)
    mesh.name = name
    return mesh
  }

  private matrix(s: Spec): Matrix4 {
    return new Matrix4().makeScale(s.size[0], s.size[1], s.size[2]).setPosition(s.pos[0], s.pos[1], s.pos[2])
  }

  /** Returns true when something changed (so the caller knows to render). */
  setColor(key: string, hex: number): boolean {
    const mesh = this.mesh
    const ids = this.colorKeys.get(key)
    if (!(mesh?.instanceColor || this.baked) || !ids) return false
    let changed = false
    for (const i of ids) {
      if (this.specs[i]!.color === hex) continue
      this.specs[i]!.color = hex
      this.scratch.setHex(hex)
      if (this.baked) this.baked.paint(i, this.scratch)
      else mesh!.setColorAt(i, this.scratch)
      changed = true
    }
    if (changed && this.baked) this.baked.color.needsUpdate = true
    else if (changed) mesh!.instanceColor!.needsUpdate = true
    return changed
  }

  setHidden(key: string, hide: boolean): boolean {
    const mesh = this.mesh
    const ids = this.hideKeys.get(key)
    if (!(mesh || this.baked) || !ids) return false
    let changed = false
    for (const i of ids) {
      if (this.hidden.has(i) === hide) continue
      if (hide) this.hidden.add(i)
      else this.hidden.delete(i)
      if (this.baked) this.baked.place(i, this.specs[i]!, hide)
      else mesh!.setMatrixAt(i, hide ? ZERO : this.matrix(this.specs[i]!))
      changed = true
    }
    if (changed && this.baked) this.baked.position.needsUpdate = true
    else if (changed) mesh!.instanceMatrix.needsUpdate = true
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

interface Baked {
  geometry: BufferGeometry
  position: BufferAttribute
  color: BufferAttribute
  /** writes copy i's vertices: scaled and moved into place, or all at its centre (hidden) */
  place(i: number, s: Spec, hidden: boolean): void
  paint(i: number, c: Color): void
}

/** One geometry holding a scaled, moved copy of `geometry` per spec (copies are never rotated: boxes and lenses). */
function bake(geometry: BufferGeometry, specs: Spec[]): Baked {
  const pos = geometry.getAttribute('position')
  const nor = geometry.getAttribute('normal')
  const uv = geometry.getAttribute('uv')
  const idx = geometry.index
  const nv = pos.count
  const n = specs.length
  const position = new BufferAttribute(new Float32Array(n * nv * 3), 3).setUsage(DynamicDrawUsage)
  const normal = new BufferAttribute(new Float32Array(n * nv * 3), 3)
  const color = new BufferAttribute(new Float32Array(n * nv * 3), 3).setUsage(DynamicDrawUsage)
  const out = new BufferGeometry()
  out.setAttribute('position', position)
  out.setAttribute('color', color)
  if (nor) out.setAttribute('normal', normal)
  if (uv) {
    const uvs = new Float32Array(n * nv * 2)
    for (let i = 0; i < n; i++) {
      for (let v = 0; v < nv; v++) {
        uvs[(i * nv + v) * 2] = uv.getX(v)
        uvs[(i * nv + v) * 2 + 1] = uv.getY(v)
      }
    }
    out.setAttribute('uv', new BufferAttribute(uvs, 2))
  }
  const count = idx ? idx.count : nv
  const index = new (n * nv > 65535 ? Uint32Array : Uint16Array)(n * count)
  for (let i = 0; i < n; i++) for (let k = 0; k < count; k++) index[i * count + k] = (idx ? idx.getX(k) : k) + i * nv
  out.setIndex(new BufferAttribute(index, 1))
  const baked: Baked = {
    geometry: out,
    position,
    color,
    place(i, s, hidden) {
      const p = position.array as Float32Array
      for (let v = 0; v < nv; v++) {
        const o = (i * nv + v) * 3
        p[o] = s.pos[0] + (hidden ? 0 : pos.getX(v) * s.size[0])
        p[o + 1] = s.pos[1] + (hidden ? 0 : pos.getY(v) * s.size[1])
        p[o + 2] = s.pos[2] + (hidden ? 0 : pos.getZ(v) * s.size[2])
      }
    },
    // runs on every state change (a recoloured LED): no allocation per vertex
    paint(i, c) {
      const a = color.array as Float32Array
      for (let o = i * nv * 3, end = o + nv * 3; o < end; o += 3) {
        a[o] = c.r
        a[o + 1] = c.g
        a[o + 2] = c.b
      }
    },
  }
  specs.forEach((s, i) => {
    baked.place(i, s, false)
    if (!nor) return
    // a normal under a scale goes by the inverse scale (then renormalised)
    const a = normal.array as Float32Array
    for (let v = 0; v < nv; v++) {
      const x = nor.getX(v) / (s.size[0] || 1), y = nor.getY(v) / (s.size[1] || 1), z = nor.getZ(v) / (s.size[2] || 1)
      const l = Math.hypot(x, y, z) || 1
      const o = (i * nv + v) * 3
      a[o] = x / l
      a[o + 1] = y / l
      a[o + 2] = z / l
    }
  })
  out.computeBoundingSphere()
  return baked
}
