// How a TimeChart gets its drawing: provide() a factory; the app uses uPlot (canvas, no animation), tests a stub
// (jsdom has no 2D canvas).
import type { InjectionKey } from 'vue'
import type { ChartSpec } from './chart-spec'

export interface ChartLike {
  setData(spec: ChartSpec): void
  setSize(width: number, height: number): void
  destroy(): void
}

export type ChartFactory = (el: HTMLElement, spec: ChartSpec, size: { width: number; height: number }) => ChartLike

export const CHART_FACTORY: InjectionKey<ChartFactory> = Symbol('racklab.chart')
