// MariaDB probes: replication health, table checksums across servers, liveness. They run the mariadb
// clients inside the containers through an injected exec (the engine passes the gateway's), as root
// over the unix socket, so no probe needs a password or a published port.
import { LabError } from '@contract/errors'
import type { ProbeResult } from '@contract/status'
import { MARKER, parseMarker, type DbMarker } from '../roles/db-marker'

export interface ExecOutput {
  exitCode: number
  stdout: string
  stderr: string
}
/** a command in a lab server; timeoutMs: its limit, 15 s unless a probe says (run-checks.ts) */
export type Exec = (server: string, cmd: string[], o?: { timeoutMs?: number }) => Promise<ExecOutput>
export interface ProbeOptions {
  now?: () => Date
  /** the lab server a replica's Master_Host names (an address or a name), if it is one that runs: the
   *  replication probe then measures the real delay with a heartbeat written there */
  serverAt?: (host: string) => string | undefined
  /** the current primary, when this server's role marker says it was the primary before it: a fenced former
   *  primary (read-only, replicating from nobody until fail-back or rebuild), said so rather than "not a replica" */
  fencedBy?: string
}

export interface ReplicationStatus {
  /** false when SHOW SLAVE STATUS is empty: the server is not a replica */
  configured: boolean
  /** Slave_IO_Running as MariaDB says it: Yes, No, Connecting or Preparing */
  ioState: string
  ioRunning: boolean
  sqlRunning: boolean
  /** Seconds_Behind_Master; null when the SQL thread is stopped or the IO thread has no connection */
  lagSeconds: number | null
  /** Last_IO_Error, else Last_SQL_Error; null when both are empty */
  lastError: string | null
  masterHost?: string
  gtidIoPos?: string
}
export interface ReplicationProbe extends ProbeResult {
  replication?: ReplicationStatus
}

export interface ChecksumProbe extends ProbeResult {
  /** server → table → CHECKSUM TABLE value (null: table missing); servers that failed are absent */
  checksums: Record<string, Record<string, string | null>>
  equal: boolean
}

/** `SHOW SLAVE STATUS\G` text → field map (first row only; empty map when there is no row). */
export function parseSlaveStatus(text: string): Map<string, string> {
  const fields = new Map<string, string>()
  let rows = 0
  for (const line of text.split('\n')) {
    if (/^\*+ \d+\. row \*+$/.test(line.trim())) {
      if (++rows > 1) break
      continue
    }
    const m = /^\s*([A-Za-z_]+): ?(.*)$/.exec(line)
    if (m?.[1] !== undefined) fields.set(m[1], (m[2] ?? '').trim())
  }
  return fields
}

export function toReplicationStatus(fields: Map<string, string>): ReplicationStatus {
  if (fields.size === 0) {
    return { configured: false, ioState: 'No', ioRunning: false, sqlRunning: false, lagSeconds: null, lastError: null }
  }
  const lag = fields.get('Seconds_Behind_Master') ?? 'NULL'
  const ioState = fields.get('Slave_IO_Running') ?? 'No'
  const status: ReplicationStatus = {
    configured: true,
    ioState,
    ioRunning: ioState === 'Yes',
    sqlRunning: fields.get('Slave_SQL_Running') === 'Yes',
    lagSeconds: /^\d+$/.test(lag) ? Number(lag) : null,
    lastError: fields.get('Last_IO_Error') || fields.get('Last_SQL_Error') || null,
  }
  const host = fields.get('Master_Host')
  const gtid = fields.get('Gtid_IO_Pos')
  if (host) status.masterHost = host
  if (gtid !== undefined) status.gtidIoPos = gtid
  return status
}

function stamp(opts: ProbeOptions): string {
  return (opts.now ?? ((): Date => new Date()))().toISOString()
}

/** Runs exec and turns a failed command or a failed exec into one readable reason; `name`: the command the
 *  reason names, when cmd is a shell around it. */
