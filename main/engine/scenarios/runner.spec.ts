import { describe, expect, it } from 'vitest'
import { LabError } from '@contract/errors'
import type { ProbeResult, ServerStatus } from '@contract/status'
import type { ExecResult } from '../docker/types'
import { runScenario, type ScenarioDeps } from './runner'
import { ScenarioSchema, type Scenario } from './schema'

/** a lab stand-in with a fake clock: sleeping advances it, and `world` changes what probes see over time */
function fakeLab(world: { replicationOkAfterMs?: number; refuse?: string[] } = {}): ScenarioDeps & { calls: string[]; notes: string[]; clock: number } {
  const lab = {
    calls: [] as string[],
    notes: [] as string[],
    clock: 0,
    async up(only: string[]) {
      lab.calls.push(`up ${only.join(',')}`)
    },
    async act(target: string, action: string, args: Record<string, string>) {
      const what = `${action} ${target}${Object.entries(args).map(([k, v]) => ` ${k}=${v}`).join('')}`
      lab.calls.push(`act ${what}`)
      if (world.refuse?.includes(what)) throw new LabError('REFUSED', `cannot ${what}: nothing to do`)
      return `${what}: done`
    },
    async servers(): Promise<ServerStatus[]> {
      return [{ id: 'db2', state: 'running', health: lab.clock >= 2000 ? 'healthy' : 'starting' } as ServerStatus]
    },
    async probe(id: string): Promise<ProbeResult[]> {
      lab.calls.push(`probe ${id}`)
      const ok = lab.clock >= (world.replicationOkAfterMs ?? 0)
      return [{ id, target: 'db2', ok, message: ok ? 'lag 0 s' : 'IO thread not running', at: '' }, { id, target: 'db3', ok: true, message: 'lag 0 s', at: '' }]
    },
    async exec(server: string, cmd: string[]): Promise<ExecResult> {
      lab.calls.push(`exec ${server} ${cmd.join(' ')}`)
      return cmd[0] === 'false' ? { exitCode: 1, stdout: '', stderr: 'nope' } : { exitCode: 0, stdout: `${server}\n`, stderr: '' }
    },
    note(text: string) {
      lab.notes.push(text)
    },
    async sleep(ms: number) {
      lab.clock += ms
    },
    now: () => lab.clock,
  }
  return lab
}
const scenario = (x: unknown): Scenario => ScenarioSchema.parse(x)

