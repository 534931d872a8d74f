// The GPU renderer is injected: the app passes the real WebGLRenderer, tests pass a stub (jsdom has no WebGL).
import { ACESFilmicToneMapping, SRGBColorSpace, WebGLRenderer, type Camera, type Scene } from 'three'

export interface RendererLike {
  readonly domElement: HTMLCanvasElement
  readonly info: { render: { calls: number; triangles: number }; memory: { geometries: number; textures: number } }
  setSize(w: number, h: number, updateStyle?: boolean): void
  setPixelRatio(r: number): void
  render(scene: Scene, camera: Camera): void
  dispose(): void
  forceContextLoss?(): void
}
export type RendererFactory = () => RendererLike

export const createWebglRenderer: RendererFactory = () => {
  const r = new WebGLRenderer({ antialias: true, powerPreference: 'high-performance' })
  r.toneMapping = ACESFilmicToneMapping
  r.toneMappingExposure = 1.05
  r.outputColorSpace = SRGBColorSpace
  return r
}
