// A scenario with a workload, on a stand-in lab whose MX and stores are scripted: mail is sent while the steps
// run, the stores are read after cleanup, and the history step fails the run when an accepted message is
// missing — and passes when every one is there.
import { createHash } from 'node:crypto'
import type { ProbeResult, ServerStatus } from '@contract/status'
import { describe, expect, it } from 'vitest'
import type { ExecResult } from '../docker/types'
import { runScenario, type ScenarioDeps } from './runner'
import { ScenarioSchema } from './schema'

const sha1 = (s: string): string => createHash('sha1').update(s).digest('hex')

/** MX accepts every message; a store holds every delivered one except those `drop` names */
function mailLab(drop: (n: number) => boolean): ScenarioDeps & { sends: number } {
  let clock = 0
  const delivered: { n: number; user: string; id: string; body: string }[] = []
  const ok = (stdout: string): ExecResult => ({ exitCode: 0, stdout, stderr: '' })
  const lab = {
    sends: 0,
    up: async () => {},
    act: async () => 'done',
    servers: async (): Promise<ServerStatus[]> => [],
    probe: async (): Promise<ProbeResult[]> => [],
    note: () => {},
    sleep: async (ms: number) => {
      clock += ms
      await new Promise((r) => setImmediate(r))
    },
    now: () => clock,
    async exec(server: string, cmd: string[]): Promise<ExecResult> {
      if (cmd[0] === 'swaks') {
        const data = cmd[cmd.indexOf('--data') + 1]!
        const id = /^Message-ID: <(.+)>$/m.exec(data)![1]!
        const n = ++lab.sends
        if (!drop(n)) delivered.push({ n, user: cmd[cmd.indexOf('--to') + 1]!.split('@')[0]!, id: `<${id}>`, body: data.split('\n\n').slice(1).join('\n\n').replace(/\n+$/, '') })
        return ok(`<-  250 2.0.0 Ok: queued as ${n}\n<-  221 bye\n`)
      }
      if (cmd[0] === 'perl') return ok(delivered.map((m) => `${sha1(`file ${m.id}`)}\t${sha1(m.body)}\t${(1000 + m.n) / 1}.000\n`).join(''))
      if (cmd[0] === 'racklab-mail-find') {
        const user = cmd[cmd.indexOf('--user') + 1]!
        return ok(JSON.stringify({ messages: delivered.filter((m) => m.user === user).map((m) => ({ mailbox: 'INBOX', uid: m.n, guid: sha1(`file ${m.id}`), messageId: m.id })) }))
      }
      throw new Error(`unexpected exec on ${server}: ${cmd.join(' ')}`)
    },
  }
  return lab
}

const scenario = ScenarioSchema.parse({
  name: 'under-load',
  steps: Array.from({ length: 8 }, () => ({ sleep: '1s' })),
  workload: { via: ['mx1'], to: ['alice@fastmail.test', 'bob@fastmail.test'], seed: 3, every: '2s', stores: ['imap1', 'imap2'], settle: '10s' },
  expect: { mail: { lost: 0, duplicated: 0 } },
})

describe('a scenario with a workload', () => {
  it('passes when every accepted message is on both stores, with the counts as values', async () => {
    const lab = mailLab(() => false)
    const r = await runScenario(scenario, lab)
    const h = r.steps.find((s) => s.section === 'history')!
    expect(h.ok).toBe(true)
    expect(lab.sends).toBeGreaterThanOrEqual(3)
    expect(h.values).toMatchObject({ sent: lab.sends, accepted: lab.sends, lost: 0, duplicated: 0, replicaDiffers: 0, altered: 0 })
    expect(r.ok).toBe(true)
  })

  it('fails the run naming the lost message when one accepted message is never stored', async () => {
    const lab = mailLab((n) => n === 2)
    const r = await runScenario(scenario, lab)
    const h = r.steps.find((s) => s.section === 'history')!
    expect(h.ok).toBe(false)
    expect(h.values?.lost).toBe(1)
    expect(h.detail).toMatch(/^lost 1, expected 0 — .*\nlost: <wl\.3-[0-9a-z]+\.2@fastmail\.test>/)
    expect(r.ok).toBe(false)
  })
})
