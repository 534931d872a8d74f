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
  /** true on a software rasterizer (SwiftShader, llvmpipe): every frame is expensive there */
  readonly software?: boolean
}
export type RendererFactory = () => RendererLike

function make(antialias: boolean): WebGLRenderer {
  const r = new WebGLRenderer({ antialias, powerPreference: 'high-performance' })
  r.toneMapping = ACESFilmicToneMapping
  r.toneMappingExposure = 1.05
  r.outputColorSpace = SRGBColorSpace
  return r
}

/** A GPU gets MSAA; a software rasterizer (known only once a context exists) gets a second context without it. */
export const createWebglRenderer: RendererFactory = () => {
  const r = make(true)
  if (!isSoftware(r.getContext())) return Object.assign(r, { software: false })
  r.dispose()
  r.forceContextLoss()
  return Object.assign(make(false), { software: true })
}

export function isSoftware(gl: WebGLRenderingContext | WebGL2RenderingContext): boolean {
  const info = gl.getExtension('WEBGL_debug_renderer_info')
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '')
  return /swiftshader|llvmpipe|softpipe|software/i.test(name)
}
