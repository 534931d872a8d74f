// Database failover: promote a replica when the primary is dead, and fail back to the topology's primary
// (rebuilt as a replica of the current one from a consistent dump, caught up, then swapped back). Each
// step writes the server's role marker so a restart keeps it, re-points the other replicas by GTID, and
// tells the clients (db-clients.ts) where writes go now.
import { LabError } from '@contract/errors'
import { pointClients } from './db-clients'
import { currentPrimary, homePrimary, ipBetween, readDbNode, readDbNodes, rootSql, sqlq, writeMarker, type DbNode } from './db-state'
import type { HookContext, RoleAction } from './types'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export function changeMaster(c: HookContext, replica: string, primary: string): string {
  return `STOP SLAVE; CHANGE MASTER TO MASTER_HOST=${sqlq(ipBetween(c.topology, replica, primary))}, MASTER_PORT=3306, MASTER_USER='repl', MASTER_PASSWORD=${sqlq(c.secrets.repl)}, MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=2, MASTER_HEARTBEAT_PERIOD=2;`
}

/** make `replica` (running) replicate from `primary` by GTID, read-only, and record it in its marker */
async function repoint(c: HookContext, replica: string, primary: string, epoch: number, wasPrimary = false): Promise<void> {
  // a former primary's own writes are in its binlog, not in its slave position: start after them
  const from = wasPrimary ? 'SET GLOBAL gtid_slave_pos = @@gtid_binlog_pos;' : ''
  await rootSql(c, replica, `SET GLOBAL read_only=1; ${changeMaster(c, replica, primary)} ${from} START SLAVE;`)
  await writeMarker(c, replica, 'replica', epoch, ipBetween(c.topology, replica, primary))
}

/** wait until both replication threads run (a replica ahead of its new primary stops its IO thread) */
export async function replicating(c: HookContext, id: string, ms = 15_000): Promise<DbNode> {
  let n = await readDbNode(c, id)
  for (const end = Date.now() + ms; Date.now() < end && !(n.ioRunning && n.sqlRunning); n = await readDbNode(c, id)) await sleep(500)
  return n
}

/** re-point every running db server except `primary` and `skip`; a line per server for the result */
async function repointOthers(c: HookContext, nodes: DbNode[], primary: string, epoch: number, skip: string[]): Promise<string[]> {
  const out: string[] = []
  for (const n of nodes) {
    if (n.id === primary || skip.includes(n.id)) continue
    if (!n.up) {
      const wasPrimary = n.role === 'primary' || n.id === homePrimary(c.topology)
      out.push(wasPrimary ? `${n.id} is down (if it comes back as a primary it is fenced read-only; fail-back rebuilds it)` : `${n.id} is down (it follows ${primary} when it boots)`)
      continue
    }
    await repoint(c, n.id, primary, epoch, n.role === 'primary')
    const after = await replicating(c, n.id)
    out.push(after.ioRunning && after.sqlRunning ? `${n.id} replicates from ${primary}` : `${n.id} was re-pointed but does not replicate (IO ${after.ioRunning ? 'on' : 'off'}, SQL ${after.sqlRunning ? 'on' : 'off'}): see racklab check`)
  }
  return out
}

/** the replica applies what it already received, then stops replicating for good and takes writes */
async function becomePrimary(c: HookContext, id: string, epoch: number): Promise<void> {
  await rootSql(c, id, 'STOP SLAVE IO_THREAD')
  const io = (await rootSql(c, id, 'SHOW SLAVE STATUS\\G')).match(/Gtid_IO_Pos:\s*(\S*)/)?.[1] ?? ''
  if (io) {
    const waited = await rootSql(c, id, `SELECT MASTER_GTID_WAIT(${sqlq(io)}, 30)`, 40_000)
    if (waited !== '0') throw new Error(`${id} did not apply its relay log (up to ${io}) within 30 s; nothing was switched`)
  }
  await rootSql(c, id, 'STOP SLAVE; RESET SLAVE ALL; SET GLOBAL read_only=0;')
  await writeMarker(c, id, 'primary', epoch)
}

