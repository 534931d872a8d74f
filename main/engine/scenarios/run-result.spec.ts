// Run results: state changes land on the step that caused them, a stored run is compared step by step with
// a tolerance on time, and JUnit XML has one testcase per step.
import type { JournalEntry, ScenarioStepResult } from '@contract/status'
import { describe, expect, it } from 'vitest'
import { attachChanges, compareRuns, describeDifferences, toJunit, type RunResult } from './run-result'

let seq = 0
const j = (kind: JournalEntry['kind'], text: string, target?: string): JournalEntry => ({ seq: ++seq, at: '', labMs: 0, kind, text, ...(target ? { target } : {}) })
const step = (section: ScenarioStepResult['section'], n: number, text: string, ok: boolean | null, ms: number, detail?: string): ScenarioStepResult => ({ section, n, text, ok, ms, ...(detail ? { detail } : {}) })

const run = (over: Partial<RunResult> = {}): RunResult => ({
  name: 'pull',
  file: 'pull.yaml',
  ok: true,
  at: '2026-11-30T18:00:00Z',
  ms: 20_000,
  steps: [
    { ...step('steps', 1, 'act cable:db2/int unplug', true, 300, 'unplugged'), changes: ['db2 lost its int link'] },
    { ...step('steps', 2, 'expect db.replication on db2 fails within 30s', true, 10_000, 'db2: FAILED — 12 s behind'), changes: [] },
    { ...step('cleanup', 1, 'act cable:db2/int plug', true, 200, 'plugged'), changes: ['db2 has its int link'] },
  ],
  ...over,
})

describe('attachChanges', () => {
  it('gives each step the state changes journaled before its end line, and none of the probe lines', () => {
    const journal = [
      j('op', 'scenario pull: started', 'scenario'),
      j('state', 'db2 lost its int link'),
      j('action', 'unplug cable:db2/int'),
      j('op', 'scenario pull: 1. act cable:db2/int unplug — ok: unplugged', 'scenario'),
      j('probe', 'db.replication FAILED'),
      j('op', 'scenario pull: 2. expect … — ok', 'scenario'),
      j('state', 'db2 has its int link'),
      j('op', 'scenario pull: cleanup 1. act cable:db2/int plug — ok', 'scenario'),
      j('state', 'after the run'),
    ]
    const steps = run().steps.map(({ changes: _, ...s }) => s)
    expect(attachChanges('pull', steps, journal).map((s) => s.changes)).toEqual([['db2 lost its int link'], [], ['db2 has its int link']])
  })
})

describe('compareRuns', () => {
  it('the same story with other numbers and times within tolerance is the same', () => {
    const now = run()
    now.steps[1] = { ...now.steps[1]!, ms: 13_000, detail: 'db2: FAILED — 17 s behind' }
    expect(compareRuns(run(), now)).toEqual([])
    expect(describeDifferences([])).toMatch(/^same outcome/)
  })

  it('reports outcome, what was seen, state changes, timing beyond tolerance, values, and missing or extra steps', () => {
    const now = run()
    now.steps[0] = { ...now.steps[0]!, ms: 9000 }
    now.steps[1] = { ...now.steps[1]!, ok: false, detail: 'still not so after 30s: db2: ok' }
    now.steps[2] = { ...now.steps[2]!, changes: [], detail: 'refused' }
    now.steps.push({ ...step('history', 1, 'mail history', true, 1000), values: { lost: 1, latencyP50Ms: 3 }, changes: [] })
    const was = run()
    was.steps.push({ ...step('history', 1, 'mail history', true, 1000), values: { lost: 0, latencyP50Ms: 9 }, changes: [] })
    was.steps.push({ ...step('history', 2, 'gone', true, 0), changes: [] })
    now.steps.push({ ...step('history', 3, 'new', true, 0), changes: [] })
    const d = compareRuns(was, now)
    expect(d.map((x) => [x.step, x.what, x.was, x.now])).toEqual([
      ['1. act cable:db2/int unplug', 'timing', '0.3 s', '9.0 s'],
      ['2. expect db.replication on db2 fails within 30s', 'outcome', 'ok', 'failed'],
      ['cleanup 1. act cable:db2/int plug', 'seen', 'plugged', 'refused'],
      ['cleanup 1. act cable:db2/int plug', 'changes', 'db2 has its int link', '(none)'],
      ['history 1. mail history', 'values', 'lost 0', 'lost 1'],
      ['history 2. gone', 'missing', 'ok', 'not in this run'],
      ['history 3. new', 'extra', 'not in the stored run', 'ok'],
    ])
    expect(describeDifferences(d)).toMatch(/^7 differences from the stored run:\n {2}1\. act/)
  })
})

describe('toJunit', () => {
  it('one testcase per step: failures with their detail, skipped for not run, escaped', () => {
    const r = run({ ok: false })
    r.steps[1] = { ...r.steps[1]!, ok: false, detail: 'db2 <ok> & "fine"' }
    r.steps[2] = { ...r.steps[2]!, ok: null }
    const x = toJunit(r)
    expect(x).toContain('<testsuite name="pull" tests="3" failures="1" skipped="1" time="20.000" timestamp="2026-11-30T18:00:00Z">')
    expect(x).toContain('<testcase classname="scenario.pull.steps" name="1. act cable:db2/int unplug" time="0.300">\n      <system-out>unplugged\nstate: db2 lost its int link</system-out>')
    expect(x).toContain('<failure message="db2 &lt;ok&gt; &amp; &quot;fine&quot;">db2 &lt;ok&gt; &amp; &quot;fine&quot;</failure>')
    expect(x).toContain('<skipped message="not run: an earlier step failed"/>')
  })
})
