// db: MariaDB primary or GTID replica (lab-images/db). The primary gets the topology's test users.
import { SERVICE_USER } from './capabilities'
import { dbActions } from './db-actions'
import { replicaCaughtUp } from './db-caught-up'
import { followPrimary } from './db-failover'
import { labNets } from './lab-nets'
import type { RoleContext, RoleDefinition } from './types'

export const db: RoleDefinition = {
  spec: ({ topology, server, secrets, ipOf, serversOf }) => {
    return {
      // offsite: where an offsite server (db3) keeps the copies of backup1's hot backups
      volumes: { data: '/var/lib/mysql', offsite: '/var/backups/racklab' },
      env: {
        SERVER_ID: String(serversOf('db').indexOf(server.id) + 1),
        DB_ROLE: server.replicaOf ? 'replica' : 'primary',
        ...(server.replicaOf ? { PRIMARY_HOST: ipOf(server.replicaOf) } : {}),
        REPL_PASSWORD: secrets.repl,
        APP_PASSWORD: secrets.app,
        BACKUP_PASSWORD: secrets.backup,
        LAB_NETS: labNets(topology),
      },
      tmpfs: ['/run'],
      // mariadbd runs as mysql on 3306: no low port
      capabilities: SERVICE_USER,
      // one thread per connection plus ~20 of its own
      pidsLimit: 512,
      // no publish: db servers sit only on --internal networks, where Docker silently publishes nothing.
      // Host access goes through the edge (web tier); `racklab exec db1 -- mariadb` works meanwhile.
      // a ceiling, not a wait: mariadbd stops on SIGTERM in about a second (InnoDB's fast shutdown writes the log,
      // not the whole buffer pool). 20 s leaves a busy server room to finish: a database is never SIGKILLed mid-write.
      stopTimeout: 20,
    }
  },
  actions: dbActions,
  // a replica's boot never reads its primary (the entrypoint sets CHANGE MASTER on a private init server; the real
  // server's IO thread connects every 2 s until the primary answers): it boots beside it, as in compose
  bootsAlone: true,
  // replicas receive the users by replication; provisioning is an idempotent upsert on the current primary,
  // kept in the data volume. A server that boots after a promote first follows the new primary (or is fenced
  // read-only, if it was the old one).
  afterHealthy: async (c) => {
    const { server, topology, exec } = c
    if (!(await followPrimary(c)).isPrimary) return
    const r = await exec(server.id, ['racklab-provision-users', '--domain', topology.domain], { stdin: provisionLines(c).join('\n') + '\n', timeoutMs: 60_000 })
    if (r.exitCode !== 0) throw new Error(`provisioning users on ${server.id} failed: ${(r.stderr || r.stdout).trim()}`)
  },
  provision: { keptIn: 'volumes', inputs: (c) => (c.server.replicaOf ? null : { domain: c.topology.domain, lines: provisionLines(c) }) },
  // healthy is "mariadbd answers"; a replica just started is ready once it also replicates and has caught up
  settled: replicaCaughtUp,
}

/** the JSON lines racklab-provision-users reads: the mail stores, then the topology's users */
function provisionLines({ topology, serversOf }: RoleContext): string[] {
  const placed = new Map(topology.sites.flatMap((s) => s.racks.flatMap((r) => r.units)).map((u) => [u.id, u]))
  // one mail store per Cyrus master, with its replica slot: the LMTP proxy and webmail route by it
  const stores = serversOf('imap')
    .filter((id) => { const u = placed.get(id); return u?.kind === 'server' && !u.replicaOf })
    .map((master) => {
      const replica = serversOf('imap').find((id) => { const u = placed.get(id); return u?.kind === 'server' && u.replicaOf === master })
      return JSON.stringify({ kind: 'store', id: `${master}-store`, name: master, master, ...(replica ? { replica } : {}) })
    })
  const users = topology.users.map((u) => JSON.stringify({ name: u.name, password: u.password, fullName: u.fullName ?? u.name, store: u.store ?? '' }))
  return [...stores, ...users]
}
