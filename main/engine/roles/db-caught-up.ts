// A replica that `up` has just started counts as ready only once it replicates and has what its primary had.
// Its IO thread connects every 2 s (MASTER_CONNECT_RETRY) until the primary answers, so a lab that came up in a few
// seconds could say "healthy" while db2 still had no schema and `racklab check` failed db.replication.
import { LabError } from '@contract/errors'
import { currentPrimary, readDbNode, readDbNodes, rootSql, sqlq } from './db-state'
import type { HookContext } from './types'

/** how long a started replica may take to connect and apply what its primary has (the lab schema: well under 1 s) */
export const CATCH_UP_S = 30

/** wait until this db server, if it is a replica of a primary that answers, runs both replication threads and has
 *  applied the primary's binlog position as it was when we looked; a primary, or a replica whose primary is down,
 *  has nothing to wait for */
export async function replicaCaughtUp(c: HookContext, waitS = CATCH_UP_S): Promise<void> {
  const id = c.server.id
  const nodes = await readDbNodes(c)
  const self = nodes.find((n) => n.id === id)
  const primary = currentPrimary(nodes)
  if (!self?.up || !self.masterHost || !primary || primary.id === id) return
  // still between two connect attempts: try now rather than at the next retry
  if (!self.ioRunning) await rootSql(c, id, 'STOP SLAVE IO_THREAD; START SLAVE IO_THREAD')
  const pos = primary.gtidBinlogPos ?? ''
  const waited = pos ? await rootSql(c, id, `SELECT MASTER_GTID_WAIT(${sqlq(pos)}, ${waitS})`, (waitS + 10) * 1000) : '0'
  const after = await readDbNode(c, id)
  if (waited === '0' && after.ioRunning && after.sqlRunning) return
  const why = after.error ?? (await rootSql(c, id, 'SHOW SLAVE STATUS\\G').catch((e: Error) => e.message)).match(/Last_(?:IO|SQL)_Error:\s*(\S.*)/)?.[1]
  const late = waited === '0' ? '' : `not at ${primary.id}'s position ${pos} after ${waitS} s; `
  throw new LabError('UNHEALTHY', `${id} does not replicate from ${primary.id}: ${late}IO thread ${after.ioRunning ? 'on' : 'off'}, SQL thread ${after.sqlRunning ? 'on' : 'off'}${why ? ` (${why})` : ''}`)
}
