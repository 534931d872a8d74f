// The uPlot drawing of a ChartSpec: one x axis of wall time, one y axis in the spec's unit, reference lines
// dashed and without points. uPlot redraws only on setData/setSize, so an idle chart costs nothing.
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import type { ChartFactory, ChartLike } from './chart-factory'
import type { ChartSpec } from './chart-spec'

const AXIS = { stroke: '#9aa7b4', grid: { stroke: '#2c3540', width: 1 }, ticks: { stroke: '#2c3540', width: 1 } }

function options(spec: ChartSpec, size: { width: number; height: number }): uPlot.Options {
  return {
    width: size.width,
    height: size.height,
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: spec.yRange ? { range: spec.yRange } : { range: (_u, min, max) => [Math.min(0, min), Math.max(1, max * 1.1)] } },
    axes: [AXIS, { ...AXIS, label: spec.unit, size: 50 }],
    series: [{}, ...spec.lines.map((l) => ({ label: l.label, stroke: l.stroke, width: l.reference ? 1 : 2, dash: l.dash, spanGaps: !!l.reference, points: { show: false } }))],
  }
}

const data = (spec: ChartSpec): uPlot.AlignedData => [spec.xs, ...spec.lines.map((l) => l.values)]
const shape = (spec: ChartSpec): string => spec.lines.map((l) => l.label).join('|')

export const createUplotChart: ChartFactory = (el, spec, size) => {
  let plot = new uPlot(options(spec, size), data(spec), el)
  let lines = shape(spec)
  const chart: ChartLike = {
    setData(next) {
      // a new line (an array appeared, say) changes the series: build the plot again
      if (shape(next) !== lines) {
        const s = { width: plot.width, height: plot.height }
        plot.destroy()
        plot = new uPlot(options(next, s), data(next), el)
        lines = shape(next)
      } else plot.setData(data(next))
    },
    setSize: (width, height) => plot.setSize({ width, height }),
    destroy: () => plot.destroy(),
  }
  return chart
}
