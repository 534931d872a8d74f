// One engine as `racklab engines ls` and placement see it: does it answer, which Docker, which labs live there
// (from the racklab.lab labels of its containers and networks), and how much memory is left. An engine that does
// not answer is reported with the reason, never dropped: its labs are still there.
import type Docker from 'dockerode'
import { createDockerGateway } from '../docker/gateway'
import { dockerClientFor } from '../docker/connect'
import { engineCapacity, type EngineCapacity } from '../docker/engine-capacity'
import { LABEL_LAB, type DockerGateway } from '../docker/types'
import { hostOf, type EngineEntry } from './engine-entry'

export interface EngineSurvey {
  name: string
  host: string
  reachable: boolean
  /** why it is not reachable */
  problem?: string
  version?: string
  labs: string[]
  capacity?: EngineCapacity
}

/** a gateway and a raw client for a registered engine (the gateway for labelled objects, the client for info) */
export function connectEngine(e: EngineEntry): { gw: DockerGateway; docker: Docker } {
  const host = hostOf(e)
  const docker = dockerClientFor(host)
  return { gw: createDockerGateway({ docker, host }), docker }
}

/** the labs with any container or network on this gateway's engine */
export async function labsOn(gw: DockerGateway): Promise<string[]> {
  const [cs, ns] = await Promise.all([gw.listContainers(), gw.listNetworkSubnets()])
  return [...new Set([...cs.map((c) => c.labels[LABEL_LAB]), ...ns.map((n) => n.labels[LABEL_LAB])].filter((l): l is string => !!l))].sort()
}

export async function surveyEngine(e: EngineEntry, withCapacity = true): Promise<EngineSurvey> {
  let conn
  try {
    conn = connectEngine(e)
  } catch (err) {
    return { name: e.name, host: e.host, reachable: false, problem: (err as Error).message, labs: [] }
  }
  const st = await conn.gw.status()
  if (st.state !== 'connected') return { name: e.name, host: e.host, reachable: false, problem: st.message, labs: [] }
  try {
    const [labs, capacity] = await Promise.all([labsOn(conn.gw), withCapacity ? engineCapacity(conn.docker) : Promise.resolve(undefined)])
    return { name: e.name, host: e.host, reachable: true, ...(st.version ? { version: st.version } : {}), labs, ...(capacity ? { capacity } : {}) }
  } catch (err) {
    return { name: e.name, host: e.host, reachable: false, problem: (err as Error).message, labs: [] }
  }
}
