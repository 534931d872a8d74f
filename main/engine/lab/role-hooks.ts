// Work a role needs once its container is healthy (provisioning that must go through the running daemon).
import type { LabEngine } from './lab-engine'
import { containerName } from './naming'

type Hook = (lab: LabEngine, server: string) => Promise<void>

/** The primary database gets the topology's test users (idempotent upsert; replicas receive them by replication). */
const provisionUsers: Hook = async (lab, server) => {
  const placed = lab.servers.get(server)
  if (!placed || placed.server.replicaOf) return
  const lines = lab.topology.users.map((u) => JSON.stringify({ name: u.name, password: u.password, fullName: u.fullName ?? u.name, store: u.store ?? '' }))
  const r = await lab.gateway.exec(containerName(lab.labId, server), ['racklab-provision-users'], { stdin: lines.join('\n') + '\n', timeoutMs: 60_000 })
  if (r.exitCode !== 0) throw new Error(`provisioning users on ${server} failed: ${(r.stderr || r.stdout).trim()}`)
}

export const afterHealthy: Partial<Record<string, Hook>> = { db: provisionUsers }
