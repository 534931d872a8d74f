// How the app hands the 3D view its GPU renderer: provide() a factory; tests provide a stub, the app the default.
import type { InjectionKey } from 'vue'
import type { RendererFactory } from './renderer'

export const RENDERER_FACTORY: InjectionKey<RendererFactory> = Symbol('racklab.renderer')
