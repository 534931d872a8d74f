// Which database server backup1 backs up (backup-db.ts readBackupSource): a replica on backup1's site before one
// across the WAN, and either before the primary. One whose IO thread is still connecting to its primary (it retries
// every 2 s after a start) is waited for briefly when it would be the better source; once the wait is over, the
// best that answers.
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { TopologySchema, type Topology } from '@contract/topology'
import type { ExecResult } from '../docker/types'
import { placeServers, roleContext } from '../lab/plan'
import { readBackupSource } from './backup-db'
import type { HookContext } from './types'

const nyi = (): Topology => TopologySchema.parse(parse(readFileSync(new URL('../../../resources/topologies/nyi-2007.yaml', import.meta.url), 'utf8')))
const ok = (stdout: string): ExecResult => ({ exitCode: 0, stdout, stderr: '' })

/** the db servers answer as the db image does; each replica's IO thread reads `io()` ('Yes' or 'Connecting') */
function backup1(io: (server: string) => string): { c: HookContext; reads: () => number } {
  const t = nyi()
  let reads = 0
  const exec = async (s: string): Promise<ExecResult> => {
    if (!s.startsWith('db')) throw new Error(`unexpected exec on ${s}`)
    if (s === 'db1') {
      reads++
      return ok('role=primary\nepoch=0\n\n--\n0\t0-1-5\n')
    }
    return ok(`role=replica\nepoch=0\n\n--\n1\t0-1-5\n*************************** 1. row ***************************\n Master_Host: 10.231.0.11\n Slave_IO_Running: ${io(s)}\n Slave_SQL_Running: Yes\n`)
  }
  const base = roleContext(t, placeServers(t), 'backup1', { repl: 'r', app: 'a', backup: 'b', cyrus: 'c' }, 'spec-backup-source')
  return { c: { ...base, exec, labCa: () => Promise.reject(new Error('no CA here')) }, reads: () => reads }
}

describe('readBackupSource', () => {
  it('a replica replicating: it at once', async () => {
    const { c, reads } = backup1(() => 'Yes')
    expect(await readBackupSource(c)).toEqual({ id: 'db2', fromReplica: true })
    expect(reads()).toBe(1)
  })

  it('replicas still connecting after a start: waits for one, then backs it up', async () => {
    let n = 0
    const { c, reads } = backup1((s) => (s === 'db2' && ++n >= 2 ? 'Yes' : 'Connecting'))
    expect(await readBackupSource(c, 5000)).toEqual({ id: 'db2', fromReplica: true })
    expect(reads()).toBe(2)
  })

  it('db3 across the WAN replicating while db2 beside backup1 connects: waits for db2', async () => {
    let n = 0
    const { c } = backup1((s) => (s === 'db3' || ++n >= 2 ? 'Yes' : 'Connecting'))
    expect(await readBackupSource(c, 5000)).toEqual({ id: 'db2', fromReplica: true })
  })

  it('db2 never connects: db3, once the wait is over', async () => {
    const { c } = backup1((s) => (s === 'db3' ? 'Yes' : 'Connecting'))
    expect(await readBackupSource(c, 1500)).toEqual({ id: 'db3', fromReplica: true })
  })

  it('replicas that never connect: the primary, once the wait is over', async () => {
    const { c, reads } = backup1(() => 'Connecting')
    expect(await readBackupSource(c, 1500)).toEqual({ id: 'db1', fromReplica: false })
    expect(reads()).toBeGreaterThanOrEqual(2)
  })
})
