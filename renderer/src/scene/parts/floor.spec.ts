// The floor is most of a software rasterizer's frame (see floor.ts): a GPU gets the 4× filtered tile texture, a
// software renderer an unlit plane with the tile joints as lines.
import { describe, expect, it } from 'vitest'
import { LineSegments, LinearMipmapLinearFilter, MeshBasicMaterial, type MeshLambertMaterial } from 'three'
import { nyiTopology } from '../../testing/nyi-topology'
import { layoutTopology } from '../layout'
import { Owned } from '../owned'
import { buildFloor } from './floor'

const floor = (software: boolean) => buildFloor(new Owned(), layoutTopology(nyiTopology()), document.createElement('canvas'), software)

describe('the floor', () => {
  it('is a tile texture filtered 4× anisotropic, trilinear, on a GPU', () => {
    expect((floor(false).material as MeshLambertMaterial).map).toMatchObject({ anisotropy: 4, minFilter: LinearMipmapLinearFilter })
  })
  it('is an untextured, unlit plane with the joints as lines on a software rasterizer', () => {
    const f = floor(true)
    expect(f.material).toBeInstanceOf(MeshBasicMaterial)
    expect((f.material as MeshBasicMaterial).map).toBeNull()
    const joints = f.children.find((c): c is LineSegments => c instanceof LineSegments)
    // one segment per joint across and along the floor: 2 vertices of 3 numbers each
    expect(joints?.geometry.getAttribute('position').count).toBeGreaterThan(2 * 20)
  })
})
