// The lab engine service: one process per lab keeps the lab moving between commands, refuses a second engine,
// and after a SIGKILL in the middle of an action (hardware, container or role) the next engine finishes it, so
// the lab converges to its ledger.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { containerName } from '../../main/engine/lab/naming'
import { exec } from './lab-driver'
import { racklab, ROOT, TEST_HOME, TEST_LAB, until, type CliResult } from './helpers'

const docker = new Docker()
const stateDir = join(TEST_HOME, TEST_LAB)
const inspect = (server: string) => docker.getContainer(containerName(TEST_LAB, server)).inspect()
const networksOf = async (server: string): Promise<string[]> => Object.keys((await inspect(server)).NetworkSettings.Networks).map((n) => n.replace(`racklab-${TEST_LAB}-`, '')).sort()
const running = async (server: string): Promise<boolean> => (await inspect(server)).State.Running
const nginxUp = async (): Promise<boolean> => (await exec('fe1', ['pgrep', '-x', 'nginx'], { timeoutMs: 10_000 })).exitCode === 0
const enginePid = (): number => (JSON.parse(readFileSync(join(stateDir, 'engine.lock'), 'utf8')) as { pid: number }).pid
const ledgerLines = (): { seq?: number; end?: number; action?: string; target?: string }[] =>
  readFileSync(join(stateDir, 'actions.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as never)
const pidGone = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return false
  } catch {
    return true
  }
}
const ok = (r: CliResult, what: string): CliResult => {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}: ${r.stdout}${r.stderr}`)
  return r
}

describe('the lab engine service', () => {
  beforeAll(async () => {
    await racklab(['down', '--volumes'])
    ok(await racklab(['up', '--only', 'db1,db2,fe1']), 'up')
  })
  afterAll(async () => {
    await racklab(['down', '--volumes'])
  })

  it('keeps the lab moving: a power-on boots the server with no other racklab command', async () => {
    ok(await racklab(['act', 'server:db2', 'power-off']), 'power-off')
    await until('db2 stopped', async () => !(await running('db2')), 30_000)
    const on = ok(await racklab(['act', 'server:db2', 'power-on']), 'power-on')
    expect(on.stderr).toMatch(/pressed the power button/)
    // only Docker from here on: the engine boots it on the lab clock, then MariaDB answers
    await until('db2 answers SQL', async () => (await running('db2')) && (await exec('db2', ['mariadb', '-N', '-e', 'SELECT 1'], { timeoutMs: 10_000 })).stdout.trim() === '1', 90_000, 500)
  })

  it('runs one engine per lab and says so to a second one', async () => {
    const st = JSON.parse(ok(await racklab(['engine', 'status', '--json']), 'engine status').stdout) as { running: boolean; pid: number; labId: string }
    expect(st).toMatchObject({ running: true, labId: TEST_LAB })
    const second = spawn(process.execPath, [join(ROOT, 'out/cli/engine.mjs'), '--lab', TEST_LAB], { env: { ...process.env, RACKLAB_HOME: TEST_HOME } })
    let out = ''
    second.stdout.on('data', (d: Buffer) => (out += d.toString()))
    const code = await new Promise<number | null>((r) => second.on('close', r))
    expect(code).toBe(3)
    expect(out).toContain(`lab ${TEST_LAB} already has an engine service (pid ${st.pid}`)
  })

  const cases: { name: string; target: string; action: string; done: () => Promise<boolean> }[] = [
    { name: 'hardware', target: 'cable:db2/int', action: 'unplug', done: async () => !(await networksOf('db2')).includes('int') },
    { name: 'container', target: 'server:db2', action: 'stop', done: async () => !(await running('db2')) },
    { name: 'role', target: 'server:fe1', action: 'stop-nginx', done: async () => !(await nginxUp()) },
  ]
  for (const c of cases)
    it(`SIGKILL in the middle of a ${c.name} action: the next engine finishes it`, async () => {
      ok(await racklab(['engine', 'stop']), 'engine stop')
      // an engine that holds each action open between its ledger entry and its effect
      ok(await racklab(['status'], { env: { RACKLAB_FAULT_HOLD_ACTION_MS: '60000' } }), 'status (starts the held engine)')
      const pid = enginePid()
      const acting = racklab(['act', c.target, c.action])
      const begun = await until(`${c.action} ${c.target} in the ledger`, async () => ledgerLines().find((l) => l.action === c.action && l.target === c.target && !ledgerLines().some((e) => e.end === l.seq)), 30_000, 100)
      expect(await c.done()).toBe(false) // ledgered, not yet done
      // the journal outlives the lab (an earlier run's "resumed" line must not count): only what follows
      const before = Math.max(0, ...(JSON.parse(ok(await racklab(['journal', '--json']), 'journal').stdout) as { seq: number }[]).map((e) => e.seq))
      process.kill(pid, 'SIGKILL')
      await until('the engine gone', async () => pidGone(pid), 10_000, 100)
      const dead = await acting
      expect(dead.code).not.toBe(0)
      expect(dead.stderr).toMatch(/closed the connection/)
      // any command brings an engine back; it finishes what the ledger says was begun
      ok(await racklab(['status']), 'status (new engine)')
      expect(enginePid()).not.toBe(pid)
      await until(`${c.action} ${c.target} done after the restart`, c.done, 60_000, 500)
      // the effect can show before the action has returned and been journaled (stop-nginx waits for nginx to go)
      await until('the journal to say it was resumed', async () => {
        const journal = JSON.parse(ok(await racklab(['journal', '--json', '--since', String(before)]), 'journal').stdout) as { seq: number; text: string }[]
        return journal.some((e) => e.seq > before && e.text.startsWith(`${c.action} ${c.target}: resumed after an engine restart`)) || undefined
      }, 60_000, 500)
      // and its recorded inverse puts it back (this action's: a bare undo would take the newest undoable one)
      const undo = JSON.parse(ok(await racklab(['undo', String(begun.seq), '--json']), 'undo').stdout) as { undid: number; text: string }
      expect(undo.undid, undo.text).toBe(begun.seq)
      await until(`${c.action} ${c.target} undone`, async () => !(await c.done()), 90_000, 500)
    })
})
