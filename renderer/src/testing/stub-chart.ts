// A chart stand-in for jsdom (no 2D canvas): remembers the spec it was last given, for component tests.
import type { ChartFactory, ChartLike } from '../charts/chart-factory'
import type { ChartSpec } from '../charts/chart-spec'

export interface StubChart extends ChartLike {
  spec: ChartSpec
  destroyed: boolean
}

/** every stub made, newest last */
export const stubCharts: StubChart[] = []

export const createStubChart: ChartFactory = (_el, spec) => {
  const stub: StubChart = {
    spec,
    destroyed: false,
    setData(next) {
      stub.spec = next
    },
    setSize() {},
    destroy() {
      stub.destroyed = true
    },
  }
  stubCharts.push(stub)
  return stub
}
