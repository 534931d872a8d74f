// imap: Cyrus IMAP master or replica (lab-images/imap). A master replicates to the server whose replicaOf
// names it; both learn the users of their store, and the master creates their mailboxes. Promote, fail-back
// and resync are in mail-actions.ts.
import type { Topology } from '@contract/topology'
import { allServers } from '../topology/queries'
import { LOW_PORTS, SERVICE_USER } from './capabilities'
import { fillFromPeer, mailActions } from './mail-actions'
import { peerOf, readPair } from './mail-pair'
import type { RoleDefinition } from './types'
import { flushMailQueues } from './mail-flush'

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
    // both nodes know each other: the roles can swap at run time (promote, fail-back), the config need not
    const peer = peerOf(topology, server)
    return {
      // the mail spool is what the RAID enclosure holds, hence "data"; Cyrus's databases sit beside it
      volumes: { data: '/var/spool/cyrus', meta: '/var/lib/cyrus', sieve: '/var/spool/sieve' },
      env: {
        CYRUS_ROLE: server.replicaOf ? 'replica' : 'master',
        CYRUS_PASSWORD: secrets.cyrus,
        ...(peer ? { SYNC_PEER: ipOf(peer), SYNC_PEER_NAME: peer } : {}),
      },
      tmpfs: ['/run'],
      // Cyrus's master runs as cyrus (runuser) and serves 143, 110 and 24
      capabilities: { ...SERVICE_USER, ...LOW_PORTS },
      // a process per IMAP/POP/LMTP connection
      pidsLimit: 512,
      // a ceiling, not a wait: cyrmaster stops its children and exits in about a second once it alone gets
      // SIGTERM (the image's tini has no -g). 20 s for a busy store: a mailbox write is never SIGKILLed.
      stopTimeout: 20,
    }
  },
  actions: mailActions,
  // a replica's boot never reads its master (the entrypoint starts Cyrus on its own volumes; a brand-new copy waits
  // with LMTP closed for the fill below, which does wait for the master): it boots beside it, as in compose
  bootsAlone: true,
  // users and mailboxes live in the store's volumes; a new volume (first up, rebuilt array) on either node runs it
  provision: {
    keptIn: 'volumes',
    inputs: (c) => {
      const peer = peerOf(c.topology, c.server)
      return { users: storeUsers(c.topology, c.server.id, c.server.replicaOf), peer: peer ? c.keptIdentity(peer) : null }
    },
  },
  // A copy on brand-new volumes (first up, or an array rebuilt after a loss) is filled from its peer when the
  // peer holds the store; otherwise (the very first up) this node provisions: passwords on every node,
  // mailboxes on the current master (the replica receives them by replication).
  afterHealthy: async (c) => {
    const { server, topology, exec } = c
    const pair = await readPair(c)
    if (pair?.self.awaitingResync && pair.peer.up && !pair.peer.awaitingResync) {
      await fillFromPeer(c, pair)
      await flushMailQueues(c)
      return
    }
    const users = storeUsers(topology, server.id, server.replicaOf)
    const lines = users.map((u) => JSON.stringify({ name: u.name, password: u.password })).join('\n') + '\n'
    if (users.length) {
      const r = await exec(server.id, ['racklab-cyrus-users'], { stdin: lines, timeoutMs: 60_000 })
      if (r.exitCode !== 0) throw new Error(`provisioning mail users on ${server.id} failed: ${(r.stderr || r.stdout).trim()}`)
    }
    if (pair?.self.awaitingResync) {
      const r = await exec(server.id, ['racklab-cyrus-role', '--resynced'], { timeoutMs: 30_000 })
      if (r.exitCode !== 0) throw new Error(`opening LMTP on ${server.id} failed: ${(r.stderr || r.stdout).trim()}`)
    }
    // mail deferred while this node was away goes now, not at the MXs' next backoff
    await flushMailQueues(c)
  },
}