describe('runScenario', () => {
  it('runs the steps in order and passes when every one holds', async () => {
    const lab = fakeLab({ replicationOkAfterMs: 3000 })
    const sc = scenario({
      name: 'pull',
      up: ['db1', 'db2'],
      steps: [{ act: 'cable:db2/int unplug' }, { say: 'watch db2' }, { act: 'server:imap2 resync user=bob' }, { expect: { probe: 'db.replication', target: 'db2' }, within: '10s' }, { exec: { server: 'db2', cmd: ['hostname'], output: '^db2$' } }],
    })
    const report = await runScenario(sc, lab)
    expect(report.ok).toBe(true)
    expect(report.steps.map((s) => [s.n, s.text, s.ok])).toEqual([
      [1, 'act cable:db2/int unplug', true],
      [2, 'watch db2', true],
      [3, 'act server:imap2 resync user=bob', true],
      [4, 'expect db.replication on db2 passes within 10s', true],
      [5, 'exec on db2: hostname', true],
    ])
    expect(lab.calls.filter((c) => !c.startsWith('probe'))).toEqual(['up db1,db2', 'act unplug cable:db2/int', 'act resync server:imap2 user=bob', 'exec db2 hostname'])
    // polled once a second until the probe passed at 3 s
    expect(lab.calls.filter((c) => c.startsWith('probe'))).toHaveLength(4)
    expect(report.steps[3]!.ms).toBe(3000)
    expect(lab.notes.at(-1)).toBe('scenario pull: passed in 3.0 s')
  })

  it('stops at the first failure, marks the rest not run, says what was seen, and still runs every cleanup step', async () => {
    const lab = fakeLab({ replicationOkAfterMs: 60_000, refuse: ['plug cable:db2/int'] })
    const sc = scenario({
      name: 'stuck',
      steps: [{ act: 'cable:db2/int unplug' }, { expect: { probe: 'db.replication' }, within: '5s' }, { act: 'cable:db2/int plug' }],
      cleanup: [{ act: 'cable:db2/int plug', optional: true }, { exec: { server: 'db1', cmd: ['false'] } }, { say: 'done' }],
    })
    const report = await runScenario(sc, lab)
    expect(report.ok).toBe(false)
    expect(report.steps.map((s) => [s.section, s.n, s.ok])).toEqual([
      ['steps', 1, true],
      ['steps', 2, false],
      ['steps', 3, null],
      ['cleanup', 1, true],
      ['cleanup', 2, false],
      ['cleanup', 3, true],
    ])
    expect(report.steps[1]!.detail).toBe('still not so after 5s: db2: FAILED — IO thread not running; db3: ok — lag 0 s')
    expect(report.steps[3]!.detail).toBe('refused, and that is fine here: cannot plug cable:db2/int: nothing to do')
    expect(report.steps[4]!.detail).toBe('exit 1: nope')
    expect(lab.calls).not.toContain('act plug cable:db2/int x') // the third step never ran
    expect(lab.notes).toContain('scenario stuck: 3. act cable:db2/int plug — not run')
  })

  it('a catastrophic output pattern fails its step within the time box, with the reason, and no retrying', async () => {
    const lab = fakeLab()
    // the fake exec prints the server name: 29 a's and a "!", the input of issue #13's 20.8 s stall
    const sc = scenario({ name: 'redos', steps: [{ exec: { server: `${'a'.repeat(29)}!`, cmd: ['hostname'], output: '^(a+)+$' }, within: '30s' }, { say: 'never' }] })
    const t0 = performance.now()
    const report = await runScenario(sc, lab)
    expect(performance.now() - t0).toBeLessThan(5000)
    expect(report.ok).toBe(false)
    expect(report.steps[0]).toMatchObject({ ok: false, detail: expect.stringMatching(/^output pattern \/\^\(a\+\)\+\$\/ was stopped after 1000 ms on 30 characters/) })
    expect(report.steps[1]).toMatchObject({ ok: null })
    expect(lab.calls.filter((c) => c.startsWith('exec'))).toHaveLength(1)
  })

  it('a refused action fails its step with the engine’s reason unless it is optional', async () => {
    const lab = fakeLab({ refuse: ['power-on server:db1'] })
    const report = await runScenario(scenario({ name: 'r', steps: [{ act: 'server:db1 power-on' }] }), lab)
    expect(report.steps[0]).toMatchObject({ ok: false, detail: 'cannot power-on server:db1: nothing to do' })
  })

  it('waits for a server state, and a failed up fails the run before any step', async () => {
    const lab = fakeLab()
    const ok = await runScenario(scenario({ name: 's', steps: [{ expect: { server: 'db2', health: 'healthy' }, within: '5s' }] }), lab)
    expect(ok.steps[0]).toMatchObject({ ok: true, ms: 2000, detail: 'db2 is running, healthy' })
    const failing = { ...fakeLab(), up: () => Promise.reject(new Error('db1 did not become healthy')) }
    const r = await runScenario(scenario({ name: 'u', up: ['db1'], steps: [{ say: 'never' }] }), failing)
    expect(r.ok).toBe(false)
    expect(r.steps).toEqual([expect.objectContaining({ text: 'up db1', ok: false, detail: 'db1 did not become healthy' })])
  })

  it('an interrupted run skips the remaining steps but runs cleanup', async () => {
    const lab = fakeLab()
    const ac = new AbortController()
    const sc = scenario({ name: 'i', steps: [{ say: 'one' }, { say: 'two' }], cleanup: [{ say: 'restore' }] })
    const report = await runScenario(sc, lab, (r) => r.n === 1 && r.section === 'steps' && ac.abort(), ac.signal)
    expect(report.steps.map((s) => [s.section, s.n, s.ok])).toEqual([['steps', 1, true], ['steps', 2, null], ['cleanup', 1, true]])
    expect(report.ok).toBe(false)
  })
})
