// mx: Postfix + ClamAV + SpamAssassin + backscatter milter + LMTP proxy (lab-images/mx). The proxy routes by
// stores.master_slot in MySQL, so it is told every database and every Cyrus server it can reach.
import { createHash } from 'node:crypto'
import type { LabSecrets } from '../lab/secrets'
import { allServers } from '../topology/queries'
import { LOW_PORTS, SERVICE_USER } from './capabilities'
import { labNets } from './lab-nets'
import { pointSelf } from './db-clients'
import type { RoleContext, RoleDefinition } from './types'

/**
 * Key of the lab's signed outbound Message-IDs (lab-images/perl/Racklab/MessageId.pm). Derived from the
 * app secret so any role that sends mail out (webmail) can compute the same key without a new secret.
 */
export function messageIdKey(secrets: Pick<LabSecrets, 'app'>): string {
  return createHash('sha256').update(`racklab-message-id\0${secrets.app}`).digest('hex')
}

/** IPs of the servers this one shares a network with (an offsite replica on the WAN only is skipped) */
function reachable(c: RoleContext, ids: string[]): { id: string; ip: string }[] {
  const out: { id: string; ip: string }[] = []
  for (const id of ids) {
    try {
      out.push({ id, ip: c.ipOf(id) })
    } catch {
      // no shared network: the MX cannot use that server
    }
  }
  return out
}

/** database servers, primaries first, then replicas (reads fall back to them) */
export function dbHosts(c: RoleContext): string[] {
  const isReplica = new Set(allServers(c.topology).filter((p) => p.server.replicaOf).map((p) => p.server.id))
  const dbs = c.serversOf('db')
  return reachable(c, [...dbs.filter((id) => !isReplica.has(id)), ...dbs.filter((id) => isReplica.has(id))]).map((h) => h.ip)
}

export const mx: RoleDefinition = {
  spec: (c) => {
    const db = dbHosts(c)
    const imap = reachable(c, c.serversOf('imap'))
    if (db.length === 0) throw new Error(`${c.server.id}: no database server shares a network with it; the mail router needs one`)
    if (imap.length === 0) throw new Error(`${c.server.id}: no imap server shares a network with it; mail has nowhere to go`)
    return {
      volumes: { spool: '/var/spool/postfix' },
      env: {
        DB_HOSTS: db.join(','),
        DB_PASSWORD: c.secrets.app,
        IMAP_HOSTS: imap.map((h) => `${h.id}=${h.ip}`).join(','),
        MESSAGE_ID_KEY: messageIdKey(c.secrets),
        LAB_NETS: labNets(c.topology),
      },
      tmpfs: ['/run'],
      // Postfix's master is root on 25 and runs its daemons as postfix; clamd, spamd and the milters run as
      // their own users. FSETID: `postfix set-permissions` keeps postdrop's setgid bit on postqueue/postdrop.
      capabilities: { ...SERVICE_USER, ...LOW_PORTS, FSETID: "postfix set-permissions keeps the setgid bit of postdrop's tools" },
      // seven daemons; clamd's and spamd's threads and children count
      pidsLimit: 1024,
      // no publish of its own: the edge is the lab's one way in from the host (DNS MX → mx1/mx2)
      // a ceiling, not a wait: s6 stops the seven daemons in about a second (the Postfix master is supervised
      // itself; the milters and spamd, which keep no state, get SIGKILL 1 s after SIGTERM: s6 timeout-kill).
      // Even a SIGKILL here would lose no mail: Postfix answers 250 only once the queue file is fsynced.
      stopTimeout: 20,
    }
  },
  // which database is the primary now (after a promote it is not the first of DB_HOSTS)
  afterHealthy: pointSelf,
  // the pointer is a file in its /run (a tmpfs mounted at start, never written by its boot) that its daemons read
  // per request: written while it boots, off the end of `up`
  provisionsAtStart: true,
  // Postfix, the milters and the LMTP proxy start without the stores or the database (the proxy reaches them per
  // message); its health is its own daemons: it boots beside db1/imap1, the slowest boot of the lab (clamd, spamd)
  bootsAlone: true,
  bootS: 3.5, // clamd, spamd and the milters load
}
