// Record → scenario on the real engine, on the DB tier alone: actions are done by hand (db2's cable pulled, db1
// run hot, then idle and hot again: a hand-done inverse), the journal stretch is exported as a scenario, the lab is
// put back, and the exported file
// replays to the same probe outcomes; its result, compared with itself, shows no differences; an empty range is
// refused. Run alone: RACKLAB_TEST_LAB=it-je npx vitest run …
import { readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { racklab, until } from './helpers'

interface Entry {
  seq: number
  kind: string
  target?: string
  text: string
  labMs: number
  data?: { probe?: string; ok?: boolean; action?: string; startLabMs?: number }
}
const journal = async (since = 0): Promise<Entry[]> => JSON.parse((await racklab(['journal', '--since', String(since), '--json'])).stdout) as Entry[]

describe('journal export --as scenario', () => {
  beforeAll(async () => {
    await racklab(['down', '--volumes'])
    expect((await racklab(['up', '--only', 'db1,db2,db3'])).code).toBe(0)
  }, 900_000)
  afterAll(async () => {
    await racklab(['down', '--volumes'])
  }, 300_000)

  it('records two actions, exports them, and the replay holds the same probe results', async () => {
    // record from a measured lab: the export expects every probe's newest result, and db.checksum over
    // db1,db2,db3 (which failed while they booted) runs less often than the others
    await until('db.checksum ok in the journal since the lab came up', async () => {
      const j = await journal()
      const down = [...j].reverse().find((e) => e.kind === 'op' && /^down: /.test(e.text))?.seq ?? 0
      return [...j].reverse().find((e) => e.seq > down && e.kind === 'probe' && e.data?.probe === 'db.checksum')?.data?.ok === true
    }, 120_000, 2000)
    const before = (await journal()).at(-1)!.seq
    expect((await racklab(['act', 'cable:db2/int', 'unplug'])).code).toBe(0)
    // the monitor journals db2's replication failing: that is the outcome the export will expect
    await until('db.replication on db2 failing in the journal', async () => (await journal(before)).some((e) => e.kind === 'probe' && e.target === 'db2' && e.data?.probe === 'db.replication' && e.data.ok === false), 120_000, 2000)
    expect((await racklab(['act', 'server:db1', 'run-hot'])).code).toBe(0)
    // put back by hand (not undo), then again: both are steps, and only the second run-hot is cleaned up
    expect((await racklab(['act', 'server:db1', 'run-idle'])).code).toBe(0)
    expect((await racklab(['act', 'server:db1', 'run-hot'])).code).toBe(0)
    // each action's entry, written when it ends, says when it began: the export's waits are the idle gaps
    const acts = (await journal(before)).filter((e) => e.kind === 'action' && e.data?.action)
    expect(acts.length).toBe(4)
    for (const a of acts) expect(a.data!.startLabMs).toBeLessThanOrEqual(a.labMs)
    const end = (await journal()).at(-1)!.seq
    const exported = await racklab(['journal', 'export', '--since', String(before), '--until', String(end), '--as', 'scenario'])
    expect(exported.code, exported.stderr).toBe(0)
    const file = join(tmpdir(), `racklab-${process.pid}-incident.yaml`)
    writeFileSync(file, exported.stdout)
    console.log(exported.stdout)
    expect(exported.stdout).toMatch(/act: cable:db2\/int unplug/)
    expect(exported.stdout).toMatch(/act: server:db1 run-hot\n[^]*act: server:db1 run-idle\n[^]*act: server:db1 run-hot\n/)
    expect(exported.stdout).toMatch(/probe: db\.replication\n\s+target: db2\n\s+ok: false/)
    // a probe over several servers is expected too
    expect(exported.stdout).toMatch(/probe: db\.checksum\n\s+target: db1,db2,db3\n\s+ok: true/)
    // cleanup: the inverses, newest first, of what is still in effect (one run-idle: the first run-hot was put back)
    expect(exported.stdout).toMatch(/cleanup:\n\s+- act: server:db1 run-idle\n\s+optional: true\n\s+- act: cable:db2\/int plug\n\s+optional: true\n?$/)

    // an empty range is refused, naming it
    const empty = await racklab(['journal', 'export', '--since', String(end + 1000), '--as', 'scenario'])
    expect(empty.code).toBe(2)
    expect(empty.stderr).toMatch(/nothing to export/)

    // put the lab back (by hand: a bare undo would take the hand-done run-idle for a thing to undo), then replay
    expect((await racklab(['act', 'server:db1', 'run-idle'])).code).toBe(0)
    expect((await racklab(['act', 'cable:db2/int', 'plug'])).code).toBe(0)
    const result = join(tmpdir(), `racklab-${process.pid}-run.json`)
    const junit = join(tmpdir(), `racklab-${process.pid}-run.xml`)
    const replay = await racklab(['scenario', 'run', file, '--json', '--result', result, '--junit', junit])
    const report = JSON.parse(replay.stdout) as { ok: boolean; steps: { section: string; text: string; ok: boolean | null; detail?: string }[] }
    console.log(report.steps.map((s) => `${s.ok} ${s.section} ${s.text} — ${s.detail?.slice(0, 160)}`).join('\n'))
    expect(replay.code).toBe(0)
    expect(report.ok).toBe(true)
    expect(report.steps.some((s) => s.text.startsWith('expect db.replication on db2 fails'))).toBe(true)
    expect(JSON.parse(readFileSync(result, 'utf8'))).toMatchObject({ ok: true })
    expect(readFileSync(junit, 'utf8')).toMatch(/<testsuite name="incident-\d+-\d+" tests="\d+" failures="0"/)
  }, 1_200_000)
})
