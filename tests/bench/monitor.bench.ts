// What the monitor costs: the DB tier idle for 30 s with the monitor on, then again with it off
// (RACKLAB_MONITOR=0 for the engine service), as CPU of the engine process plus every lab container, in % of one
// core. Same lab, same run.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import type { BenchResult } from './figure'
import { labCpuPct, racklabFor, type BenchLab } from './lab-cost'

const LAB: BenchLab = { lab: 'bench-monitor', home: mkdtempSync(join(tmpdir(), 'racklab-bench-monitor-')) }
const SERVERS = 'db1,db2,db3'
const WINDOW_MS = 30_000

export async function benchMonitor(): Promise<BenchResult> {
  const docker = new Docker()
  const up = await racklabFor(LAB, ['up', '--only', SERVERS])
  if (up.code !== 0) throw new Error(`up failed: ${up.err}`)
  try {
    const on = await labCpuPct(docker, LAB, WINDOW_MS, 10_000)
    await racklabFor(LAB, ['engine', 'stop'])
    await racklabFor(LAB, ['status'], { RACKLAB_MONITOR: '0' }) // a new engine, without a monitor
    const off = await labCpuPct(docker, LAB, WINDOW_MS, 10_000)
    return { idleCpuPctMonitorOn: on, idleCpuPctMonitorOff: off, monitorCostPctOfOneCore: Math.round((on - off) * 10) / 10 }
  } finally {
    await racklabFor(LAB, ['down', '--volumes'])
  }
}
