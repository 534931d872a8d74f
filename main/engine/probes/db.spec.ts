// Parser and probe tests. The SHOW SLAVE STATUS samples were captured from racklab/db (MariaDB 10.11.18) on a
// primary + replica pair: healthy, after `docker network disconnect` of the replica, and after a duplicate
// key on the replica stopped its SQL thread.
import { describe, expect, it } from 'vitest'
import { LabError } from '@contract/errors'
import { type Exec, parseChecksumOutput, parseSlaveStatus, probeChecksums, probePing, probeReplication, qualifyTables, REPLICA_STATUS_SCRIPT, toReplicationStatus } from './db'

const HEALTHY = `*************************** 1. row ***************************
                Slave_IO_State: Waiting for master to send event
                   Master_Host: 10.231.201.11
                   Master_User: repl
                   Master_Port: 3306
                 Connect_Retry: 2
               Master_Log_File: mysql-bin.000003
           Read_Master_Log_Pos: 830
                Relay_Log_File: relay-bin.000004
                 Relay_Log_Pos: 924
         Relay_Master_Log_File: mysql-bin.000003
              Slave_IO_Running: Yes
             Slave_SQL_Running: Yes
               Replicate_Do_DB: 
           Replicate_Ignore_DB: 
            Replicate_Do_Table: 
        Replicate_Ignore_Table: 
       Replicate_Wild_Do_Table: 
   Replicate_Wild_Ignore_Table: 
                    Last_Errno: 0
                    Last_Error: 
                  Skip_Counter: 0
           Exec_Master_Log_Pos: 830
               Relay_Log_Space: 1608
               Until_Condition: None
                Until_Log_File: 
                 Until_Log_Pos: 0
            Master_SSL_Allowed: No
            Master_SSL_CA_File: 
            Master_SSL_CA_Path: 
               Master_SSL_Cert: 
             Master_SSL_Cipher: 
                Master_SSL_Key: 
         Seconds_Behind_Master: 0
 Master_SSL_Verify_Server_Cert: No
                 Last_IO_Errno: 0
                 Last_IO_Error: 
                Last_SQL_Errno: 0
                Last_SQL_Error: 
   Replicate_Ignore_Server_Ids: 
              Master_Server_Id: 1
                Master_SSL_Crl: 
            Master_SSL_Crlpath: 
                    Using_Gtid: Slave_Pos
                   Gtid_IO_Pos: 0-1-26
       Replicate_Do_Domain_Ids: 
   Replicate_Ignore_Domain_Ids: 
                 Parallel_Mode: optimistic
                     SQL_Delay: 0
           SQL_Remaining_Delay: NULL
       Slave_SQL_Running_State: Slave has read all relay log; waiting for more updates
              Slave_DDL_Groups: 0
Slave_Non_Transactional_Groups: 0
    Slave_Transactional_Groups: 3
          Replicate_Rewrite_DB: 
`

const CABLE_PULLED = `*************************** 1. row ***************************
                Slave_IO_State: Reconnecting after a failed master event read
                   Master_Host: 10.231.201.11
                   Master_User: repl
                   Master_Port: 3306
                 Connect_Retry: 2
               Master_Log_File: mysql-bin.000003
           Read_Master_Log_Pos: 830
                Relay_Log_File: relay-bin.000004
                 Relay_Log_Pos: 924
         Relay_Master_Log_File: mysql-bin.000003
              Slave_IO_Running: Connecting
             Slave_SQL_Running: Yes
               Replicate_Do_DB: 
           Replicate_Ignore_DB: 
            Replicate_Do_Table: 
        Replicate_Ignore_Table: 
       Replicate_Wild_Do_Table: 
   Replicate_Wild_Ignore_Table: 
                    Last_Errno: 0
                    Last_Error: 
                  Skip_Counter: 0
           Exec_Master_Log_Pos: 830
               Relay_Log_Space: 1608
               Until_Condition: None
                Until_Log_File: 
                 Until_Log_Pos: 0
            Master_SSL_Allowed: No
            Master_SSL_CA_File: 
            Master_SSL_CA_Path: 
               Master_SSL_Cert: 
             Master_SSL_Cipher: 
                Master_SSL_Key: 
         Seconds_Behind_Master: NULL
 Master_SSL_Verify_Server_Cert: No
                 Last_IO_Errno: 2003
                 Last_IO_Error: error reconnecting to master 'repl@10.231.201.11:3306' - retry-time: 2  maximum-retries: 100000  message: Can't connect to server on '10.231.201.11' (101 "Network is unreachable")
                Last_SQL_Errno: 0
                Last_SQL_Error: 
   Replicate_Ignore_Server_Ids: 
              Master_Server_Id: 1
                Master_SSL_Crl: 
            Master_SSL_Crlpath: 
                    Using_Gtid: Slave_Pos
                   Gtid_IO_Pos: 0-1-26
       Replicate_Do_Domain_Ids: 
   Replicate_Ignore_Domain_Ids: 
                 Parallel_Mode: optimistic
                     SQL_Delay: 0
           SQL_Remaining_Delay: NULL
       Slave_SQL_Running_State: Slave has read all relay log; waiting for more updates
              Slave_DDL_Groups: 0
Slave_Non_Transactional_Groups: 0
    Slave_Transactional_Groups: 3
          Replicate_Rewrite_DB: 
`

