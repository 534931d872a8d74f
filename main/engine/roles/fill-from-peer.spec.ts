import { describe, expect, it } from 'vitest'
import { fillFromPeer } from './mail-actions'
import type { PairState } from './mail-pair'
import type { HookContext } from './types'

type Result = { exitCode: number; stdout: string; stderr: string }

/** a pair context whose execs finish only when the test says so (by command name) */
function pairContext(fail?: string) {
  const log: string[] = []
  const pending = new Map<string, () => void>()
  const exec = (server: string, cmd: string[]): Promise<Result> => {
    log.push(`${server} ${cmd.join(' ')}`)
    const json = cmd[0] === 'racklab-mail-verify' ? '{"messages":3,"problemCount":0,"problems":[]}' : '{}'
    const result: Result = cmd[0] === fail ? { exitCode: 1, stdout: '', stderr: `${cmd[0]} broke` } : { exitCode: 0, stdout: json, stderr: '' }
    if (cmd[0] !== 'racklab-mail-resync' && cmd[0] !== 'racklab-cyrus-users') return Promise.resolve(result)
    return new Promise((resolve) => pending.set(cmd[0]!, () => resolve(result)))
  }
  const c = {
    exec,
    ipOf: (id: string) => (id === 'imap2' ? '10.0.0.52' : '10.0.0.51'),
    topology: { users: [{ name: 'bob', password: 'pw', store: 'imap1' }] },
  } as unknown as HookContext
  const pair: PairState = { home: 'imap1', self: { id: 'imap2', up: true, awaitingResync: true }, peer: { id: 'imap1', up: true } }
  return { c, pair, log, pending }
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 5))

describe('fillFromPeer', () => {
  it("runs the peer's push and this node's passwords at once, and opens LMTP only after both", async () => {
    const { c, pair, log, pending } = pairContext()
    const filled = fillFromPeer(c, pair)
    await settle()
    expect(log).toEqual(['imap1 racklab-mail-resync --to 10.0.0.52 --all', 'imap2 racklab-cyrus-users --no-create'])
    pending.get('racklab-cyrus-users')!()
    await settle()
    expect(log).not.toContain('imap2 racklab-cyrus-role --resynced')
    pending.get('racklab-mail-resync')!()
    expect(await filled).toMatch(/^imap2's empty copy filled from imap1 \(3 messages/)
    expect(log.slice(2)).toEqual(['imap2 racklab-cyrus-role --resynced', 'imap2 racklab-mail-verify --json'])
  })

  it('a failed half is thrown once the other has finished, and LMTP stays closed', async () => {
    const { c, pair, log, pending } = pairContext('racklab-cyrus-users')
    let error: unknown
    const filled = fillFromPeer(c, pair).catch((e: unknown) => void (error = e))
    await settle()
    pending.get('racklab-cyrus-users')!()
    await settle()
    expect(error).toBeUndefined() // the push is still running
    pending.get('racklab-mail-resync')!()
    await filled
    expect(String(error)).toMatch(/imap2: racklab-cyrus-users failed \(exit 1\): racklab-cyrus-users broke/)
    expect(log.some((l) => l.includes('--resynced'))).toBe(false)
  })
})
