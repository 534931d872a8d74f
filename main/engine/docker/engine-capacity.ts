// How much room a Docker engine has, from its own API (it may be on another host, or in Docker Desktop's VM,
// so /proc/meminfo here says nothing about it): the memory of the machine it runs on, less what its running
// containers use now (every container, not only labs'). Processes outside containers are not seen: an estimate
// that serves to compare engines and to place the next lab, not a promise.
import type Docker from 'dockerode'
import { readStats } from './stats'

export interface EngineCapacity {
  cpus: number
  memTotalBytes: number
  /** the running containers' memory, page cache excluded (as docker stats shows it) */
  containersMemoryBytes: number
  freeMemoryBytes: number
  runningContainers: number
}

export async function engineCapacity(docker: Docker): Promise<EngineCapacity> {
  const [info, running] = await Promise.all([docker.info() as Promise<{ MemTotal?: number; NCPU?: number }>, docker.listContainers({})])
  // one stats call per container, all at once (each waits ~1 s for its second sample)
  const used = await Promise.all(running.map((c) => readStats(docker, c.Id).then((s) => s.memoryBytes, () => 0)))
  const containersMemoryBytes = used.reduce((a, b) => a + b, 0)
  const memTotalBytes = info.MemTotal ?? 0
  return { cpus: info.NCPU ?? 0, memTotalBytes, containersMemoryBytes, freeMemoryBytes: Math.max(0, memTotalBytes - containersMemoryBytes), runningContainers: running.length }
}
