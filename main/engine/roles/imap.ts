// imap: Cyrus IMAP master or replica (lab-images/imap). A master replicates to the server whose replicaOf
// names it; both learn the users of their store, and the master creates their mailboxes.
import type { Topology } from '@contract/topology'
import { allServers } from '../topology/queries'
import type { RoleDefinition } from './types'

/** ids of the servers that replicate `id` (replicaOf: id), in topology order */
export function replicasOf(t: Topology, id: string): string[] {
  return allServers(t)
    .map((p) => p.server)
    .filter((s) => s.replicaOf === id)
    .map((s) => s.id)
}

/** users whose mailboxes live on this server's store: its own, or its master's when it is a replica */
export function storeUsers(t: Topology, serverId: string, replicaOf?: string): Topology['users'] {
  const home = replicaOf ?? serverId
  return t.users.filter((u) => u.store === home)
}

export const imap: RoleDefinition = {
  spec: ({ topology, server, secrets, ipOf }) => {
    const replica = server.replicaOf ? undefined : replicasOf(topology, server.id)[0]
    return {
      // the mail spool is what the RAID enclosure holds, hence "data"; Cyrus's databases sit beside it
      volumes: { data: '/var/spool/cyrus', meta: '/var/lib/cyrus', sieve: '/var/spool/sieve' },
      env: {
        CYRUS_ROLE: server.replicaOf ? 'replica' : 'master',
        CYRUS_PASSWORD: secrets.cyrus,
        ...(replica ? { SYNC_HOST: ipOf(replica) } : {}),
      },
      tmpfs: ['/run'],
      stopTimeout: 20,
    }
  },
  // passwords on every node; mailboxes on the master (the replica receives them by replication)
  afterHealthy: async ({ server, topology, exec }) => {
    const users = storeUsers(topology, server.id, server.replicaOf)
    if (users.length === 0) return
    const lines = users.map((u) => JSON.stringify({ name: u.name, password: u.password })).join('\n') + '\n'
    const r = await exec(server.id, ['racklab-cyrus-users'], { stdin: lines, timeoutMs: 60_000 })
    if (r.exitCode !== 0) throw new Error(`provisioning mail users on ${server.id} failed: ${(r.stderr || r.stdout).trim()}`)
  },
}