const SQL_STOPPED = `*************************** 1. row ***************************
                Slave_IO_State: Waiting for master to send event
                   Master_Host: 10.231.201.11
                   Master_User: repl
                   Master_Port: 3306
                 Connect_Retry: 2
               Master_Log_File: mysql-bin.000003
           Read_Master_Log_Pos: 1066
                Relay_Log_File: relay-bin.000005
                 Relay_Log_Pos: 684
         Relay_Master_Log_File: mysql-bin.000003
              Slave_IO_Running: Yes
             Slave_SQL_Running: No
               Replicate_Do_DB: 
           Replicate_Ignore_DB: 
            Replicate_Do_Table: 
        Replicate_Ignore_Table: 
       Replicate_Wild_Do_Table: 
   Replicate_Wild_Ignore_Table: 
                    Last_Errno: 1062
                    Last_Error: Could not execute Write_rows_v1 event on table racklab.t; Duplicate entry '100' for key 'PRIMARY', Error_code: 1062; handler error HA_ERR_FOUND_DUPP_KEY; the event's master log mysql-bin.000003, end_log_pos 1035
                  Skip_Counter: 0
           Exec_Master_Log_Pos: 830
               Relay_Log_Space: 1639
               Until_Condition: None
                Until_Log_File: 
                 Until_Log_Pos: 0
            Master_SSL_Allowed: No
            Master_SSL_CA_File: 
            Master_SSL_CA_Path: 
               Master_SSL_Cert: 
             Master_SSL_Cipher: 
                Master_SSL_Key: 
         Seconds_Behind_Master: NULL
 Master_SSL_Verify_Server_Cert: No
                 Last_IO_Errno: 0
                 Last_IO_Error: 
                Last_SQL_Errno: 1062
                Last_SQL_Error: Could not execute Write_rows_v1 event on table racklab.t; Duplicate entry '100' for key 'PRIMARY', Error_code: 1062; handler error HA_ERR_FOUND_DUPP_KEY; the event's master log mysql-bin.000003, end_log_pos 1035
   Replicate_Ignore_Server_Ids: 
              Master_Server_Id: 1
                Master_SSL_Crl: 
            Master_SSL_Crlpath: 
                    Using_Gtid: Slave_Pos
                   Gtid_IO_Pos: 0-1-27
       Replicate_Do_Domain_Ids: 
   Replicate_Ignore_Domain_Ids: 
                 Parallel_Mode: optimistic
                     SQL_Delay: 0
           SQL_Remaining_Delay: NULL
       Slave_SQL_Running_State: 
              Slave_DDL_Groups: 0
Slave_Non_Transactional_Groups: 0
    Slave_Transactional_Groups: 4
          Replicate_Rewrite_DB: 
`

// `mariadb --batch --skip-column-names -e 'CHECKSUM TABLE racklab.t, racklab.users, racklab.nope; SELECT @@gtid_current_pos'`
const CHECKSUM_OUT = 'racklab.t\t1772659890\nracklab.users\t0\nracklab.nope\tNULL\n0-1-26\n'

const now = (): Date => new Date('2026-11-28T18:00:00.000Z')

