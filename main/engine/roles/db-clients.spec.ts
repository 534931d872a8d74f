// pointSelf, a database client's boot (web, mx): which execs it makes in a container an `up` just started (its /run
// empty) and in one that was already running (its pointer may be there), against fake db servers that answer the
// reading as the db image does (marker, read_only and GTID, replication status).
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { TopologySchema, type Topology } from '@contract/topology'
import type { ExecResult } from '../docker/types'
import { placeServers, roleContext } from '../lab/plan'
import { POINTER, pointSelf } from './db-clients'
import { ipBetween } from './db-state'
import type { HookContext } from './types'

const nyi = (): Topology => TopologySchema.parse(parse(readFileSync(new URL('../../../resources/topologies/nyi-2007.yaml', import.meta.url), 'utf8')))
const ok = (stdout: string): ExecResult => ({ exitCode: 0, stdout, stderr: '' })

/** a client (`id`) with the db servers answering as db1 the primary; records every exec as "server: command" */
function client(t: Topology, id: string, held: string, startedNow?: boolean): { c: HookContext; execs: string[]; pointed: () => string | undefined } {
  const execs: string[] = []
  let pointer = held
  const exec = async (s: string, cmd: string[], opts?: { stdin?: string }): Promise<ExecResult> => {
    const line = cmd.join(' ')
    execs.push(`${s}: ${cmd[0] === 'sh' ? cmd[2]!.split(' ')[0] : line}`)
    if (s === id && line === `cat ${POINTER}`) return pointer ? ok(pointer) : { exitCode: 1, stdout: '', stderr: 'No such file' }
    if (s === id && cmd[0] === 'sh' && cmd[2]!.includes(POINTER)) {
      pointer = opts?.stdin ?? ''
      return ok('')
    }
    if (s.startsWith('db')) return ok(`role=${s === 'db1' ? 'primary' : 'replica'}\nepoch=0\n\n--\n${s === 'db1' ? 0 : 1}\t0-1-5\n`)
    throw new Error(`unexpected exec on ${s}: ${line}`)
  }
  // the labId keeps this test's readings apart from others (pointSelf shares one reading per lab for 2 s)
  const base = roleContext(t, placeServers(t), id, { repl: 'r', app: 'a', backup: 'b', cyrus: 'c' }, `spec-${id}-${held ? 'held' : 'none'}-${String(startedNow)}`)
  return { c: { ...base, exec, labCa: () => Promise.reject(new Error('no CA here')), ...(startedNow === undefined ? {} : { startedNow }) }, execs, pointed: () => pointer || undefined }
}

describe('pointSelf', () => {
  it('in a container this up started: no look for a pointer (its /run began empty), reads the databases, points it at db1', async () => {
    const t = nyi()
    const { c, execs, pointed } = client(t, 'mx1', '', true)
    await pointSelf(c)
    expect(execs.filter((e) => e.startsWith('mx1:'))).toEqual(['mx1: mkdir'])
    expect(execs.filter((e) => e.startsWith('db')).length).toBe(3)
    expect(pointed()).toBe(`${ipBetween(t, 'mx1', 'db1')}\n`)
  })

  it('in a container already running that holds a pointer: one look, nothing read or written', async () => {
    const { c, execs } = client(nyi(), 'web1', '10.0.0.1\n')
    await pointSelf(c)
    expect(execs).toEqual([`web1: cat ${POINTER}`])
  })

  it('in a container already running without a pointer: looks, then reads the databases and writes it', async () => {
    const { c, execs, pointed } = client(nyi(), 'web2', '', false)
    await pointSelf(c)
    expect(execs[0]).toBe(`web2: cat ${POINTER}`)
    expect(execs.at(-1)).toBe('web2: mkdir')
    expect(pointed()).toBeDefined()
  })
})
