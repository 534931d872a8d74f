// The floor's texture filtering is most of a software rasterizer's frame (see tileTexture): a GPU keeps 4×
// anisotropic trilinear filtering, a software renderer gets 1× and the nearest mip level.
import { describe, expect, it } from 'vitest'
import { LinearMipmapLinearFilter, LinearMipmapNearestFilter, type MeshLambertMaterial } from 'three'
import { nyiTopology } from '../../testing/nyi-topology'
import { layoutTopology } from '../layout'
import { Owned } from '../owned'
import { buildFloor } from './floor'

const floorMap = (software: boolean): NonNullable<MeshLambertMaterial['map']> => {
  const floor = buildFloor(new Owned(), layoutTopology(nyiTopology()), document.createElement('canvas'), software)
  return (floor.material as MeshLambertMaterial).map!
}

describe('the floor texture', () => {
  it('is filtered 4× anisotropic, trilinear on a GPU', () => {
    expect(floorMap(false)).toMatchObject({ anisotropy: 4, minFilter: LinearMipmapLinearFilter })
  })
  it('is filtered 1×, from the nearest mip level, on a software rasterizer', () => {
    expect(floorMap(true)).toMatchObject({ anisotropy: 1, minFilter: LinearMipmapNearestFilter })
  })
})
