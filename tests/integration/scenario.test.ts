// `racklab scenario` on the real lab: the bundled db2-cable-pull scenario runs headless from a fresh DB tier
// and passes; a scenario whose expectation can't hold fails with what was seen, and its cleanup still runs;
// a broken file is refused before anything runs. Run alone: RACKLAB_TEST_LAB=it-sc npx vitest run …
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ScenarioReport } from '../../main/engine/scenarios/runner'
import { racklab, ROOT } from './helpers'
import { failedSteps, runShippedScenario, sql } from './lab-driver'

const file = (name: string, text: string): string => {
  const f = join(tmpdir(), `racklab-${process.pid}-${name}.yaml`)
  writeFileSync(f, text)
  return f
}

describe('racklab scenario on the real engine', () => {
  beforeAll(async () => {
    await racklab(['down', '--volumes'])
  }, 300_000)
  afterAll(async () => {
    await racklab(['down', '--volumes'])
  }, 300_000)

  it('db2-cable-pull: brings the DB tier up, pulls the cable, sees db2 fall behind and catch up, passes', async () => {
    // the journal outlives `down` (other test files ran their own scenarios in this lab): read only what follows
    const seqs = (JSON.parse((await racklab(['journal', '--json'])).stdout) as { seq: number }[]).map((e) => e.seq)
    const before = Math.max(0, ...seqs)
    const { code, report } = await runShippedScenario('db2-cable-pull')
    expect(code, failedSteps(report)).toBe(0)
    expect(report).toMatchObject({ name: 'db2-cable-pull', ok: true })
    expect(report.steps.filter((s) => s.section === 'steps').every((s) => s.ok)).toBe(true)
    expect(report.steps.find((s) => s.text === 'act cable:db2/int unplug')?.detail).toMatch(/unplug/)
    // cleanup: the cable was plugged already (refused, fine) and the test row is gone on every server
    expect(report.steps.find((s) => s.section === 'cleanup' && s.n === 1)?.detail).toMatch(/^refused, and that is fine here/)
    for (const db of ['db1', 'db2', 'db3']) expect(await sql(db, "SELECT COUNT(*) FROM address_book WHERE email = 'cable-pull@fastmail.test'")).toBe('0')
    // the journal keeps every step, next to the actions they made
    const journal = (JSON.parse((await racklab(['journal', '--json'])).stdout) as { seq: number; kind: string; target?: string; text: string }[]).filter((e) => e.seq > before)
    const lines = journal.filter((e) => e.target === 'scenario').map((e) => e.text)
    expect(lines[0]).toMatch(/^scenario db2-cable-pull: started/)
    expect(lines).toContain('scenario db2-cable-pull: 3. Pulling db2\'s cable to the internal switch (db2 keeps its WAN link). — ok')
    expect(lines.at(-1)).toMatch(/^scenario db2-cable-pull: passed in \d+\.\d s$/)
    expect(journal.some((e) => e.kind === 'action' && e.target === 'cable:db2/int' && /^unplug /.test(e.text))).toBe(true)
  })

  it('imap1-outage: power lost on the Cyrus master, mail queues, promote drains it onto imap2, power back and fail back', async () => {
    const { code, report } = await runShippedScenario('imap1-outage')
    expect(code, failedSteps(report)).toBe(0)
    expect(report.ok).toBe(true)
    expect(report.steps.find((s) => /waits in mx1's queue/.test(s.text))?.detail).toMatch(/mx1: FAILED — mx1: \d+ queued \([1-9]\d* deferred/)
    expect(report.steps.find((s) => s.text === 'both copies agree message by message')?.detail).toMatch(/ok/)
  })

  it('a step that does not hold fails the run with what was seen (exit 1); the rest is skipped and cleanup runs', async () => {
    const f = file('fails', [
      'name: db2-never-stops',
      'steps:',
      '  - act: server:db2 power-off',
      '  - expect: { server: db2, state: running }',
      '    within: 2s',
      '  - say: never said',
      'cleanup:',
      '  - act: server:db2 power-on',
      '    optional: true',
      '  - expect: { server: db2, health: healthy }',
      '    within: 120s',
      '',
    ].join('\n'))
    const r = await racklab(['scenario', 'run', f, '--json'])
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout) as ScenarioReport
    expect(report.ok).toBe(false)
    expect(report.steps.map((s) => [s.section, s.n, s.ok])).toEqual([['steps', 1, true], ['steps', 2, false], ['steps', 3, null], ['cleanup', 1, true], ['cleanup', 2, true]])
    expect(report.steps[1]!.detail).toMatch(/^still not so after 2s: db2 is (stopped|powered-off)/)
  })

  it('a broken file is refused with file:line:column before anything runs (exit 2)', async () => {
    const f = file('broken', 'name: broken\nsteps:\n  - act: server:db9 power-off\n  - expect: { probe: db.replikation }\n')
    const r = await racklab(['scenario', 'check', f])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`${f}:3:10: steps[0].act: no server "db9"`)
    expect(r.stderr).toContain(`${f}:4:22: steps[1].expect.probe: no probe "db.replikation"`)
    const ok = await racklab(['scenario', 'check', join(ROOT, 'resources/scenarios/imap1-outage.yaml')])
    expect(ok.code).toBe(0)
    expect(ok.stderr + ok.stdout).toMatch(/scenario imap1-outage is valid \(\d+ steps/)
  })
})