async function run(exec: Exec, server: string, cmd: string[], name = cmd[0] ?? 'command'): Promise<{ out?: string; error?: string }> {
  try {
    const r = await exec(server, cmd)
    if (r.exitCode === 0) return { out: r.stdout }
    const why = (r.stderr || r.stdout).trim().split('\n').pop() ?? ''
    return { error: `${name} exited with ${r.exitCode}${why ? `: ${why}` : ''}` }
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) }
  }
}

const PING_EXIT = '--racklab-ping-exit--'
/**
 * The replica's SHOW SLAVE STATUS and, when both threads run, one ping (2 s) of its Master_Host, in one exec (an
 * exec costs the container tens of ms of CPU; the idle monitor runs this every round). The ping is how a cut-off
 * replica shows at once: its IO thread trusts an open TCP session until slave-net-timeout. A ping leaves MariaDB
 * alone: a bare TCP connect to 3306 would count as a handshake error towards max_connect_errors.
 */
export const REPLICA_STATUS_SCRIPT = [
  `st=$(mariadb --batch -e 'SHOW SLAVE STATUS\\G') || exit $?`,
  `printf '%s\\n' "$st"`,
  `case "$st" in *'Slave_IO_Running: Yes'*) ;; *) exit 0 ;; esac`,
  `case "$st" in *'Slave_SQL_Running: Yes'*) ;; *) exit 0 ;; esac`,
  `h=$(printf '%s\\n' "$st" | sed -n 's/^ *Master_Host: *//p' | head -n 1)`,
  `[ -n "$h" ] || exit 0`,
  `ping -n -q -c 1 -W 2 "$h" >/dev/null 2>&1`,
  `echo "${PING_EXIT} $?"`,
].join('\n')

/** the script's output → the status text and ping's exit (undefined: not pinged) */
function splitPing(out: string): { status: string; pingExit?: number } {
  const m = new RegExp(`^${PING_EXIT} (\\d+)$`, 'm').exec(out)
  return m ? { status: out.slice(0, m.index), pingExit: Number(m[1]) } : { status: out }
}

export async function probeReplication(exec: Exec, replica: string, opts: ProbeOptions = {}): Promise<ReplicationProbe> {
  const base = { id: 'db.replication', target: replica }
  const r = await run(exec, replica, ['sh', '-c', REPLICA_STATUS_SCRIPT], 'mariadb')
  if (r.out === undefined) return { ...base, ok: false, message: `could not query ${replica}: ${r.error}`, at: stamp(opts) }
  const { status, pingExit } = splitPing(r.out)
  const s = toReplicationStatus(parseSlaveStatus(status))
  // the IO thread trusts an open TCP session until slave-net-timeout (10 s); a cut-off replica shows at once.
  // ping's exit 1: no reply; 2 and up: ping itself failed (no permission, bad name), which says nothing of the path
  const cutOff = pingExit === 1 ? `no reply to ping from ${s.masterHost} within 2 s` : undefined
  // a replica that receives nothing has no lag to tell: MariaDB still says 0 behind once it applied what it had
  // (db2 with its cable out: "0.0 s" on the Health chart while it fell further behind every second)
  const receiving = s.ioRunning && s.sqlRunning && !cutOff
  const values: Record<string, number | string | boolean> = { ioRunning: s.ioRunning, sqlRunning: s.sqlRunning, ioState: s.ioState }
  if (s.lagSeconds !== null && receiving) values.lagSeconds = s.lagSeconds
  if (s.lastError !== null) values.lastError = s.lastError
  if (s.gtidIoPos !== undefined) values.gtidIoPos = s.gtidIoPos
  // Seconds_Behind_Master is 0 whenever the SQL thread has caught up, however late each event arrived (a slow
  // WAN shows nothing there): a heartbeat measures commit on the primary → applied on this replica, in ms
  const primary = s.configured && s.ioRunning && s.sqlRunning && s.masterHost ? opts.serverAt?.(s.masterHost) : undefined
  const beat = primary ? await heartbeat(exec, primary, replica) : undefined
  if (s.lagSeconds !== null) values.secondsBehindMaster = s.lagSeconds
  if (beat?.lagMs !== undefined) {
    values.heartbeatMs = beat.lagMs
    if (receiving) values.lagSeconds = Math.max(s.lagSeconds ?? 0, Math.round(beat.lagMs) / 1000)
  } else if (beat?.error) values.heartbeatError = beat.error
  const from = s.masterHost ?? 'its primary'
  if (cutOff) values.masterReachable = false
  let message: string
  if (!s.configured && opts.fencedBy) message = `${replica} is a former primary, fenced read-only since ${opts.fencedBy} took over: it replicates from nobody and is behind (fail-back or rebuild makes it a replica of ${opts.fencedBy} again)`
  else if (!s.configured) message = `${replica} is not configured as a replica (SHOW SLAVE STATUS is empty)`
  else if (!s.sqlRunning) message = `${replica}: SQL thread stopped${s.lastError ? `: ${s.lastError}` : ''}`
  else if (!s.ioRunning) message = `${replica} is not receiving from ${from} (IO thread ${s.ioState})${s.lastError ? `: ${s.lastError}` : ''}`
  else if (cutOff) message = `${replica} cannot reach its primary ${from} (${cutOff}); its IO thread has not noticed yet`
  else message = `${replica} replicates from ${from}, ${values.lagSeconds ?? '?'} s behind${beat?.lagMs !== undefined ? ` (heartbeat ${Math.round(beat.lagMs)} ms)` : ''}`
  return { ...base, ok: s.configured && s.ioRunning && s.sqlRunning && !cutOff, message, values, replication: s, at: stamp(opts) }
}

