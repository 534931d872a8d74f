// One-shot container stats. CPU % needs two samples; docker's non-stream reply carries both
// (cpu_stats and precpu_stats) when asked without one-shot.
import type Docker from 'dockerode'

interface CpuSample {
  cpu_usage: { total_usage: number; percpu_usage?: number[] }
  system_cpu_usage?: number
  online_cpus?: number
}

export interface StatsSample {
  cpu_stats: CpuSample
  precpu_stats: CpuSample
  memory_stats: { usage?: number; stats?: Record<string, number> }
}

/** The formula the docker CLI uses: container delta / system delta × online CPUs × 100. */
export function cpuPercent(s: StatsSample): number {
  const cpu = s.cpu_stats.cpu_usage.total_usage - s.precpu_stats.cpu_usage.total_usage
  const sys = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats.system_cpu_usage ?? 0)
  const cpus = s.cpu_stats.online_cpus ?? s.cpu_stats.cpu_usage.percpu_usage?.length ?? 1
  if (cpu <= 0 || sys <= 0) return 0
  return (cpu / sys) * cpus * 100
}

/** Memory in use without the page cache, as `docker stats` shows it (cgroup v1 and v2 keys). */
export function memoryUsed(s: StatsSample): number {
  const usage = s.memory_stats.usage ?? 0
  const st = s.memory_stats.stats ?? {}
  const cache = st.total_inactive_file ?? st.inactive_file ?? 0
  return Math.max(0, usage - cache)
}

export async function readStats(docker: Docker, container: string): Promise<{ cpuPercent: number; memoryBytes: number }> {
  // stream:false waits ~1 s for a second sample so precpu_stats is filled in
  const s = (await docker.getContainer(container).stats({ stream: false })) as unknown as StatsSample
  return { cpuPercent: Math.round(cpuPercent(s) * 10) / 10, memoryBytes: memoryUsed(s) }
}