/** checksums of the racklab tables, "table=sum" sorted, for comparing two servers */
export async function tableChecksums(c: HookContext, id: string): Promise<Map<string, string>> {
  const tables = (await rootSql(c, id, "SELECT table_name FROM information_schema.tables WHERE table_schema='racklab' ORDER BY 1")).split('\n').filter(Boolean)
  if (!tables.length) return new Map()
  const out = await rootSql(c, id, `CHECKSUM TABLE ${tables.map((t) => `racklab.\`${t}\``).join(', ')} EXTENDED`, 60_000)
  return new Map(out.split('\n').map((l) => l.split('\t') as [string, string]))
}

function compareSums(a: Map<string, string>, b: Map<string, string>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].filter((t) => a.get(t) !== b.get(t))
}

/** Tables whose checksums differ between a primary and its replica once the replica has what the primary had
 *  a moment ago. The primary takes writes meanwhile (webmail sessions, the monitor's logins), so one pair of
 *  checksums taken at two moments can differ with nothing wrong: a few rounds, and only a difference that
 *  stays is reported. */
export async function sumsDiffer(c: HookContext, primary: string, replica: string): Promise<string[]> {
  let diff: string[] = []
  for (let round = 1; round <= 5; round++) {
    const pos = await rootSql(c, primary, 'SELECT @@gtid_binlog_pos')
    await rootSql(c, replica, `SELECT MASTER_GTID_WAIT(${sqlq(pos)}, 30)`, 40_000)
    const [a, b] = await Promise.all([tableChecksums(c, primary), tableChecksums(c, replica)])
    diff = compareSums(a, b)
    if (!diff.length) return []
    await sleep(300 * round)
  }
  return diff
}

/** replace `target`'s racklab database with a consistent dump of `source`, positioned by GTID */
export async function seedFrom(c: HookContext, target: string, source: string, epoch: number): Promise<string> {
  await rootSql(c, target, 'SET GLOBAL read_only=1; STOP SLAVE; RESET SLAVE ALL;')
  const r = await c.exec(source, ['mariadb-dump', '--single-transaction', '--gtid', '--master-data=2', '--routines', '--triggers', '--databases', 'racklab'], { timeoutMs: 120_000 })
  if (r.exitCode !== 0) throw new Error(`${source}: mariadb-dump failed: ${r.stderr.trim().slice(0, 240)}`)
  const pos = /gtid_slave_pos='([^']*)'/.exec(r.stdout)?.[1]
  if (pos === undefined) throw new Error(`${source}: the dump carries no GTID position; cannot start replication from it`)
  // the load is not binlogged on the target: its history restarts at the source's position
  await rootSql(c, target, `SET SESSION sql_log_bin=0;\nDROP DATABASE IF EXISTS racklab;\n${r.stdout}`, 300_000)
  await rootSql(c, target, `RESET MASTER; SET GLOBAL gtid_binlog_state=${sqlq(pos)}; SET GLOBAL gtid_slave_pos=${sqlq(pos)}; ${changeMaster(c, target, source)} START SLAVE;`)
  await writeMarker(c, target, 'replica', epoch, ipBetween(c.topology, target, source))
  return pos
}

/** running servers that do not follow `primary` yet: a switch that was interrupted (engine killed) */
function laggards(c: HookContext, nodes: DbNode[], primary: DbNode): DbNode[] {
  return nodes.filter((n) => n.up && n.id !== primary.id && (n.role !== 'replica' || n.masterHost !== ipBetween(c.topology, n.id, primary.id) || n.epoch < primary.epoch))
}

/** finish an interrupted promote or fail-back: every running server follows the primary, clients are told */
async function finishSwitch(c: HookContext, nodes: DbNode[], primary: DbNode): Promise<string> {
  const late = laggards(c, nodes, primary)
  const lines: string[] = []
  for (const n of late) {
    await repoint(c, n.id, primary.id, primary.epoch, n.role === 'primary')
    const after = await replicating(c, n.id)
    lines.push(after.ioRunning && after.sqlRunning ? `${n.id} replicates from ${primary.id}` : `${n.id} was re-pointed but does not replicate: see racklab check`)
  }
  const missed = await pointClients(c, primary.id)
  return `${primary.id} stays the primary (epoch ${primary.epoch}); finished the interrupted switch: ${lines.join('; ')}; webmail and MX write to ${primary.id}${missed.length ? ` (${missed.join(', ')} not running: told when they boot)` : ''}`
}

/** `known`: the db servers as the caller just read them (one round of execs per listing, not two) */
export async function failoverActions(c: HookContext, known?: DbNode[]): Promise<RoleAction[]> {
  const x = c.server.id
  const nodes = known ?? (await readDbNodes(c))
  const self = nodes.find((n) => n.id === x)!
  const primary = currentPrimary(nodes)
  const home = homePrimary(c.topology)
  const epoch = Math.max(0, ...nodes.map((n) => n.epoch)) + 1

  const promoteRefused =
    (!self.up && `${x} is down (${self.error ?? 'not running'}): start it first`) ||
    (primary?.id === x && `${x} is already the primary`) ||
    (primary && `${primary.id} is the primary and answers: a second primary would split the data. Stop ${primary.id} first, or use fail-back to move the primary`) ||
    (self.role !== 'replica' && `${x} is a former primary, not a replica: fail-back rebuilds it from the current primary`) ||
    undefined
  const actions: RoleAction[] = [
    {
      id: 'promote',
      label: `Promote ${x} to database primary (the primary is dead)`,
      kind: 'operate',
      ...(promoteRefused ? { refused: promoteRefused } : {}),
      run: async () => {
        await becomePrimary(c, x, epoch)
        const others = await repointOthers(c, nodes, x, epoch, [])
        const missed = await pointClients(c, x)
        return `${x} is the database primary (replication stopped, writable, epoch ${epoch}); ${others.join('; ') || 'no other database'}; webmail and MX write to ${x}${missed.length ? ` (${missed.join(', ')} not running: told when they boot)` : ''}. Inverse: fail-back`
      },
    },
  ]
  if (home) {
    const h = nodes.find((n) => n.id === home)!
    const unfinished = primary?.id === home && !primary.readOnly && laggards(c, nodes, primary).length > 0
    const refused =
      (primary?.id === home && !primary.readOnly && !unfinished && `${home} is the primary already: nothing to fail back`) ||
      (!h.up && `${home} is down: start it first (it is rebuilt from the current primary)`) ||
      (!primary && 'no primary database answers: promote a replica first') ||
      (primary?.readOnly && `${primary.id}, the primary, is read-only: nothing can be copied consistently`) ||
      undefined
    actions.push({
      id: 'fail-back',
      label: `Fail back: rebuild ${home} from ${primary?.id ?? 'the primary'} and make it the primary again`,
      kind: 'restore',
      ...(refused ? { refused } : {}),
      run: async () => {
        if (unfinished) return finishSwitch(c, nodes, primary!)
        const p = primary!.id
        const pos = await seedFrom(c, home, p, primary!.epoch)
        const caught = await replicating(c, home)
        if (!caught.ioRunning || !caught.sqlRunning) throw new Error(`${home} was rebuilt from ${p} at ${pos} but does not replicate from it: see racklab check`)
        // a short write freeze on the old primary so nothing is lost in the swap
        await rootSql(c, p, 'SET GLOBAL read_only=1')
        try {
          // read_only does not stop a root session: wait until the frozen primary's position holds still and
          // the rebuilt one has all of it (a transaction it never got would break the old primary's replication)
          let last = await rootSql(c, p, 'SELECT @@gtid_binlog_pos')
          for (let round = 1; ; round++) {
            const w = await rootSql(c, home, `SELECT MASTER_GTID_WAIT(${sqlq(last)}, 30)`, 40_000)
            if (w !== '0') throw new Error(`${home} did not catch up with ${p} (${last}) within 30 s`)
            const now = await rootSql(c, p, 'SELECT @@gtid_binlog_pos')
            if (now === last) break
            if (round >= 5) throw new Error(`${p} kept writing while frozen read-only (${last} → ${now}): a root session writes there; fail-back stopped before the swap`)
            last = now
          }
          await becomePrimary(c, home, epoch)
        } catch (e) {
          await rootSql(c, p, 'SET GLOBAL read_only=0').catch(() => undefined)
          throw new LabError('REFUSED', `fail-back stopped; ${p} is still the primary: ${(e as Error).message}`)
        }
        const missed = await pointClients(c, home)
        const others = await repointOthers(c, await readDbNodes(c), home, epoch, [])
        const diff = await sumsDiffer(c, home, p)
        const check = diff.length ? `checksums differ on ${diff.join(', ')} (after 5 rounds, each once ${p} had caught up)` : 'table checksums equal'
        return `${home} was rebuilt from ${p} (dump at GTID ${pos}), caught up and is the primary again (epoch ${epoch}); ${others.join('; ')}; ${home} vs ${p}: ${check}; webmail and MX write to ${home}${missed.length ? ` (${missed.join(', ')} not running: told when they boot)` : ''}. Inverse: promote (after ${home} dies)`
      },
    })
  }
  return actions
}

/**
 * A db server's boot: a former primary that comes back after a promote is fenced read-only (fail-back
 * rebuilds it); a replica that was down during a promote follows the current primary.
 */
export async function followPrimary(c: HookContext): Promise<{ isPrimary: boolean }> {
  const nodes = await readDbNodes(c)
  const self = nodes.find((n) => n.id === c.server.id)
  const p = currentPrimary(nodes)
  if (!self?.up || !p) return { isPrimary: !p && !c.server.replicaOf }
  if (p.id === self.id) return { isPrimary: true }
  if (self.role === 'primary') await rootSql(c, self.id, 'SET GLOBAL read_only=1')
  else if (self.masterHost !== ipBetween(c.topology, self.id, p.id)) await repoint(c, self.id, p.id, p.epoch)
  return { isPrimary: false }
}
