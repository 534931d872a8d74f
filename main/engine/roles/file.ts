// file: a file-storage node (lab-images/file): the Perl storage API and WebDAV on :80, FTP on :21, and the
// keeper that re-replicates and scrubs on the lab clock. Blobs live on the data volume (the server's
// internal disks); metadata lives in MySQL. Every node knows every other node and its rack, so a blob's N
// copies (topology files.copies) land in different racks.
import { createHash } from 'node:crypto'
import type { LabSecrets } from '../lab/secrets'
import { allServers } from '../topology/queries'
import { LOW_PORTS } from './capabilities'
import { fileActions } from './file-actions'
import { dbHosts } from './mx'
import type { RoleContext, RoleDefinition } from './types'

/** Key the file nodes present to each other on the node-to-node blob API; derived from the app secret. */
export function fileNodeKey(secrets: Pick<LabSecrets, 'app'>): string {
  return createHash('sha256').update(`racklab-file-node\0${secrets.app}`).digest('hex').slice(0, 40)
}

/**
 * Key the webmail presents to the storage API to act for a logged-in user (whose password it never keeps),
 * as it acts for users at IMAP as the Cyrus admin; derived from the app secret.
 */
export function fileWebKey(secrets: Pick<LabSecrets, 'app'>): string {
  return createHash('sha256').update(`racklab-file-web\0${secrets.app}`).digest('hex').slice(0, 40)
}

/** The first passive FTP port when the lab has none of its own (lab/ftp-ports.ts); node i (in topology order)
 *  uses base + n·i … + n − 1, n = files.ftpPassivePorts. */
export const FTP_PASV_BASE = 30000

/** this node's fixed passive port range, e.g. "30004-30007" */
export function pasvRange(c: Pick<RoleContext, 'serversOf' | 'topology'>, id: string): [number, number] {
  const i = c.serversOf('file').indexOf(id)
  if (i < 0) throw new Error(`${id} is not a file server`)
  const lo = (c.topology.files.ftpPassiveBase ?? FTP_PASV_BASE) + c.topology.files.ftpPassivePorts * i
  return [lo, lo + c.topology.files.ftpPassivePorts - 1]
}

/** "file1=10.231.0.61@nyi-1,…": the file nodes this one shares a network with, with their racks */
export function fileNodes(c: RoleContext): string {
  const rackOf = new Map(allServers(c.topology).map((p) => [p.server.id, p.rackId]))
  const out: string[] = []
  for (const id of c.serversOf('file')) {
    try {
      out.push(`${id}=${c.ipOf(id)}@${rackOf.get(id) ?? 'unknown'}`)
    } catch {
      // no shared network: not a peer
    }
  }
  return out.join(',')
}

export const file: RoleDefinition = {
  spec: (c) => {
    const db = dbHosts(c)
    if (db.length === 0) throw new Error(`${c.server.id}: no database server shares a network with it; file metadata lives in MySQL`)
    const [lo, hi] = pasvRange(c, c.server.id)
    return {
      volumes: { data: '/srv/blobs' },
      env: {
        DB_HOSTS: db.join(','),
        DB_PASSWORD: c.secrets.app,
        NODE_KEY: fileNodeKey(c.secrets),
        WEB_KEY: fileWebKey(c.secrets),
        FILE_NODES: fileNodes(c),
        FILE_COPIES: String(c.topology.files.copies),
        FILE_CAPACITY_MB: String(c.topology.files.capacityMB),
        CLOCK_SPEED: String(c.topology.clock.speed),
        FTP_PASV_PORTS: `${lo}-${hi}`,
        FTP_PUBLIC_IP: '127.0.0.1',
      },
      tmpfs: ['/run'],
      // root serves HTTP (80) and FTP (21) from root-owned storage: no user switch
      capabilities: LOW_PORTS,
      pidsLimit: 256,
      // a ceiling: the Perl daemons stop on SIGTERM at once; a blob is written to tmp/ and renamed, so even a
      // kill leaves no half blob (the entrypoint clears tmp/ at start)
      stopTimeout: 10,
    }
  },
  actions: fileActions,
  bootS: 2.5, // its HTTP and FTP servers load their Perl and prefork
}
