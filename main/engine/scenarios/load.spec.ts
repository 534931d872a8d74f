import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Topology } from '@contract/topology'
import { loadTopology, resourcesDir } from '../topology/loader'
import { loadScenario, parseScenario } from './load'

let nyi: Topology
beforeAll(async () => {
  nyi = (await loadTopology()).topology
})

const problems = (text: string): string[] => {
  try {
    parseScenario(text, 'broken.yaml', nyi)
  } catch (e) {
    expect((e as { code: string }).code).toBe('SCENARIO_INVALID')
    return ((e as { detail: { errors: { text: string }[] } }).detail.errors).map((p) => p.text)
  }
  throw new Error('no problem found')
}

describe('scenario files', () => {
  it('every bundled scenario is valid against nyi-2007', async () => {
    const dir = join(resourcesDir(), 'scenarios')
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'))
    expect(files.length).toBeGreaterThanOrEqual(2)
    for (const f of files) expect((await loadScenario(join(dir, f), nyi)).steps.length, f).toBeGreaterThan(0)
  })

  it('turns durations into milliseconds and keeps cleanup', () => {
    const s = parseScenario('name: x\nsteps:\n  - sleep: 1.5s\n  - expect: { server: db1, state: running }\n    within: 2m\n  - sleep: 250ms\ncleanup:\n  - act: cable:db2/int plug\n    optional: true\n', 'x.yaml', nyi)
    expect(s.steps.map((x) => x.sleep ?? x.within)).toEqual([1500, 120_000, 250])
    expect(s.cleanup).toEqual([{ act: 'cable:db2/int plug', optional: true }])
  })

  it('names every problem of the shape with file:line:column and field, all at once', () => {
    const text = [
      'name: Bad Name', // 1
      'up: [db1, db9]', // 2: names are checked once the shape is right (next test)
      'steps:', // 3
      '  - act: server:db1 power-off', // 4
      '    sleep: 5s', // 5
      '  - sleep: 5s', // 6
      '    within: 10s', // 7
      '  - sleep: 5 minutes', // 8
      '  - exec: { server: db1, cmd: [true] }', // 9
      '  - sleep: 1s', // 10
      '    optional: true', // 11
      '  - act: justoneword', // 12
      '  - expect: { server: db1 }', // 13
      '  - wait: 5s', // 14
      '',
    ].join('\n')
    expect(problems(text)).toEqual([
      'broken.yaml:1:7: name: expected lowercase letters, digits and "-", starting with a letter, got "Bad Name"',
      'broken.yaml:4:5: steps[0]: one step does one thing: act and sleep need a step each',
      'broken.yaml:7:13: steps[1].within: within goes with expect or exec',
      'broken.yaml:8:12: steps[2].sleep: expected a duration like 500ms, 30s or 2m, got "5 minutes"',
      'broken.yaml:9:32: steps[3].exec.cmd[0]: expected a string, got true',
      'broken.yaml:11:15: steps[4].optional: optional goes with act',
      'broken.yaml:12:10: steps[5].act: expected TARGET ACTION [name=value…], e.g. "cable:db2/int unplug", got "justoneword"',
      'broken.yaml:13:13: steps[6].expect: say what the server should be: state (e.g. running) or health (e.g. healthy)',
      'broken.yaml:14:5: steps[7]: a step needs one of: act, expect, sleep, exec, say',
      expect.stringMatching(/^broken\.yaml:14:5: steps\[7\]\.wait: unknown field "wait"/),
    ])
  })

  it('checks probe ids and server names once the shape is right', () => {
    const found = problems('name: refs\nup: [db1, db9]\nsteps:\n  - expect: { probe: db.replikation }\n  - expect: { server: nope, state: running }\n  - act: server:db7 power-off\n  - act: Circuit nyi-1-a\n  - exec: { server: db1, cmd: [x], output: "(" }\n')
    expect(found).toEqual([
      expect.stringMatching(/^broken\.yaml:2:11: up\[1\]: no server "db9" in topology nyi-2007 \(servers: fe1, web1, mx1, db1/),
      expect.stringMatching(/^broken\.yaml:4:22: steps\[0\]\.expect\.probe: no probe "db\.replikation" \(probes: db\.ping, db\.replication/),
      expect.stringMatching(/^broken\.yaml:5:23: steps\[1\]\.expect\.server: no server "nope" in topology nyi-2007/),
      expect.stringMatching(/^broken\.yaml:6:10: steps\[2\]\.act: no server "db7"/),
      expect.stringMatching(/^broken\.yaml:7:10: steps\[3\]\.act: "Circuit" is not a target like server:db1/),
      expect.stringMatching(/^broken\.yaml:8:44: steps\[4\]\.exec\.output: not a regular expression/),
    ])
  })

  it('a workload path is a server or webmail:SERVER, and the webmail logs in only as the topology\'s users', () => {
    const w = (via: string, to = 'alice@fastmail.test'): string => `name: w\nsteps:\n  - sleep: 1s\nworkload: { via: [mx1, ${via}], to: [${to}], stores: [imap1] }\n`
    expect(parseScenario(w('webmail:edge'), 'ok.yaml', nyi).workload?.via).toEqual(['mx1', 'webmail:edge'])
    expect(problems(w('webmail:edge9'))).toEqual([expect.stringMatching(/workload\.via\[1\]: no server "edge9" in topology nyi-2007/)])
    expect(problems(w('webmail:edge', 'zed@fastmail.test'))).toEqual([expect.stringMatching(/workload\.via\[1\]: webmail:edge logs in as each recipient, and zed@fastmail\.test is not a user of topology nyi-2007 \(users: alice, bob/)])
    expect(problems(w('web mail'))).toEqual([expect.stringMatching(/workload\.via\[1\]: expected a server id \(mx1, edge\) or webmail:SERVER \(webmail:edge\), got "web mail"/)])
  })

  it('a missing file says so', async () => {
    await expect(loadScenario('/nonexistent/x.yaml', nyi)).rejects.toMatchObject({ code: 'SCENARIO_INVALID', message: 'cannot read scenario /nonexistent/x.yaml: no such file' })
  })

  it('refuses a file over 1 MiB before parsing it, naming the file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'racklab-scn-')), 'huge.yaml')
    writeFileSync(file, `name: huge\nsteps:\n${'  - say: padding padding padding\n'.repeat(40_000)}`)
    await expect(loadScenario(file, nyi)).rejects.toMatchObject({ code: 'SCENARIO_INVALID', message: `cannot read scenario ${file}: it is larger than the 1 MiB limit` })
  })
})