const HB_WAIT_S = 5
// the monitor's own account: local, its database only, and BINLOG ADMIN for the session's statement format.
// Its password guards nothing outside a lab container's own socket.
const HB_USER = 'racklab_hb'
const HB_PASSWORD = 'heartbeat-only'
const HB_CLIENT = ['mariadb', '--batch', '--skip-column-names', `--user=${HB_USER}`, `--password=${HB_PASSWORD}`]
const HB_SETUP = [
  'CREATE DATABASE IF NOT EXISTS racklab_monitor',
  'CREATE TABLE IF NOT EXISTS racklab_monitor.heartbeat (replica VARCHAR(64) PRIMARY KEY, sent DATETIME(6) NOT NULL, applied DATETIME(6) NOT NULL)',
  `CREATE USER IF NOT EXISTS '${HB_USER}'@'localhost' IDENTIFIED BY '${HB_PASSWORD}'`,
  `GRANT SELECT, INSERT, DELETE ON racklab_monitor.* TO '${HB_USER}'@'localhost'`,
  `GRANT BINLOG ADMIN ON *.* TO '${HB_USER}'@'localhost'`,
].join('; ')
const SQL_NAME = /^[A-Za-z0-9_-]+$/

/**
 * Replication delay as it is now: a heartbeat row written on the primary in statement format, carrying NOW(6)
 * (replicated as the primary's time) and SYSDATE(6) (evaluated again where the statement is applied, so on the
 * replica it is the time of applying). The replica waits for that transaction (MASTER_GTID_WAIT, 5 s) and reads
 * the difference. Containers share the host's clock. A wait that times out means at least 5 s behind.
 */
