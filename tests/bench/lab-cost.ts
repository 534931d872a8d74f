// What a running lab costs the host, for the benches: CPU of its engine process plus every container of the lab
// (in % of one core, over a window), and the containers' memory as `docker stats` counts it (page cache excluded).
// Several labs are measured over the same window (a workshop's labs, side by side).
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type Docker from 'dockerode'
import { LABEL_LAB, LABEL_SERVER } from '../../main/engine/docker/types'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface BenchLab {
  lab: string
  home: string
}

/** racklab with the lab's name and state home; stderr kept for the error */
export function racklabFor(l: BenchLab, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [join(ROOT, 'bin/racklab.mjs'), ...args], { env: { ...process.env, RACKLAB_LAB: l.lab, RACKLAB_HOME: l.home, ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    c.stderr.on('data', (d: Buffer) => (err += d.toString()))
    c.on('close', (code) => resolve({ code, err }))
  })
}

const enginePid = (l: BenchLab): number => (JSON.parse(readFileSync(join(l.home, l.lab, 'engine.lock'), 'utf8')) as { pid: number }).pid
/** user+system CPU of a process, ns (Linux /proc; clock ticks of 10 ms) */
const procCpuNs = (pid: number): number => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(f[11]) + Number(f[12])) * 10_000_000
}
/** resident memory of the lab's engine process, MiB (it runs on the host, not in a container) */
export const engineRssMiB = (l: BenchLab): number => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${enginePid(l)}/status`, 'utf8'))![1]) / 1024)

interface Stats {
  /** the server it runs (its racklab.server label) */
  server: string
  cpu_stats: { cpu_usage: { total_usage: number } }
  memory_stats: { usage?: number; stats?: { cache?: number; inactive_file?: number; total_inactive_file?: number } }
}
async function labStats(docker: Docker, lab: string): Promise<Stats[]> {
  const list = await docker.listContainers({ filters: { label: [`${LABEL_LAB}=${lab}`] } })
  return Promise.all(list.map(async (c) => ({ ...((await docker.getContainer(c.Id).stats({ stream: false })) as Omit<Stats, 'server'>), server: c.Labels[LABEL_SERVER] ?? c.Id })))
}

const mib = (b: number): number => Math.round(b / 1048576)

/** each container's memory in bytes, as `docker stats` shows it (usage minus inactive page cache), largest first */
async function memoryEach(docker: Docker, lab: string): Promise<{ name: string; bytes: number }[]> {
  const each = (await labStats(docker, lab)).map((s) => {
    const m = s.memory_stats
    const cache = m.stats?.total_inactive_file ?? m.stats?.inactive_file ?? m.stats?.cache ?? 0
    return { name: s.server, bytes: Math.max(0, (m.usage ?? 0) - cache) }
  })
  return each.sort((a, b) => b.bytes - a.bytes)
}
const sayEach = (lab: string, each: { name: string; bytes: number }[], what = ''): void => {
  process.stderr.write(`memory of ${lab}${what}: ${each.map((e) => `${e.name} ${mib(e.bytes)}`).join(', ')} MiB\n`)
}
const total = (each: { bytes: number }[]): number => each.reduce((a, e) => a + e.bytes, 0)

/** the lab's containers' memory in MiB, as `docker stats` shows it (usage minus inactive page cache); each
 *  container's share goes to stderr, largest first (what a figure over its target is made of) */
export async function labMemoryMiB(docker: Docker, lab: string): Promise<number> {
  const each = await memoryEach(docker, lab)
  sayEach(lab, each)
  return mib(total(each))
}

/** the lab's memory (as labMemoryMiB) sampled every `everyMs` over `windowMs`: median, min and max in MiB. One
 *  instant swung by ~60 MiB between runs of the same idle lab (an Apache child a probe's login made, a file node's
 *  worker, MariaDB mid-query); the median sample's containers go to stderr */
export async function labMemorySampledMiB(docker: Docker, lab: string, windowMs: number, everyMs: number): Promise<{ median: number; min: number; max: number; samples: number }> {
  const samples: { each: { name: string; bytes: number }[]; bytes: number }[] = []
  for (const end = Date.now() + windowMs; ; await new Promise((r) => setTimeout(r, everyMs))) {
    const each = await memoryEach(docker, lab)
    samples.push({ each, bytes: total(each) })
    if (Date.now() + everyMs > end) break
  }
  samples.sort((a, b) => a.bytes - b.bytes)
  const mid = samples[Math.floor((samples.length - 1) / 2)]!
  const [min, max] = [mib(samples[0]!.bytes), mib(samples.at(-1)!.bytes)]
  sayEach(lab, mid.each, ` (median of ${samples.length} samples; min ${min}, max ${max} MiB)`)
  return { median: mib(mid.bytes), min, max, samples: samples.length }
}

/** % of one core used by each lab's engine and containers over the same `windowMs`, after `settleMs` */
export async function labsCpuPct(docker: Docker, labs: readonly BenchLab[], windowMs: number, settleMs: number): Promise<number[]> {
  await new Promise((r) => setTimeout(r, settleMs))
  const cpu = async (l: BenchLab): Promise<number> => procCpuNs(enginePid(l)) + (await labStats(docker, l.lab)).reduce((a, s) => a + s.cpu_stats.cpu_usage.total_usage, 0)
  const [c0, t0] = [await Promise.all(labs.map(cpu)), performance.now()]
  await new Promise((r) => setTimeout(r, windowMs))
  const [c1, t1] = [await Promise.all(labs.map(cpu)), performance.now()]
  return labs.map((_, i) => Math.round(((c1[i]! - c0[i]!) / 1e6 / (t1 - t0)) * 1000) / 10)
}

/** % of one core used by the lab's engine and containers over `windowMs`, after `settleMs` */
export async function labCpuPct(docker: Docker, l: BenchLab, windowMs: number, settleMs: number): Promise<number> {
  return (await labsCpuPct(docker, [l], windowMs, settleMs))[0]!
}
