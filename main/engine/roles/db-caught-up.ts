// A replica that `up` has just started counts as ready only once it replicates and has what its primary had.
// Its IO thread connects every 2 s (MASTER_CONNECT_RETRY) until the primary answers, so a lab that came up in a few
// seconds could say "healthy" while db2 still had no schema and `racklab check` failed db.replication.
import { LabError } from '@contract/errors'
import { readDbNode, readDbNodes, rootSql, sqlq, tryIpBetween, type DbNode } from './db-state'
import type { HookContext } from './types'

/** how long a started replica may take to connect and apply what its primary has (the lab schema: well under 1 s) */
export const CATCH_UP_S = 30

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Wait until this db server, if it replicates from a server that answers, runs both replication threads and has
 *  applied that server's binlog position as it was when we looked. The server waited on is the one its replication
 *  points at (after a promote that need not be the topology's primary); a primary, or a replica whose source is down
 *  (held off by the hardware, or dead), has nothing to wait for: the monitor's db.replication says so. */
export async function replicaCaughtUp(c: HookContext, waitS = CATCH_UP_S): Promise<void> {
  const id = c.server.id
  const nodes = await readDbNodes(c)
  const self = nodes.find((n) => n.id === id)
  if (!self?.up || !self.masterHost) return
  const source = nodes.find((n) => n.id !== id && tryIpBetween(c.topology, id, n.id) === self.masterHost)
  if (!source?.up) return
  const end = Date.now() + waitS * 1000
  // still between two connect attempts: try now rather than at the next retry
  if (!self.ioRunning) await rootSql(c, id, 'STOP SLAVE IO_THREAD; START SLAVE IO_THREAD')
  const pos = source.gtidBinlogPos ?? ''
  const waited = pos ? await rootSql(c, id, `SELECT MASTER_GTID_WAIT(${sqlq(pos)}, ${waitS})`, (waitS + 10) * 1000) : '0'
  // having the position is not replicating: the IO thread may still be connecting after the nudge
  let after: DbNode = await readDbNode(c, id)
  while (waited === '0' && !(after.ioRunning && after.sqlRunning) && Date.now() < end) {
    await sleep(500)
    after = await readDbNode(c, id)
  }
  if (waited === '0' && after.ioRunning && after.sqlRunning) return
  const why = after.error ?? (await rootSql(c, id, 'SHOW SLAVE STATUS\\G').catch((e: Error) => e.message)).match(/Last_(?:IO|SQL)_Error:\s*(\S.*)/)?.[1]
  const late = waited === '0' ? '' : `not at ${source.id}'s position ${pos} after ${waitS} s; `
  const io = after.ioRunning ? 'running' : 'not connected'
  throw new LabError('UNHEALTHY', `${id} does not replicate from ${source.id}: ${late}IO thread ${io}, SQL thread ${after.sqlRunning ? 'running' : 'stopped'}${why ? ` (${why})` : ''}; a pulled cable or a firewall block between them would do this (racklab check)`)
}

