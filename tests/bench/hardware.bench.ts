// Bench of the hardware model on a synthetic 20-rack site (180 units): the cost of one model step (tick)
// when nothing is due and when rebuilds and boots are running, the cost of an action, and how many events
// per second the model can produce. Plain timing with performance.now(); the bench runner imports it.
import { performance } from 'node:perf_hooks'
import { loadCatalog } from '../../main/engine/hardware/catalog.ts'
import { ManualClock } from '../../main/engine/hardware/clock.ts'
import { HardwareModel } from '../../main/engine/hardware/model.ts'
import { syntheticSite } from '../../main/engine/hardware/test-topologies.ts'

const RACKS = 20

function time(fn: () => void): number {
  const t0 = performance.now()
  fn()
  return performance.now() - t0
}

export async function benchHardware(): Promise<Record<string, number>> {
  const catalog = loadCatalog()
  const topo = syntheticSite(RACKS)
  const clock = new ManualClock()
  let m = new HardwareModel(topo, catalog, { clock })
  const buildMs = time(() => {
    m = new HardwareModel(topo, catalog, { clock })
  })
  const units = m.status().units.length

  // quiet site: every tick finds nothing due
  const quietSteps = 2000
  const quietMs = time(() => {
    for (let i = 0; i < quietSteps; i++) {
      clock.advance(1000)
      m.tick()
    }
  })

  // busy site: a rebuild in every rack, half the servers loaded, one rack rebooting
  for (let r = 0; r < RACKS; r++) {
    m.setLoad(`imap${r}`, r % 2 === 0 ? 1 : 0.2)
    m.apply({ target: `disk:r${r}-e1/${1 + (r % 11)}`, action: 'fail' })
  }
  m.apply({ target: 'circuit:r0-a', action: 'trip' })
  m.apply({ target: 'circuit:r0-a', action: 'reset' })
  m.apply({ target: 'rack:r0', action: 'power-on' })
  const busySteps = 2000
  const before = m.eventCount
  const busyMs = time(() => {
    for (let i = 0; i < busySteps; i++) {
      clock.advance(30_000) // 2000 × 30 s ≈ 17 lab hours: every rebuild runs to the end
      m.tick()
    }
  })
  const busyEvents = m.eventCount - before

  // actions: trip and reset a circuit (each one cascades into dozens of events)
  const actionPairs = 200
  const beforeActions = m.eventCount
  const actionMs = time(() => {
    for (let i = 0; i < actionPairs; i++) {
      const rack = `r${i % RACKS}`
      m.apply({ target: `circuit:${rack}-b`, action: 'trip' })
      m.apply({ target: `circuit:${rack}-b`, action: 'reset' })
    }
  })
  const actionEvents = m.eventCount - beforeActions

  // status and effects, what the engine publishes after each step
  const snapshots = 200
  const snapshotMs = time(() => {
    for (let i = 0; i < snapshots; i++) {
      m.status()
      m.effects()
    }
  })

  return {
    racks: RACKS,
    units,
    buildMs: round(buildMs),
    tickUsQuiet: round((quietMs * 1000) / quietSteps),
    tickUsBusy: round((busyMs * 1000) / busySteps),
    busyEvents,
    actionUs: round((actionMs * 1000) / (actionPairs * 2)),
    eventsPerSecond: Math.round((busyEvents + actionEvents) / ((busyMs + actionMs) / 1000)),
    snapshotUs: round((snapshotMs * 1000) / snapshots),
  }
}

const round = (n: number): number => Math.round(n * 100) / 100

// `npx tsx --tsconfig tsconfig.node.json tests/bench/hardware.bench.ts` prints the numbers
if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  benchHardware().then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (e: unknown) => {
      console.error(e)
      process.exitCode = 1
    },
  )
}