export async function heartbeat(exec: Exec, primary: string, replica: string): Promise<{ lagMs?: number; error?: string }> {
  if (!SQL_NAME.test(replica)) return { error: `not a server name: ${replica}` }
  const table = 'racklab_monitor.heartbeat'
  const write = `SET SESSION binlog_format='STATEMENT'; REPLACE INTO ${table} (replica, sent, applied) VALUES ('${replica}', NOW(6), SYSDATE(6)); SELECT @@last_gtid`
  // not as root: read_only does not stop root, and a heartbeat written on a primary frozen for a switch
  // (fail-back) is a transaction the new primary never gets, which breaks the old one's replication after it
  let w = await run(exec, primary, [...HB_CLIENT, '-e', write])
  if (w.error && /Access denied|doesn't exist|Unknown database/i.test(w.error)) {
    const ro = await run(exec, primary, ['mariadb', '--batch', '--skip-column-names', '-e', 'SELECT @@global.read_only'])
    if (ro.out?.trim() !== '0') return { error: `${primary} is read-only: no heartbeat written` }
    const setup = await run(exec, primary, ['mariadb', '--batch', '-e', HB_SETUP])
    if (setup.error) return { error: `heartbeat account not set up on ${primary}: ${setup.error}` }
    w = await run(exec, primary, [...HB_CLIENT, '-e', write])
  }
  if (w.error && /read-only/i.test(w.error)) return { error: `${primary} is read-only (a switch under way?): no heartbeat written` }
  const gtid = w.out?.trim().split('\n').pop() ?? ''
  if (w.out === undefined || !/^\d+-\d+-\d+$/.test(gtid)) return { error: `no heartbeat written on ${primary}: ${w.error ?? `no GTID (${w.out?.trim() ?? ''})`}` }
  const read = `SELECT MASTER_GTID_WAIT('${gtid}', ${HB_WAIT_S}), TIMESTAMPDIFF(MICROSECOND, sent, applied), TIMESTAMPDIFF(MICROSECOND, sent, NOW(6)) FROM ${table} WHERE replica = '${replica}'`
  const r = await run(exec, replica, ['mariadb', '--batch', '--skip-column-names', '-e', read])
  const cols = r.out?.trim().split('\t') ?? []
  if (r.out === undefined) return { error: `heartbeat not read on ${replica}: ${r.error}` }
  // timed out (-1): the newest heartbeat it has is old; it is at least the wait behind
  if (cols[0] === '-1') return { lagMs: Math.max(HB_WAIT_S * 1000, Number(cols[2]) / 1000 || 0) }
  if (cols[0] !== '0' || !/^-?\d+$/.test(cols[1] ?? '')) return { error: `heartbeat on ${replica}: unexpected answer ${JSON.stringify(r.out.trim())}` }
  return { lagMs: Math.max(0, Number(cols[1]) / 1000) }
}

const TABLE = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)?$/

/** Table names are spliced into SQL, so only plain identifiers pass; unqualified ones mean racklab.<t>. */
export function qualifyTables(tables: string[]): string[] {
  if (tables.length === 0) throw new LabError('BAD_INPUT', 'probeChecksums needs at least one table')
  return tables.map((t) => {
    if (!TABLE.test(t)) throw new LabError('BAD_INPUT', `not a table name: ${JSON.stringify(t)}`)
    return t.includes('.') ? t : `racklab.${t}`
  })
}

/** Output of `CHECKSUM TABLE …; SELECT @@gtid_current_pos` in --batch --skip-column-names mode. */
export function parseChecksumOutput(text: string): { sums: Record<string, string | null>; gtid: string } {
  const sums: Record<string, string | null> = {}
  let gtid = ''
  // the last line is the GTID position, which is an empty line on a server that never wrote anything
  for (const line of text.replace(/\n$/, '').split('\n')) {
    const cols = line.split('\t')
    if (cols.length >= 2) sums[cols[0] ?? ''] = cols[1] === 'NULL' ? null : (cols[1] ?? null)
    else gtid = line.trim()
  }
  return { sums, gtid }
}

/**
 * Checksums of the tables on every server. The lab writes all the time (probes store files, mail, logins), so
 * a replica one transaction behind differs for an instant: when the sums differ *and* the GTID positions do,
 * look again (up to `attempts` times, `retryMs` apart) before calling it a difference.
 */
export async function probeChecksums(exec: Exec, servers: string[], tables: string[], opts: ProbeOptions & { attempts?: number; retryMs?: number } = {}): Promise<ChecksumProbe> {
  const attempts = opts.attempts ?? 3
  for (let i = 1; ; i++) {
    const r = await checksumOnce(exec, servers, tables, opts)
    if (r.equal || i >= attempts || !r.catchingUp) return r.probe
    await new Promise((res) => setTimeout(res, opts.retryMs ?? 1000))
  }
}

