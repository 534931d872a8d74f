// `racklab labs`: every lab on the engine — from the racklab.lab labels of its containers and networks — plus
// the labs this machine keeps state for (~/.racklab/<lab>/), which may be down. Never touches any of them.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { ContainerInfo, DockerGateway } from '../docker/types'
import { LABEL_LAB, LABEL_NETWORK } from '../docker/types'
import { peekSubnetRecord, type SubnetRecord } from './subnet-record'

export interface LabSummary {
  lab: string
  /** the Docker engine it is on (racklab engines ls) */
  engine?: string
  /** running: every container runs; partial: some do; stopped: containers but none runs; down: none;
   *  unreachable: placed on an engine that does not answer now (never taken for gone) */
  state: 'running' | 'partial' | 'stopped' | 'down' | 'unreachable'
  servers: { running: number; total: number }
  /** network id → subnet: the live networks', or (down) the subnets the lab had last */
  subnets: Record<string, string>
  subnetsFrom: 'engine' | 'record' | 'none'
  /** sum of its running containers' memory (docker stats, page cache excluded) */
  memoryBytes?: number
  /** its state dir on this machine, when there is one */
  stateDir?: string
}

export interface LabFacts {
  containers: ContainerInfo[]
  networks: { labels: Record<string, string>; subnets: string[] }[]
  /** lab → its state dir's subnet record (undefined: a state dir without one) */
  records: Map<string, { dir: string; record: SubnetRecord | undefined }>
  memory: Map<string, number>
}

export function summarizeLabs(f: LabFacts): LabSummary[] {
  const names = new Set<string>([...f.records.keys()])
  for (const c of f.containers) if (c.labels[LABEL_LAB]) names.add(c.labels[LABEL_LAB])
  for (const n of f.networks) if (n.labels[LABEL_LAB]) names.add(n.labels[LABEL_LAB])
  return [...names].sort().map((lab) => {
    const cs = f.containers.filter((c) => c.labels[LABEL_LAB] === lab)
    const running = cs.filter((c) => c.running).length
    const live = Object.fromEntries(f.networks.filter((n) => n.labels[LABEL_LAB] === lab && n.labels[LABEL_NETWORK] && n.subnets[0]).map((n) => [n.labels[LABEL_NETWORK]!, n.subnets[0]!]))
    const rec = f.records.get(lab)
    const has = Object.keys(live).length > 0
    const state: LabSummary['state'] = cs.length === 0 ? 'down' : running === cs.length ? 'running' : running > 0 ? 'partial' : 'stopped'
    const mem = f.memory.get(lab)
    return {
      lab,
      state,
      servers: { running, total: cs.length },
      subnets: has ? live : (rec?.record?.networks ?? {}),
      subnetsFrom: has ? 'engine' : rec?.record ? 'record' : 'none',
      ...(mem !== undefined ? { memoryBytes: mem } : {}),
      ...(rec ? { stateDir: rec.dir } : {}),
    }
  })
}

/** the state dirs under RACKLAB_HOME that belong to a lab (they hold its secrets or journal) */
export function labStateDirs(home: string): Map<string, { dir: string; record: SubnetRecord | undefined }> {
  const out = new Map<string, { dir: string; record: SubnetRecord | undefined }>()
  if (!existsSync(home)) return out
  for (const name of readdirSync(home)) {
    const dir = join(home, name)
    if (!statSync(dir).isDirectory() || !['secrets.json', 'journal.jsonl', 'subnets.json'].some((f) => existsSync(join(dir, f)))) continue
    out.set(name, { dir, record: peekSubnetRecord(dir) })
  }
  return out
}

/** the labs on one engine; `mine` says which labs with only a state dir (down) belong to this engine's list */
export async function listLabs(gw: DockerGateway, home: string, withMemory = true, mine: (lab: string) => boolean = () => true): Promise<LabSummary[]> {
  const [containers, networks] = await Promise.all([gw.listContainers(), gw.listNetworkSubnets()])
  const memory = new Map<string, number>()
  if (withMemory) {
    // one stats call per running container, all at once: about a second in all
    const samples = await Promise.all(containers.filter((c) => c.running).map(async (c) => ({ lab: c.labels[LABEL_LAB]!, mem: await gw.stats(c.id).then((s) => s.memoryBytes, () => 0) })))
    for (const s of samples) memory.set(s.lab, (memory.get(s.lab) ?? 0) + s.mem)
  }
  const records = new Map([...labStateDirs(home)].filter(([lab]) => mine(lab) || containers.some((c) => c.labels[LABEL_LAB] === lab) || networks.some((n) => n.labels[LABEL_LAB] === lab)))
  return summarizeLabs({ containers, networks: networks.filter((n) => n.labels[LABEL_LAB]), records, memory })
}
