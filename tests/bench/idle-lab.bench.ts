// What one whole idle lab costs (the workshop issue's targets: ≤ 768 MiB and ≤ 10 % of one core), with its engine
// service and monitor running: the whole nyi-2007 site up, a minute to settle (the first slow probes, provisioning
// leftovers), then memory and a minute of CPU.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import { atMost, type BenchResult } from './figure'
import { labCpuPct, labMemoryMiB, racklabFor, type BenchLab } from './lab-cost'

const LAB: BenchLab = { lab: 'bench-idle', home: mkdtempSync(join(tmpdir(), 'racklab-bench-idle-')) }

export async function benchIdleLab(): Promise<BenchResult> {
  const docker = new Docker()
  const up = await racklabFor(LAB, ['up'])
  if (up.code !== 0) throw new Error(`up failed: ${up.err.slice(-1500)}`)
  try {
    const cpu = await labCpuPct(docker, LAB, 60_000, 60_000)
    const mem = await labMemoryMiB(docker, LAB.lab)
    return { idleLabMemoryMiB: atMost(mem, 768), idleLabCpuPctOfOneCore: atMost(cpu, 10) }
  } finally {
    await racklabFor(LAB, ['down', '--volumes'])
  }
}
