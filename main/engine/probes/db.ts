// Database probes, pure over an injected exec (the engine passes the Docker gateway's exec).
import type { ProbeResult } from '@contract/status'

export type Exec = (server: string, cmd: string[]) => Promise<{ exitCode: number; stdout: string; stderr: string }>

const now = (): string => new Date().toISOString()
const mariadb = (sql: string): string[] => ['mariadb', '--connect-timeout=3', '-N', '-B', '-e', sql]

export async function probePing(exec: Exec, server: string): Promise<ProbeResult> {
  const r = await exec(server, ['mariadb-admin', '--connect-timeout=3', 'ping'])
  const ok = r.exitCode === 0 && r.stdout.includes('alive')
  return { id: 'db.ping', target: server, ok, message: ok ? 'mariadbd is alive' : `no answer: ${(r.stderr || r.stdout).trim()}`, at: now() }
}

export interface ReplicationState {
  ioRunning: string
  sqlRunning: string
  lagSeconds: number | null
  lastError: string
  masterHost: string
}

/** Parse the vertical output of SHOW SLAVE STATUS\G. */
export function parseSlaveStatus(text: string): ReplicationState | undefined {
  const f = new Map<string, string>()
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_]+):\s?(.*)$/.exec(line)
    if (m) f.set(m[1]!, m[2]!.trim())
  }
  if (!f.has('Slave_IO_Running')) return undefined
  const lag = f.get('Seconds_Behind_Master')
  return {
    ioRunning: f.get('Slave_IO_Running') ?? '',
    sqlRunning: f.get('Slave_SQL_Running') ?? '',
    lagSeconds: lag === undefined || lag === 'NULL' || lag === '' ? null : Number(lag),
    lastError: [f.get('Last_IO_Error'), f.get('Last_SQL_Error')].filter(Boolean).join('; '),
    masterHost: f.get('Master_Host') ?? '',
  }
}

export async function probeReplication(exec: Exec, replica: string): Promise<ProbeResult> {
  const r = await exec(replica, ['mariadb', '--connect-timeout=3', '-e', 'SHOW SLAVE STATUS\\G'])
  const base = { id: 'db.replication', target: replica, at: now() }
  if (r.exitCode !== 0) return { ...base, ok: false, message: `cannot ask ${replica}: ${r.stderr.trim()}` }
  const s = parseSlaveStatus(r.stdout)
  if (!s) return { ...base, ok: false, message: `${replica} is not configured as a replica` }
  const ok = s.ioRunning === 'Yes' && s.sqlRunning === 'Yes' && s.lagSeconds !== null
  const message = ok
    ? `replicating from ${s.masterHost}, ${s.lagSeconds} s behind`
    : `IO thread ${s.ioRunning}, SQL thread ${s.sqlRunning}${s.lastError ? `: ${s.lastError}` : ''}`
  return { ...base, ok, message, values: { ioRunning: s.ioRunning, sqlRunning: s.sqlRunning, lagSeconds: s.lagSeconds ?? -1 } }
}

/** CHECKSUM TABLE on every server; the probe passes when every table has the same checksum everywhere. */
export async function probeChecksums(exec: Exec, servers: string[], tables: string[]): Promise<ProbeResult> {
  const sql = `CHECKSUM TABLE ${tables.map((t) => `racklab.${t}`).join(', ')}`
  const per = await Promise.all(servers.map(async (s) => ({ s, r: await exec(s, mariadb(sql)) })))
  const failed = per.filter((p) => p.r.exitCode !== 0)
  const base = { id: 'db.checksum', target: servers.join(','), at: now() }
  if (failed.length) return { ...base, ok: false, message: `cannot checksum on ${failed.map((f) => `${f.s} (${f.r.stderr.trim()})`).join(', ')}` }
  const sums = per.map((p) => ({ s: p.s, m: new Map(p.r.stdout.trim().split('\n').map((l) => l.split('\t') as [string, string])) }))
  const differ = tables.filter((t) => new Set(sums.map((x) => x.m.get(`racklab.${t}`))).size > 1)
  const values: Record<string, string> = {}
  for (const x of sums) for (const t of tables) values[`${x.s}.${t}`] = x.m.get(`racklab.${t}`) ?? ''
  return { ...base, ok: differ.length === 0, message: differ.length ? `checksums differ for ${differ.join(', ')}` : `${tables.length} tables identical on ${servers.join(', ')}`, values }
}
