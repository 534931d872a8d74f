// Flat textured quads merged into one geometry: labels printed on bezels, signs on racks, names on the floor.
// Each quad is given by its centre and the viewer's right and up directions, so text reads correctly from the
// side it faces (a back label is not mirrored).
import { BufferGeometry, Float32BufferAttribute } from 'three'
import type { AtlasRect } from './label-atlas'
import type { Vec3 } from './layout'

export const FACING = {
  front: { right: [1, 0, 0] as Vec3, up: [0, 1, 0] as Vec3 },
  back: { right: [-1, 0, 0] as Vec3, up: [0, 1, 0] as Vec3 },
  /** lying on the floor, read by someone standing at +z */
  floor: { right: [1, 0, 0] as Vec3, up: [0, 0, -1] as Vec3 },
}
export type Facing = keyof typeof FACING

export class QuadBatch {
  private readonly pos: number[] = []
  private readonly uv: number[] = []
  private readonly idx: number[] = []

  get count(): number {
    return this.idx.length / 6
  }

  add(center: Vec3, width: number, height: number, facing: Facing, r: AtlasRect): void {
    const { right, up } = FACING[facing]
    const base = this.pos.length / 3
    const corners: Array<[number, number, number, number]> = [
      [-1, -1, r.u0, r.v0],
      [1, -1, r.u1, r.v0],
      [1, 1, r.u1, r.v1],
      [-1, 1, r.u0, r.v1],
    ]
    for (const [sx, sy, u, v] of corners) {
      for (let k = 0; k < 3; k++) this.pos.push(center[k]! + (right[k]! * sx * width) / 2 + (up[k]! * sy * height) / 2)
      this.uv.push(u, v)
    }
    this.idx.push(base, base + 1, base + 2, base, base + 2, base + 3)
  }

  build(): BufferGeometry {
    const g = new BufferGeometry()
    g.setAttribute('position', new Float32BufferAttribute(this.pos, 3))
    g.setAttribute('uv', new Float32BufferAttribute(this.uv, 2))
    g.setIndex(this.idx)
    g.computeBoundingSphere()
    return g
  }
}