async function checksumOnce(exec: Exec, servers: string[], tables: string[], opts: ProbeOptions): Promise<{ probe: ChecksumProbe; equal: boolean; catchingUp: boolean }> {
  const names = qualifyTables(tables)
  const sql = `CHECKSUM TABLE ${names.join(', ')}; SELECT @@gtid_current_pos`
  const runs = await Promise.all(servers.map((s) => run(exec, s, ['mariadb', '--batch', '--skip-column-names', '-e', sql])))
  const checksums: Record<string, Record<string, string | null>> = {}
  const values: Record<string, number | string | boolean> = {}
  const problems: string[] = []
  const gtids = new Map<string, string>()
  servers.forEach((server, i) => {
    const r = runs[i]
    if (r?.out === undefined) return void problems.push(`could not query ${server}: ${r?.error ?? 'no result'}`)
    const { sums, gtid } = parseChecksumOutput(r.out)
    checksums[server] = sums
    gtids.set(server, gtid)
    values[`${server}.gtid`] = gtid
    for (const t of names) values[`${server}.${t}`] = sums[t] ?? 'missing'
  })
  const answered = Object.keys(checksums)
  for (const t of names) {
    const missing = answered.filter((s) => (checksums[s]?.[t] ?? null) === null)
    if (missing.length > 0) problems.push(`${t} is missing on ${missing.join(', ')}`)
    const present = answered.filter((s) => !missing.includes(s))
    if (new Set(present.map((s) => checksums[s]?.[t])).size > 1) {
      problems.push(`${t} differs: ${present.map((s) => `${s}=${checksums[s]?.[t] ?? ''}`).join(', ')}`)
    }
  }
  const catchingUp = new Set(gtids.values()).size > 1 && gtids.size === servers.length
  if (new Set(gtids.values()).size > 1 && problems.length > 0) {
    const pos = [...gtids].map(([s, g]) => `${s} ${g || '(none)'}`).join(', ')
    problems.push(`GTID positions differ (${pos}): a replica may still be catching up`)
  }
  const equal = problems.length === 0 && answered.length === servers.length
  values.equal = equal
  values.servers = servers.length
  values.answered = answered.length
  const message = equal ? `${names.length} table(s) identical on ${servers.join(', ')}` : problems.join('; ')
  return { probe: { id: 'db.checksum', target: servers.join(','), ok: equal, message, values, checksums, equal, at: stamp(opts) }, equal, catchingUp }
}

const PING = ['mariadb-admin', '--connect-timeout=2', 'ping']
const MARKER_END = '--racklab-marker-end--'

/**
 * db.ping. With `marker`, the same exec first prints the server's role marker (roles/db-marker.ts), handed to
 * `marker` (undefined when it has none or did not answer): one exec per db per round instead of two, because
 * an exec into a container costs it tens of ms of CPU, which is most of what an idle lab spends.
 */
export async function probePing(exec: Exec, server: string, opts: ProbeOptions & { marker?: (m: DbMarker | undefined) => void } = {}): Promise<ProbeResult> {
  const now = opts.now ?? ((): Date => new Date())
  const started = now().getTime()
  const r = opts.marker
    ? await run(markerReading(exec, opts.marker), server, ['sh', '-c', `cat ${MARKER} 2>/dev/null && echo ${MARKER_END}; exec ${PING.join(' ')}`], PING[0])
    : await run(exec, server, PING)
  const ms = now().getTime() - started
  const alive = r.out !== undefined && r.out.includes('is alive')
  const message = alive ? `${server}: MariaDB answers` : `${server}: MariaDB does not answer: ${r.error ?? r.out?.trim() ?? ''}`
  return { id: 'db.ping', target: server, ok: alive, message, values: { ms }, at: now().toISOString() }
}

/** exec that hands the marker printed before MARKER_END to `marker` and returns the rest of stdout; the marker is
 *  read whether MariaDB answers or not (a primary that is down is still the primary). No end line (no file) or a
 *  failed exec: undefined */
function markerReading(exec: Exec, marker: (m: DbMarker | undefined) => void): Exec {
  return async (server, cmd) => {
    const r = await exec(server, cmd).catch((e: unknown) => {
      marker(undefined)
      throw e
    })
    const at = r.stdout.indexOf(`${MARKER_END}\n`)
    marker(at < 0 ? undefined : parseMarker(r.stdout.slice(0, at)))
    return at < 0 ? r : { ...r, stdout: r.stdout.slice(at + MARKER_END.length + 1) }
  }
}
