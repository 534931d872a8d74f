// A replica `up` has just started is ready once it replicates and has its primary's position (db-caught-up.ts):
// one still between connect attempts is nudged to connect now, and one that cannot catch up fails `up` with why.
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { TopologySchema, type Topology } from '@contract/topology'
import type { ExecResult } from '../docker/types'
import { placeServers, roleContext } from '../lab/plan'
import { replicaCaughtUp } from './db-caught-up'
import type { HookContext } from './types'

const nyi = (): Topology => TopologySchema.parse(parse(readFileSync(new URL('../../../resources/topologies/nyi-2007.yaml', import.meta.url), 'utf8')))
const ok = (stdout: string): ExecResult => ({ exitCode: 0, stdout, stderr: '' })

interface Db2 { io: string; gtidWait: string; lastError?: string; db1Down?: boolean; connectAfterReads?: number }

/** db1 a primary at 0-1-9; db2 (the server in hand) a replica whose IO thread reads `state.io`; db3 down */
function lab(self: string, state: Db2): { c: HookContext; sql: string[] } {
  const t = nyi()
  const sql: string[] = []
  const exec = async (s: string, cmd: string[], opts?: { stdin?: string }): Promise<ExecResult> => {
    if (s === 'db3' || (s === 'db1' && state.db1Down)) return { exitCode: 125, stdout: '', stderr: 'no such container' }
    if (cmd[0] === 'mariadb') {
      const q = opts?.stdin ?? ''
      sql.push(`${s}: ${q}`)
      if (q.includes('START SLAVE IO_THREAD')) state.io = state.connectAfterReads ? 'Connecting' : 'Yes'
      if (q.startsWith('SELECT MASTER_GTID_WAIT')) return ok(`${state.gtidWait}\n`)
      if (q.startsWith('SHOW SLAVE STATUS')) return ok(`Last_IO_Error: ${state.lastError ?? ''}\n`)
      return ok('')
    }
    if (s === 'db1') return ok('role=primary\nepoch=0\n\n--\n0\t0-1-9\n')
    if (state.connectAfterReads !== undefined && state.io === 'Connecting' && --state.connectAfterReads <= 0) state.io = 'Yes'
    return ok(`role=replica\nepoch=0\n\n--\n1\t0-1-3\n*************************** 1. row ***************************\n Master_Host: 10.231.0.11\n Slave_IO_Running: ${state.io}\n Slave_SQL_Running: Yes\n`)
  }
  const base = roleContext(t, placeServers(t), self, { repl: 'r', app: 'a', backup: 'b', cyrus: 'c' }, 'spec-caught-up')
  return { c: { ...base, exec, labCa: () => Promise.reject(new Error('no CA here')) }, sql }
}

describe('replicaCaughtUp', () => {
  it('a replica replicating: waits for the primary\'s position, nothing else', async () => {
    const { c, sql } = lab('db2', { io: 'Yes', gtidWait: '0' })
    await replicaCaughtUp(c)
    expect(sql).toEqual(["db2: SELECT MASTER_GTID_WAIT('0-1-9', 30)"])
  })

  it('a replica still connecting: its IO thread connects now, then it waits for the position', async () => {
    const { c, sql } = lab('db2', { io: 'Connecting', gtidWait: '0' })
    await replicaCaughtUp(c, 5)
    expect(sql).toEqual(['db2: STOP SLAVE IO_THREAD; START SLAVE IO_THREAD', "db2: SELECT MASTER_GTID_WAIT('0-1-9', 5)"])
  })

  it('a replica that never gets there: fails with its replication error', async () => {
    const { c } = lab('db2', { io: 'Connecting', gtidWait: '-1', lastError: "Can't connect to server on '10.231.0.11' (111)" })
    c.exec = ((orig) => async (s: string, cmd: string[], opts?: { stdin?: string }) => {
      const r = await orig(s, cmd, opts)
      // the nudge does not help: the primary refuses
      return s === 'db2' && cmd[0] === 'sh' ? ok(r.stdout.replace('Slave_IO_Running: Yes', 'Slave_IO_Running: Connecting')) : r
    })(c.exec)
    await expect(replicaCaughtUp(c, 1)).rejects.toThrow("db2 does not replicate from db1: not at db1's position 0-1-9 after 1 s; IO thread not connected, SQL thread running (Can't connect to server on '10.231.0.11' (111))")
  })

  it('at the position but the IO thread still connecting after the nudge: waits for it to connect', async () => {
    const state: Db2 = { io: 'Connecting', gtidWait: '0', connectAfterReads: 3 }
    const { c } = lab('db2', state)
    await replicaCaughtUp(c, 5)
    expect(state.io).toBe('Yes')
  })

  it('its source is down (held off, or dead): nothing to wait for, the monitor says it', async () => {
    const { c, sql } = lab('db2', { io: 'Connecting', gtidWait: '-1', db1Down: true })
    await replicaCaughtUp(c, 1)
    expect(sql).toEqual([])
  })

  it('the primary itself: nothing to wait for', async () => {
    const { c, sql } = lab('db1', { io: 'Yes', gtidWait: '0' })
    await replicaCaughtUp(c)
    expect(sql).toEqual([])
  })
})
