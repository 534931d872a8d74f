// A WebGLRenderer stand-in for jsdom: counts draw calls the way three does (one per visible mesh, line or
// sprite with a non-empty geometry) and reports the geometries and textures the scene graph holds.
import { InstancedMesh, Line, Mesh, Points, Sprite, type BufferGeometry, type Material, type Object3D, type Scene, type Texture } from 'three'
import type { RendererLike } from '../scene/renderer'

export interface StubRenderer extends RendererLike {
  renders: number
  disposed: boolean
  /** the scene of the last render() call */
  lastScene: Scene | null
}

/** every stub made, newest last, so a component test can reach the one its view got */
export const stubRenderers: StubRenderer[] = []

function visible(o: Object3D): boolean {
  for (let p: Object3D | null = o; p; p = p.parent) if (!p.visible) return false
  return true
}

export function countDrawCalls(scene: Scene): number {
  let calls = 0
  scene.traverse((o) => {
    if (!visible(o)) return
    if (o instanceof InstancedMesh && o.count === 0) return
    if (o instanceof Mesh || o instanceof Line || o instanceof Points || o instanceof Sprite) calls++
  })
  return calls
}

export function sceneResources(scene: Object3D): { geometries: Set<BufferGeometry>; materials: Set<Material>; textures: Set<Texture> } {
  const geometries = new Set<BufferGeometry>()
  const materials = new Set<Material>()
  const textures = new Set<Texture>()
  scene.traverse((o) => {
    const m = o as Partial<Mesh>
    if (m.geometry) geometries.add(m.geometry)
    const mats = m.material === undefined ? [] : Array.isArray(m.material) ? m.material : [m.material]
    for (const mat of mats) {
      materials.add(mat)
      for (const v of Object.values(mat)) if (v && typeof v === 'object' && (v as Texture).isTexture) textures.add(v as Texture)
    }
  })
  return { geometries, materials, textures }
}

export function createStubRenderer(): StubRenderer {
  const canvas = document.createElement('canvas')
  const stub: StubRenderer = {
    domElement: canvas,
    info: { render: { calls: 0, triangles: 0 }, memory: { geometries: 0, textures: 0 } },
    renders: 0,
    disposed: false,
    lastScene: null,
    setSize(w, h) {
      canvas.width = w
      canvas.height = h
    },
    setPixelRatio() {},
    render(scene) {
      stub.renders++
      stub.lastScene = scene
      stub.info.render.calls = countDrawCalls(scene)
      const r = sceneResources(scene)
      stub.info.memory = { geometries: r.geometries.size, textures: r.textures.size }
    },
    dispose() {
      stub.disposed = true
    },
  }
  stubRenderers.push(stub)
  return stub
}
