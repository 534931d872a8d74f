// web: Apache + mod_perl webmail (lab-images/web). Stateless: sessions live in MySQL, mail in Cyrus, so any
// web server serves any session. It also answers nginx's mail-auth questions (see fe.ts).
import { createHash } from 'node:crypto'
import type { LabSecrets } from '../lab/secrets'
import { LOW_PORTS, SERVICE_USER } from './capabilities'
import { fileWebKey } from './file'
import { dbHosts, messageIdKey } from './mx'
import { pointSelf } from './db-clients'
import type { RoleContext, RoleDefinition } from './types'

/** Key the frontends' nginx sends with mail-auth requests; derived from the app secret like messageIdKey. */
export function mailAuthKey(secrets: Pick<LabSecrets, 'app'>): string {
  return createHash('sha256').update(`racklab-mail-auth\0${secrets.app}`).digest('hex').slice(0, 40)
}

/** "id=ip" for the servers of a role this one shares a network with */
export function reachableHosts(c: RoleContext, role: 'imap' | 'mx' | 'web' | 'file'): { id: string; ip: string }[] {
  const out: { id: string; ip: string }[] = []
  for (const id of c.serversOf(role)) {
    try {
      out.push({ id, ip: c.ipOf(id) })
    } catch {
      // no shared network: unusable from here
    }
  }
  return out
}

export const web: RoleDefinition = {
  spec: (c) => {
    const db = dbHosts(c)
    const imap = reachableHosts(c, 'imap')
    const mx = reachableHosts(c, 'mx')
    const missing = [db.length ? '' : 'database', imap.length ? '' : 'imap', mx.length ? '' : 'mx'].filter(Boolean)
    if (missing.length) throw new Error(`${c.server.id}: no ${missing.join(', ')} server shares a network with it; the webmail needs them`)
    return {
      volumes: {},
      env: {
        DB_HOSTS: db.join(','),
        DB_PASSWORD: c.secrets.app,
        IMAP_HOSTS: imap.map((h) => `${h.id}=${h.ip}`).join(','),
        CYRUS_PASSWORD: c.secrets.cyrus,
        MX_HOSTS: mx.map((h) => h.ip).join(','),
        MESSAGE_ID_KEY: messageIdKey(c.secrets),
        AUTH_KEY: mailAuthKey(c.secrets),
        // the Files page: the storage API on the file nodes (none in a lab without them: the page says so)
        FILE_HOSTS: reachableHosts(c, 'file').map((h) => h.ip).join(','),
        FILE_KEY: fileWebKey(c.secrets),
      },
      tmpfs: ['/run'],
      // Apache's parent is root on 80, its children run as www-data
      capabilities: { ...SERVICE_USER, ...LOW_PORTS },
      // a child per busy connection (prefork)
      pidsLimit: 512,
      // a ceiling: Apache's graceful stop (SIGWINCH) ends after GracefulShutdownTimeout 1 s; the webmail keeps
      // its sessions in MySQL, nothing in the process
      stopTimeout: 10,
    }
  },
  // which database is the primary now (after a promote it is not the first of DB_HOSTS)
  afterHealthy: pointSelf,
  // the pointer is a file in its /run (a tmpfs mounted at start, never written by its boot) that its daemons read
  // per request: written while it boots, off the end of `up`
  provisionsAtStart: true,
  // Apache needs neither the database nor the stores to start (addresses come in env; /health says when they are down)
  bootsAlone: true,
  bootS: 2.5, // Apache loads the webmail's Perl
}
