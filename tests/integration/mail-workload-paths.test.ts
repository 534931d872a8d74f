// The mail workload's paths on the real lab: messages go in by mx1's own Postfix, by SMTP through the edge (the
// Internet's way, to the domain's MX records) and by the webmail (log in from the edge, through a frontend and a web
// server, send). Both web servers are stopped for a while in the middle: the history report must name the webmail
// path as the one that broke (its sends refused by the frontend, with the reason) while the SMTP paths carry on, and
// every accepted message — webmail ones found by the Message-ID the webmail gave — must be stored once. Only the
// servers those paths need come up (the edge depends on both frontends, MXs and name servers; fe on both webs).
// Run alone: RACKLAB_TEST_LAB=it-wp npx vitest run …
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { racklab } from './helpers'

const SCENARIO = `name: workload-paths
description: mail by three paths while both web servers are stopped for 45 s
steps:
  - sleep: 30s
  - act: server:web1 stop
  - act: server:web2 stop
  - sleep: 45s
  - act: server:web1 start
  - act: server:web2 start
  - expect: { probe: web.login, target: web1, ok: true }
    within: 3m
  - sleep: 20s
cleanup:
  - act: server:web1 start
    optional: true
  - act: server:web2 start
    optional: true
# the webmail twice: it is drawn half the time, so the outage sees some of its sends on a slow host too
workload: { via: [mx1, edge, "webmail:edge", "webmail:edge"], to: [alice@fastmail.test, bob@fastmail.test], seed: 16, every: 1s, stores: [imap1], settle: 120s }
expect:
  mail: { lost: 0, duplicated: 0, misrouted: 0, altered: 0 }
`

interface Report {
  ok: boolean
  steps: { section: string; text: string; ok: boolean | null; detail?: string; values?: Record<string, number> }[]
}

describe('mail workload paths', () => {
  const only = ['--only', 'db1,imap1,mx1,web1,fe1,ns1,edge']
  beforeAll(async () => {
    await racklab(['down', '--volumes'])
    // a second up waits for what the first left booting (mx1's clamd can be slow on a busy host)
    if ((await racklab(['up', ...only])).code !== 0) expect((await racklab(['up', ...only])).code).toBe(0)
  }, 1_200_000)
  afterAll(async () => {
    await racklab(['down', '--volumes'])
  }, 300_000)

  it('the report names the webmail path as the one that broke while the web servers were down; nothing accepted is lost', async () => {
    const file = join(tmpdir(), `racklab-${process.pid}-workload-paths.yaml`)
    writeFileSync(file, SCENARIO)
    const run = await racklab(['scenario', 'run', file, '--json'])
    const report = JSON.parse(run.stdout) as Report
    console.log(report.steps.map((s) => `${s.ok} ${s.section} ${s.text} — ${s.detail}`).join('\n'))
    const history = report.steps.find((s) => s.section === 'history')!
    const v = history.values!
    expect({ lost: v.lost, duplicated: v.duplicated, misrouted: v.misrouted, altered: v.altered, unreadable: v.unreadable }).toEqual({ lost: 0, duplicated: 0, misrouted: 0, altered: 0, unreadable: 0 })
    const line = (path: RegExp): RegExpMatchArray | null => history.detail!.match(new RegExp(`\\nvia ${path.source}: (\\d+) sent, (\\d+) accepted, (\\d+) refused, (\\d+) lost(.*)`))
    // the SMTP paths: every send accepted
    for (const p of [/mx1/, /edge/]) {
      const m = line(p)
      expect(m, `a line for ${p.source}`).not.toBeNull()
      expect(Number(m![2])).toBeGreaterThanOrEqual(1)
      expect(m![3]).toBe('0')
    }
    // the webmail went through a frontend and a web server and was stored (the Message-ID it gave was found) …
    const web = line(/webmail:edge \(fe[12] → web[12]\)/)
    expect(web, 'a webmail line through feN → webN').not.toBeNull()
    expect(Number(web![2])).toBeGreaterThanOrEqual(1)
    // … and while no web server ran its sends were refused by the frontend (no web server answered), with the reason
    expect(history.detail, 'a webmail line with refusals').toMatch(/\nvia webmail:edge \(fe[12] → \?\): \d+ sent, 0 accepted, [1-9]\d* refused, 0 lost \(last refusal: not sent: (login|compose|send): HTTP 5\d\d/)
    expect(history.ok).toBe(true)
    expect(report.ok).toBe(true)
    expect(run.code).toBe(0)
  }, 1_500_000)
})
