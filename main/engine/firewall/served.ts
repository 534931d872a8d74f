// What each role serves to the network, as the firewall's allow list: the port, and who may reach it. Every
// server's input policy is drop (firewall/ruleset.ts); only loopback, replies, ICMP and these get in.
import type { ServerUnit } from '@contract/topology'
import { EDGE_FORWARDS, ftpPassivePorts } from '../roles/edge'
import { pasvRange } from '../roles/file'
import type { RoleContext } from '../roles/types'
import { DB_STREAM_PORT, MAIL_STREAM_PORT, OFFSITE_PORT } from '../roles/backup-ports'

export interface Served {
  proto: 'tcp' | 'udp'
  /** one port or an inclusive range */
  ports: number[] | [number, number]
  range?: true
  /** 'lab': the lab's own subnets; 'any': anything that reaches the server (the edge's public side) */
  from: 'lab' | 'any'
  what: string
}

const tcp = (what: string, ...ports: number[]): Served => ({ proto: 'tcp', ports, from: 'lab', what })
const span = (what: string, [lo, hi]: [number, number]): Served => ({ proto: 'tcp', ports: [lo, hi], range: true, from: 'lab', what })

/** every server: its sshd (ssh/start.ts), for the lab's operator key only */
export const SSH: Served = tcp('SSH (the lab operator key only)', 22)

export function servedBy(role: ServerUnit['role'], c: Pick<RoleContext, 'serversOf' | 'server' | 'topology'>): Served[] {
  return [...roleServes(role, c), SSH]
}

function roleServes(role: ServerUnit['role'], c: Pick<RoleContext, 'serversOf' | 'server' | 'topology'>): Served[] {
  switch (role) {
    case 'db':
      // any db may be backup1's offsite store (one on another site): it receives the copies (roles/backup-db.ts)
      return [tcp('MariaDB (clients and replicas)', 3306), ...(c.serversOf('backup').length ? [tcp('offsite copies from backup1', OFFSITE_PORT)] : [])]
    case 'backup':
      return [tcp('hot backup streams from a database replica', DB_STREAM_PORT), tcp('mail files from a Cyrus node (and back to it on a restore)', MAIL_STREAM_PORT)]
    case 'dns':
      return [tcp('DNS', 53), { proto: 'udp', ports: [53], from: 'lab', what: 'DNS' }]
    case 'edge': {
      const pasv = ftpPassivePorts(c)
      return [
        { proto: 'tcp', ports: Object.keys(EDGE_FORWARDS).map(Number), from: 'any', what: 'the public services' },
        ...(pasv.length ? [{ proto: 'tcp' as const, ports: [pasv[0]!, pasv[pasv.length - 1]!], range: true as const, from: 'any' as const, what: 'passive FTP' }] : []),
      ]
    }
    case 'fe': {
      const pasv = ftpPassivePorts(c)
      return [tcp('HTTP, HTTPS, IMAP, POP, submission, FTP', 80, 443, 143, 110, 587, 21), ...(pasv.length ? [span('passive FTP', [pasv[0]!, pasv[pasv.length - 1]!])] : [])]
    }
    case 'file':
      return [tcp('WebDAV and FTP', 80, 21), span('passive FTP', pasvRange(c, c.server.id))]
    case 'imap':
      return [tcp('IMAP, POP, LMTP, replication, sieve', 143, 110, 24, 2005, 4190)]
    case 'mx':
      return [tcp('SMTP', 25)]
    case 'web':
      return [tcp('HTTP from the frontends', 80)]
    default:
      return []
  }
}

/** the single ports a person may block on this server, by its TCP services (ranges are not offered); a block
 *  drops UDP to the port too (ruleset.ts), so a name server's 53 goes whole */
export function blockablePorts(served: Served[]): number[] {
  return [...new Set(served.filter((s) => s.proto === 'tcp' && !s.range).flatMap((s) => s.ports))].sort((a, b) => a - b)
}
