// Mounts a component into a jsdom div with its own Pinia (no @vue/test-utils in this project).
import './no-canvas'
import { createPinia, setActivePinia } from 'pinia'
import { createApp, h } from 'vue'
import type { Component } from 'vue'
import { CHART_FACTORY } from '../charts/chart-factory'
import type { RendererClient } from '../client/types'
import { TERMINAL_FACTORY } from '../console/terminal'
import { RENDERER_FACTORY } from '../scene/inject'
import { bindStores } from '../stores'
import { createStubChart } from './stub-chart'
import { createStubRenderer } from './stub-renderer'
import { createStubTerminal } from './stub-terminal'

export interface Mounted {
  el: HTMLElement
  unmount(): void
  $(sel: string): HTMLElement | null
  $$(sel: string): HTMLElement[]
}

export function mountWith(component: Component, client: RendererClient, props: Record<string, unknown> = {}): Mounted {
  const pinia = createPinia()
  setActivePinia(pinia)
  const unbind = bindStores(client)
  const el = document.createElement('div')
  document.body.append(el)
  const app = createApp({ render: () => h(component, props) })
  app.use(pinia)
  // no GPU, no 2D canvas and no layout engine in jsdom: the 3D view, the charts and the terminal get stand-ins
  app.provide(RENDERER_FACTORY, createStubRenderer)
  app.provide(TERMINAL_FACTORY, createStubTerminal)
  app.provide(CHART_FACTORY, createStubChart)
  app.mount(el)
  return {
    el,
    unmount() {
      app.unmount()
      unbind()
      el.remove()
    },
    $: (sel) => el.querySelector<HTMLElement>(sel),
    $$: (sel) => [...el.querySelectorAll<HTMLElement>(sel)],
  }
}