/** An exec that answers per server and records what it was asked. */
function fakeExec(answers: Record<string, { exitCode?: number; stdout?: string; stderr?: string } | Error>): Exec & { calls: [string, string[]][] } {
  const calls: [string, string[]][] = []
  const exec = async (server: string, cmd: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> => {
    calls.push([server, cmd])
    const a = answers[server]
    if (a === undefined) throw new Error(`no container ${server}`)
    if (a instanceof Error) throw a
    return { exitCode: a.exitCode ?? 0, stdout: a.stdout ?? '', stderr: a.stderr ?? '' }
  }
  return Object.assign(exec, { calls })
}

describe('parseSlaveStatus / toReplicationStatus', () => {
  it('reads a healthy replica', () => {
    const f = parseSlaveStatus(HEALTHY)
    expect(f.get('Master_Host')).toBe('10.231.201.11')
    expect(f.get('Replicate_Do_DB')).toBe('')
    expect(f.get('Slave_SQL_Running_State')).toBe('Slave has read all relay log; waiting for more updates')
    expect(toReplicationStatus(f)).toEqual({
      configured: true,
      ioState: 'Yes',
      ioRunning: true,
      sqlRunning: true,
      lagSeconds: 0,
      lastError: null,
      masterHost: '10.231.201.11',
      gtidIoPos: '0-1-26',
    })
  })

  it('reads a replica whose cable was pulled: IO thread connecting, lag unknown, the IO error kept', () => {
    const s = toReplicationStatus(parseSlaveStatus(CABLE_PULLED))
    expect(s).toMatchObject({ configured: true, ioState: 'Connecting', ioRunning: false, sqlRunning: true, lagSeconds: null })
    expect(s.lastError).toContain('(101 "Network is unreachable")')
  })

  it('reads a replica whose SQL thread stopped on a duplicate key', () => {
    const s = toReplicationStatus(parseSlaveStatus(SQL_STOPPED))
    expect(s).toMatchObject({ ioRunning: true, sqlRunning: false, lagSeconds: null, gtidIoPos: '0-1-27' })
    expect(s.lastError).toMatch(/^Could not execute Write_rows_v1 event on table racklab\.t; Duplicate entry '100'/)
  })

  it('treats empty output as "not a replica"', () => {
    expect(toReplicationStatus(parseSlaveStatus(''))).toMatchObject({ configured: false, ioRunning: false, sqlRunning: false })
  })

  it('parses values with trailing spaces stripped, as an editor might leave them', () => {
    const trimmed = HEALTHY.split('\n').map((l) => l.trimEnd()).join('\n')
    expect(toReplicationStatus(parseSlaveStatus(trimmed))).toEqual(toReplicationStatus(parseSlaveStatus(HEALTHY)))
  })
})

describe('probeReplication', () => {
  const pinged = (exit: number): string => `${HEALTHY}\n--racklab-ping-exit-- ${exit}\n`

  it('runs SHOW SLAVE STATUS in the replica and reports it as a ProbeResult', async () => {
    const exec = fakeExec({ db2: { stdout: pinged(0) } })
    const r = await probeReplication(exec, 'db2', { now })
    // one exec: the status, and a ping of Master_Host since both threads run (the script is run for real in
    // tests/integration/db-image.test.ts)
    expect(exec.calls).toEqual([['db2', ['sh', '-c', REPLICA_STATUS_SCRIPT]]])
    expect(REPLICA_STATUS_SCRIPT).toContain("mariadb --batch -e 'SHOW SLAVE STATUS\\G'")
    expect(r).toMatchObject({ id: 'db.replication', target: 'db2', ok: true, at: '2026-11-28T18:00:00.000Z' })
    expect(r.message).toBe('db2 replicates from 10.231.201.11, 0 s behind')
    expect(r.values).toEqual({ ioRunning: true, sqlRunning: true, ioState: 'Yes', lagSeconds: 0, secondsBehindMaster: 0, gtidIoPos: '0-1-26' })
  })

  it('measures the real delay with a heartbeat on the primary when it knows which server that is', async () => {
    const calls: [string, string][] = []
    let setUp = false
    const exec: Exec = async (server, cmd) => {
      const sql = cmd.at(-1) ?? ''
      calls.push([server, sql])
      if (cmd[0] === 'sh') return { exitCode: 0, stdout: pinged(0), stderr: '' }
      if (server === 'db1' && sql === 'SELECT @@global.read_only') return { exitCode: 0, stdout: '0\n', stderr: '' }
      if (server === 'db1' && sql.includes('CREATE USER')) return (setUp = true), { exitCode: 0, stdout: '', stderr: '' }
      // first write: the monitor's account is not there yet, so it is made (as root) and the write done again
      if (server === 'db1' && !setUp) return { exitCode: 1, stdout: '', stderr: "ERROR 1045 (28000): Access denied for user 'racklab_hb'@'localhost' (using password: YES)" }
      if (server === 'db1') return { exitCode: 0, stdout: '0-1-27\n', stderr: '' }
      return { exitCode: 0, stdout: '0\t823412\t850000\n', stderr: '' }
    }
    const r = await probeReplication(exec, 'db2', { now, serverAt: (h) => (h === '10.231.201.11' ? 'db1' : undefined) })
    expect(r.values).toMatchObject({ lagSeconds: 0.823, heartbeatMs: 823.412, secondsBehindMaster: 0 })
    expect(r.message).toBe('db2 replicates from 10.231.201.11, 0.823 s behind (heartbeat 823 ms)')
    expect(calls.find(([s, sql]) => s === 'db2' && sql.includes('MASTER_GTID_WAIT'))?.[1]).toContain("MASTER_GTID_WAIT('0-1-27', 5)")
  })

  it('writes no heartbeat on a primary frozen read-only (a switch under way): never as root', async () => {
    const cmds: string[][] = []
    const exec: Exec = async (server, cmd) => {
      cmds.push(cmd)
      if (cmd[0] === 'sh') return { exitCode: 0, stdout: pinged(0), stderr: '' }
      if (server === 'db1' && cmd.includes('--user=racklab_hb')) return { exitCode: 1, stdout: '', stderr: 'ERROR 1290 (HY000): The MariaDB server is running with the --read-only option so it cannot execute this statement' }
      return { exitCode: 0, stdout: '', stderr: '' }
    }
    const r = await probeReplication(exec, 'db2', { now, serverAt: () => 'db1' })
    expect(r.ok).toBe(true)
    expect(r.values?.heartbeatError).toMatch(/db1 is read-only/)
    // the write went only through the monitor's account, which read_only stops
    expect(cmds.filter((c) => (c.at(-1) ?? '').includes('REPLACE INTO')).every((c) => c.includes('--user=racklab_hb'))).toBe(true)
  })

  it('reports a heartbeat that did not arrive within its wait as at least that far behind', async () => {
    const exec: Exec = async (server, cmd) => {
      if (cmd[0] === 'sh') return { exitCode: 0, stdout: pinged(0), stderr: '' }
      return { exitCode: 0, stdout: server === 'db1' ? '0-1-27\n' : '-1\t1000\t7250000\n', stderr: '' }
    }
    const r = await probeReplication(exec, 'db2', { now, serverAt: () => 'db1' })
    expect(r.values).toMatchObject({ lagSeconds: 7.25, heartbeatMs: 7250 })
  })

  it('fails at once when the replica can no longer reach its primary, before its IO thread notices', async () => {
    const r = await probeReplication(fakeExec({ db2: { stdout: pinged(1) } }), 'db2', { now })
    expect(r).toMatchObject({ ok: false, message: 'db2 cannot reach its primary 10.231.201.11 (no reply to ping from 10.231.201.11 within 2 s); its IO thread has not noticed yet' })
    expect(r.values).toMatchObject({ ioRunning: true, masterReachable: false })
    // MariaDB still says 0 behind (it applied all it got): a replica cut off has no lag to chart
    expect(r.values?.lagSeconds).toBeUndefined()
    expect(r.values?.secondsBehindMaster).toBe(0)
    // exit 2: ping itself failed (no permission), which says nothing of the path
    expect(await probeReplication(fakeExec({ db2: { stdout: pinged(2) } }), 'db2', { now })).toMatchObject({ ok: true })
  })

  it('fails with the IO error when the primary is unreachable', async () => {
    const r = await probeReplication(fakeExec({ db3: { stdout: CABLE_PULLED } }), 'db3', { now })
    expect(r.ok).toBe(false)
    expect(r.message).toMatch(/^db3 is not receiving from 10\.231\.201\.11 \(IO thread Connecting\): error reconnecting/)
    expect(r.values).toMatchObject({ ioRunning: false, ioState: 'Connecting' })
    expect(r.values).not.toHaveProperty('lagSeconds')
  })

  it('fails with the SQL error when the SQL thread stopped', async () => {
    const r = await probeReplication(fakeExec({ db2: { stdout: SQL_STOPPED } }), 'db2', { now })
    expect(r.ok).toBe(false)
    expect(r.message).toMatch(/^db2: SQL thread stopped: Could not execute Write_rows_v1/)
  })

  it('fails clearly on a server that is not a replica, a failed client and a failed exec', async () => {
    const notReplica = await probeReplication(fakeExec({ db1: { stdout: '' } }), 'db1', { now })
    expect(notReplica).toMatchObject({ ok: false, message: 'db1 is not configured as a replica (SHOW SLAVE STATUS is empty)' })
    // its marker says it led before db2 was promoted: the message says what it is and what mends it
    const fenced = await probeReplication(fakeExec({ db1: { stdout: '' } }), 'db1', { now, fencedBy: 'db2' })
    expect(fenced).toMatchObject({ ok: false, message: 'db1 is a former primary, fenced read-only since db2 took over: it replicates from nobody and is behind (fail-back or rebuild makes it a replica of db2 again)' })
    const down = await probeReplication(
      fakeExec({ db2: { exitCode: 1, stderr: "ERROR 2002 (HY000): Can't connect to local server through socket '/run/mysqld/mysqld.sock' (2)\n" } }),
      'db2',
      { now },
    )
    expect(down.ok).toBe(false)
    expect(down.message).toBe("could not query db2: mariadb exited with 1: ERROR 2002 (HY000): Can't connect to local server through socket '/run/mysqld/mysqld.sock' (2)")
    const gone = await probeReplication(fakeExec({}), 'db9', { now })
    expect(gone).toMatchObject({ ok: false, message: 'could not query db9: no container db9' })
  })
})

describe('probeChecksums', () => {
  it('parses CHECKSUM TABLE output with the GTID position after it', () => {
    expect(parseChecksumOutput(CHECKSUM_OUT)).toEqual({
      sums: { 'racklab.t': '1772659890', 'racklab.users': '0', 'racklab.nope': null },
      gtid: '0-1-26',
    })
    // a server that never wrote a transaction prints an empty GTID position
    expect(parseChecksumOutput('racklab.users\t0\n\n')).toEqual({ sums: { 'racklab.users': '0' }, gtid: '' })
  })

  it('qualifies bare names with racklab and refuses anything that is not an identifier', () => {
    expect(qualifyTables(['users', 'mysql.user'])).toEqual(['racklab.users', 'mysql.user'])
    expect(() => qualifyTables(['users; DROP TABLE users'])).toThrow(LabError)
    expect(() => qualifyTables([])).toThrow(/at least one table/)
  })

  const out = (users: string, gtid: string): { stdout: string } => ({ stdout: `racklab.users\t${users}\nracklab.stores\t77\n${gtid}\n` })

  it('passes when every table has the same checksum on every server', async () => {
    const exec = fakeExec({ db1: out('123', '0-1-40'), db2: out('123', '0-1-40'), db3: out('123', '0-1-40') })
    const r = await probeChecksums(exec, ['db1', 'db2', 'db3'], ['users', 'stores'], { now })
    expect(exec.calls[0]?.[1]).toEqual(['mariadb', '--batch', '--skip-column-names', '-e', 'CHECKSUM TABLE racklab.users, racklab.stores; SELECT @@gtid_current_pos'])
    expect(r).toMatchObject({ id: 'db.checksum', target: 'db1,db2,db3', ok: true, equal: true, message: '2 table(s) identical on db1, db2, db3' })
    expect(r.checksums.db2).toEqual({ 'racklab.users': '123', 'racklab.stores': '77' })
    expect(r.values).toMatchObject({ 'db3.racklab.users': '123', 'db1.gtid': '0-1-40', equal: true })
  })

  it('names the differing table and hints at lag when GTID positions differ', async () => {
    const exec = fakeExec({ db1: out('123', '0-1-41'), db2: out('999', '0-1-40') })
    const r = await probeChecksums(exec, ['db1', 'db2'], ['users', 'stores'], { now, retryMs: 0 })
    expect(exec.calls).toHaveLength(6) // looked three times: the replica might have been one transaction behind
    expect(r.ok).toBe(false)
    expect(r.message).toBe('racklab.users differs: db1=123, db2=999; GTID positions differ (db1 0-1-41, db2 0-1-40): a replica may still be catching up')
  })

  it('looks again when a replica was only catching up, and passes once it has', async () => {
    let n = 0
    const exec: Exec = async (server) => ({ exitCode: 0, stderr: '', stdout: server === 'db2' && n++ === 0 ? out('999', '0-1-40').stdout : out('123', '0-1-41').stdout })
    const r = await probeChecksums(exec, ['db1', 'db2'], ['users', 'stores'], { now, retryMs: 0 })
    expect(r).toMatchObject({ ok: true, message: '2 table(s) identical on db1, db2' })
  })

  it('does not look again when the sums differ at the same GTID position: that is a real difference', async () => {
    const exec = fakeExec({ db1: out('123', '0-1-41'), db2: out('999', '0-1-41') })
    const r = await probeChecksums(exec, ['db1', 'db2'], ['users', 'stores'], { now, retryMs: 0 })
    expect(exec.calls).toHaveLength(2)
    expect(r.message).toBe('racklab.users differs: db1=123, db2=999')
  })

  it('fails on a missing table and on a server it cannot query', async () => {
    const exec = fakeExec({ db1: { stdout: CHECKSUM_OUT }, db2: { stdout: CHECKSUM_OUT }, db3: new Error('container racklab-x-db3 is not running') })
    const r = await probeChecksums(exec, ['db1', 'db2', 'db3'], ['t', 'nope'], { now })
    expect(r.ok).toBe(false)
    expect(r.equal).toBe(false)
    expect(r.message).toBe('could not query db3: container racklab-x-db3 is not running; racklab.nope is missing on db1, db2')
    expect(Object.keys(r.checksums)).toEqual(['db1', 'db2'])
  })
})

describe('probePing', () => {
  it('is ok when mariadb-admin says the server is alive, and times the call', async () => {
    let t = 0
    const clock = (): Date => new Date(Date.UTC(2026, 10, 28) + (t += 7))
    const exec = fakeExec({ db1: { stdout: 'mysqld is alive\n' } })
    const r = await probePing(exec, 'db1', { now: clock })
    expect(exec.calls).toEqual([['db1', ['mariadb-admin', '--connect-timeout=2', 'ping']]])
    expect(r).toMatchObject({ id: 'db.ping', target: 'db1', ok: true, message: 'db1: MariaDB answers', values: { ms: 7 } })
  })

  it('fails with the client error otherwise', async () => {
    const r = await probePing(fakeExec({ db2: { exitCode: 1, stderr: "mariadb-admin: connect to server at 'localhost' failed\n" } }), 'db2', { now })
    expect(r).toMatchObject({ ok: false, message: "db2: MariaDB does not answer: mariadb-admin exited with 1: mariadb-admin: connect to server at 'localhost' failed" })
  })

  it('reads the role marker in the same exec, whether MariaDB answers or not', async () => {
    const seen: unknown[] = []
    const marker = (m: unknown): number => seen.push(m)
    const up = fakeExec({ db2: { stdout: 'role=primary\nepoch=3\n--racklab-marker-end--\nmysqld is alive\n' } })
    expect(await probePing(up, 'db2', { now, marker })).toMatchObject({ ok: true, message: 'db2: MariaDB answers' })
    expect(up.calls).toHaveLength(1)
    expect(up.calls[0]![1].slice(0, 2)).toEqual(['sh', '-c'])
    expect(up.calls[0]![1][2]).toContain('/var/lib/mysql/.racklab-init')
    // MariaDB down: a primary that does not answer is still the primary
    const down = fakeExec({ db1: { exitCode: 1, stdout: 'role=primary\nepoch=0\n--racklab-marker-end--\n', stderr: "mariadb-admin: connect to server at 'localhost' failed\n" } })
    expect(await probePing(down, 'db1', { now, marker })).toMatchObject({ ok: false, message: "db1: MariaDB does not answer: mariadb-admin exited with 1: mariadb-admin: connect to server at 'localhost' failed" })
    // no marker file (the end line never printed), and a container that is gone
    expect(await probePing(fakeExec({ db3: { stdout: 'mysqld is alive\n' } }), 'db3', { now, marker })).toMatchObject({ ok: true })
    expect(await probePing(fakeExec({}), 'db9', { now, marker })).toMatchObject({ ok: false, message: 'db9: MariaDB does not answer: no container db9' })
    expect(seen).toEqual([{ role: 'primary', epoch: 3 }, { role: 'primary', epoch: 0 }, undefined, undefined])
  })
})
