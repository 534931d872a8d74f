// What the monitor costs: the DB tier idle for 30 s with the monitor on, then again with it off
// (RACKLAB_MONITOR=0 for the engine service), as CPU of the engine process plus every lab container, in % of one
// core. Same lab, same run.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Docker from 'dockerode'
import type { BenchResult } from './figure'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const LAB = 'bench-monitor'
const HOME = mkdtempSync(join(tmpdir(), 'racklab-bench-monitor-'))
const SERVERS = 'db1,db2,db3'
const WINDOW_MS = 30_000

function racklab(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [join(ROOT, 'bin/racklab.mjs'), ...args], { env: { ...process.env, RACKLAB_LAB: LAB, RACKLAB_HOME: HOME, ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    c.stderr.on('data', (d: Buffer) => (err += d.toString()))
    c.on('close', (code) => resolve({ code, err }))
  })
}

const enginePid = (): number => (JSON.parse(readFileSync(join(HOME, LAB, 'engine.lock'), 'utf8')) as { pid: number }).pid
/** user+system CPU of a process, ns (Linux /proc; clock ticks of 10 ms) */
const procCpuNs = (pid: number): number => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(f[11]) + Number(f[12])) * 10_000_000
}
async function containersCpuNs(docker: Docker): Promise<number> {
  const list = await docker.listContainers({ filters: { label: [`racklab.lab=${LAB}`] } })
  const stats = await Promise.all(list.map((c) => docker.getContainer(c.Id).stats({ stream: false }) as Promise<{ cpu_stats: { cpu_usage: { total_usage: number } } }>))
  return stats.reduce((a, s) => a + s.cpu_stats.cpu_usage.total_usage, 0)
}

async function idleCpuPct(docker: Docker): Promise<number> {
  await new Promise((r) => setTimeout(r, 10_000)) // settle after start
  const pid = enginePid()
  const [e0, c0, t0] = [procCpuNs(pid), await containersCpuNs(docker), performance.now()]
  await new Promise((r) => setTimeout(r, WINDOW_MS))
  const [e1, c1, t1] = [procCpuNs(pid), await containersCpuNs(docker), performance.now()]
  return Math.round(((e1 - e0 + (c1 - c0)) / 1e6 / (t1 - t0)) * 1000) / 10
}

export async function benchMonitor(): Promise<BenchResult> {
  const docker = new Docker()
  const up = await racklab(['up', '--only', SERVERS])
  if (up.code !== 0) throw new Error(`up failed: ${up.err}`)
  try {
    const on = await idleCpuPct(docker)
    await racklab(['engine', 'stop'])
    await racklab(['status'], { RACKLAB_MONITOR: '0' }) // a new engine, without a monitor
    const off = await idleCpuPct(docker)
    return { idleCpuPctMonitorOn: on, idleCpuPctMonitorOff: off, monitorCostPctOfOneCore: Math.round((on - off) * 10) / 10 }
  } finally {
    await racklab(['down', '--volumes'])
  }
}
