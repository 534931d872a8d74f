// How restoreMail orchestrates its round trips (backup-mail.ts): the home node's role and mailbox in one read,
// the replica asked only its role; the restore started beside backup1's serve with the same stream token; a
// promoted replica read and restored into; backup1's reason given when it cannot serve.
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { TopologySchema, type Topology } from '@contract/topology'
import type { ExecResult } from '../docker/types'
import { placeServers, roleContext } from '../lab/plan'
import { restoreMail } from './backup-mail'
import type { HookContext } from './types'

const nyi = (): Topology => TopologySchema.parse(parse(readFileSync(new URL('../../../resources/topologies/nyi-2007.yaml', import.meta.url), 'utf8')))
const json = (v: unknown, exitCode = 0): ExecResult => ({ exitCode, stdout: JSON.stringify(v) + '\n', stderr: '' })
const G1 = 'a'.repeat(40)
const G2 = 'b'.repeat(40)
const m = (uid: number, guid: string): object => ({ uid, guid, size: 10, flags: [], internaldate: '14-Jun-2007 02:00:00 +0000' })
const inbox = (messages: object[]): object => ({ name: 'INBOX', uidvalidity: 1, uidnext: 3, messages })

interface Lab { master: 'imap1' | 'imap2'; serveFails?: boolean; rotten?: string }

/** backup1 with bob's snapshot of two messages; bob's INBOX empty on the master now */
function lab(o: Lab): { c: HookContext; calls: string[][] } {
  const calls: string[][] = []
  const exec = async (s: string, cmd: string[]): Promise<ExecResult> => {
    calls.push([s, ...cmd])
    const role = (id: string): string => (id === o.master ? 'master' : 'replica')
    if (s === 'backup1' && cmd[1] === 'show') return json({ server: 'imap2', stamp: '20070614T020000', stats: { takenAt: 0 }, users: [{ name: 'bob', mailboxes: [inbox([m(1, G1), m(2, G2)])] }] })
    if (s === 'backup1' && cmd[1] === 'serve') return o.serveFails ? { exitCode: 2, stdout: '', stderr: 'racklab-mail-store: cannot listen on 9102: Address in use' } : o.rotten ? json({ files: 1, bytes: 10, missing: [o.rotten] }, 1) : json({ files: 2, bytes: 20, missing: [] })
    if (cmd[0] === 'pkill') return { exitCode: 0, stdout: '', stderr: '' }
    if (s === 'backup1' && cmd[1] === 'unserve') return json({ withdrawn: true })
    if (cmd[0] === 'racklab-cyrus-role') return json({ role: role(s) })
    if (cmd[1] === 'manifest') return json({ server: s, users: [{ name: 'bob', mailboxes: [inbox([])] }], ...(cmd.includes('--role') ? { node: { role: role(s) } } : {}) })
    if (cmd[1] === 'restore') {
      if (o.serveFails) return { exitCode: 2, stdout: '', stderr: 'racklab-mail-export: cannot reach the stream at 10.231.0.71:9102 within 30 s' }
      if (o.rotten) return json({ restored: 1, appended: 0, corrupt: [], failed: [], after: { name: 'bob', mailboxes: [inbox([m(1, G1)])] } }, 0)
      return json({ restored: 2, appended: 0, corrupt: [], failed: [], after: { name: 'bob', mailboxes: [inbox([m(1, G1), m(2, G2)])] } })
    }
    throw new Error(`unexpected exec on ${s}: ${cmd.join(' ')}`)
  }
  const t = nyi()
  const base = roleContext(t, placeServers(t), 'backup1', { repl: 'r', app: 'a', backup: 'b', cyrus: 'c' }, 'spec-restore-mail')
  return { c: { ...base, exec, labCa: () => Promise.reject(new Error('no CA here')) }, calls }
}

describe('restoreMail', () => {
  it('reads the home master once (role and mailbox), asks the replica only its role, and restores with the stream token serve got', async () => {
    const { c, calls } = lab({ master: 'imap1' })
    const text = await restoreMail(c, { user: 'bob' })
    expect(text).toContain('bob into imap1 from snapshot 20070614T020000: 2 message(s) restored, 0 already there; verified by SHA1 GUID: every message of the snapshot is present')
    expect(calls.filter(([s]) => s === 'imap2').map((x) => x.slice(1).join(' '))).toEqual(['racklab-cyrus-role --json'])
    expect(calls.filter(([s, cmd]) => s === 'imap1' && cmd === 'racklab-mail-export').map((x) => x[2])).toEqual(['manifest', 'restore'])
    const serveToken = calls.find(([s, , v]) => s === 'backup1' && v === 'serve')!.at(-1)
    const restoreToken = calls.find(([, , v]) => v === 'restore')!.at(-1)
    expect(serveToken).toMatch(/^[0-9a-f]{16}$/)
    expect(restoreToken).toBe(serveToken)
  })

  it('a promoted replica: read there after its role says master, and restored into', async () => {
    const { c, calls } = lab({ master: 'imap2' })
    expect(await restoreMail(c, { user: 'bob' })).toContain('bob into imap2 from snapshot')
    expect(calls.filter(([s, cmd]) => s === 'imap2' && cmd === 'racklab-mail-export').map((x) => x[2])).toEqual(['manifest', 'restore'])
  })

  it('backup1 cannot serve: the waiting restore is ended and backup1\'s reason given', async () => {
    const { c, calls } = lab({ master: 'imap1', serveFails: true })
    await expect(restoreMail(c, { user: 'bob' })).rejects.toThrow("backup1 could not serve bob's files: racklab-mail-store: cannot listen on 9102: Address in use")
    const token = calls.find(([, , v]) => v === 'serve')!.at(-1)!
    expect(calls).toContainEqual(['imap1', 'pkill', '-f', `racklab-mail-export restore bob .* ${token}$`])
  })

  it('a file rotten on backup1 (serve exits 1): the rest is restored and verified, the rotten one named as still missing', async () => {
    const { c } = lab({ master: 'imap1', rotten: G2 })
    await expect(restoreMail(c, { user: 'bob' })).rejects.toThrow(/1 message\(s\) restored.*1 STILL MISSING.*PROBLEMS: bob: 1 file\(s\) on backup1 are missing or fail their SHA1 \(not restored\)/)
  })
})
