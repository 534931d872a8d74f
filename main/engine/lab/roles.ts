// What each role needs from Docker beyond the topology: data volumes, environment, published ports.
// Roles without an entry here have no image yet and are shown as "not built yet".
import type { ServerUnit, Topology } from '@contract/topology'
import type { LabSecrets } from './secrets'

export interface RoleContext {
  topology: Topology
  server: ServerUnit
  secrets: LabSecrets
  /** IP of another server reachable from this one (first shared network) */
  ipOf(serverId: string): string
}

export interface RoleSpec {
  /** volume purpose → mount path */
  volumes: Record<string, string>
  env: Record<string, string>
  tmpfs?: string[]
  /** container port → service name listed by `racklab endpoints` */
  publish?: Record<string, string>
  capAdd?: string[]
  stopTimeout?: number
}

type RoleBuilder = (c: RoleContext) => RoleSpec

const db: RoleBuilder = ({ topology, server, secrets, ipOf }): RoleSpec => {
  const dbs = allOfRole(topology, 'db')
  const publish: Record<string, string> = server.replicaOf ? {} : { '3306/tcp': 'mysql' }
  return {
    volumes: { data: '/var/lib/mysql' },
    env: {
      SERVER_ID: String(dbs.indexOf(server.id) + 1),
      DB_ROLE: server.replicaOf ? 'replica' : 'primary',
      ...(server.replicaOf ? { PRIMARY_HOST: ipOf(server.replicaOf) } : {}),
      REPL_PASSWORD: secrets.repl,
      APP_PASSWORD: secrets.app,
      BACKUP_PASSWORD: secrets.backup,
    },
    tmpfs: ['/run'],
    publish,
    stopTimeout: 20,
  }
}

export const roleBuilders: Partial<Record<ServerUnit['role'], RoleBuilder>> = { db }

export function allOfRole(t: Topology, role: ServerUnit['role']): string[] {
  const ids: string[] = []
  for (const site of t.sites) for (const rack of site.racks) for (const u of rack.units) if (u.kind === 'server' && u.role === role) ids.push(u.id)
  return ids
}
