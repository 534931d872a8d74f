// A scenario with a workload, on a stand-in lab whose MX, webmail and stores are scripted: mail is sent while the
// steps run, the stores are read after cleanup, and the history step fails the run when an accepted message is
// missing — and passes when every one is there; the report says, path by path, what was sent and what broke.
import { createHash } from 'node:crypto'
import type { ProbeResult, ServerStatus } from '@contract/status'
import { describe, expect, it } from 'vitest'
import type { ExecResult } from '../docker/types'
import { runScenario, type ScenarioDeps } from './runner'
import { ScenarioSchema } from './schema'

const sha1 = (s: string): string => createHash('sha1').update(s).digest('hex')

/** MX accepts every message; a store holds every delivered one except those `drop` names. The webmail (a perl
 *  script run on the edge) logs in with the topology's password and answers as `webmail` says: sent through
 *  fe1 → web2, or refused at login by a frontend whose web servers are gone. */
function mailLab(drop: (n: number, path: 'smtp' | 'webmail') => boolean, webmail: 'up' | 'down' = 'up'): ScenarioDeps & { sends: number; webSends: number } {
  let clock = 0
  const delivered: { n: number; user: string; id: string; subject: string; body: string }[] = []
  const ok = (stdout: string): ExecResult => ({ exitCode: 0, stdout, stderr: '' })
  const lab = {
    sends: 0,
    webSends: 0,
    password: (user: string) => (user === 'alice' || user === 'bob' ? `${user}-pw` : undefined),
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
        const subject = /^Subject: (.+)$/m.exec(data)![1]!
        if (!drop(n, 'smtp')) delivered.push({ n, user: cmd[cmd.indexOf('--to') + 1]!.split('@')[0]!, id: `<${id}>`, subject, body: data.split('\n\n').slice(1).join('\n\n').replace(/\n+$/, '') })
        return ok(`<-  250 2.0.0 Ok: queued as ${n}\n<-  221 bye\n`)
      }
      if (server === 'edge' && cmd[0] === 'perl') {
        const [domain, user, password, to, subject, body] = cmd.slice(3)
        expect([domain, password, to]).toEqual(['fastmail.test', `${user}-pw`, `${user}@fastmail.test`])
        lab.webSends++
        if (webmail === 'down') return ok(JSON.stringify({ sent: false, frontend: 'fe1', status: 502, error: 'login: HTTP 502 Bad Gateway' }))
        const n = ++lab.sends
        // the webmail gives the message its own Message-ID, and says it
        const id = `<web.${n}@fastmail.test>`
        if (!drop(n, 'webmail')) delivered.push({ n, user: user!, id, subject: subject!, body: body!.replace(/\n+$/, '') })
        return ok(JSON.stringify({ sent: true, messageId: id, frontend: 'fe1', backend: 'web2', status: 303 }))
      }
      if (cmd[0] === 'perl') return ok(delivered.map((m) => `${sha1(`file ${m.id}`)}\t${sha1(m.body)}\t${(1000 + m.n) / 1}.000\n`).join(''))
      if (cmd[0] === 'racklab-mail-find') {
        const user = cmd[cmd.indexOf('--user') + 1]!
        // searched by the run's tag in the Subject (the webmail's Message-IDs are its own), as Cyrus does: a word
        expect(cmd.slice(cmd.indexOf('--header'), cmd.indexOf('--header') + 2)).toEqual(['--header', 'Subject'])
        const word = cmd[cmd.indexOf('--value') + 1]!
        expect(word).not.toMatch(/\s/)
        return ok(JSON.stringify({ messages: delivered.filter((m) => m.user === user && m.subject.includes(word)).map((m) => ({ mailbox: 'INBOX', uid: m.n, guid: sha1(`file ${m.id}`), messageId: m.id, subject: m.subject })) }))
      }
      throw new Error(`unexpected exec on ${server}: ${cmd.join(' ')}`)
    },
  }
  return lab
}

const raw = {
  name: 'under-load',
  steps: Array.from({ length: 8 }, () => ({ sleep: '1s' })),
  workload: { via: ['mx1'], to: ['alice@fastmail.test', 'bob@fastmail.test'], seed: 3, every: '2s', stores: ['imap1', 'imap2'], settle: '10s' },
  expect: { mail: { lost: 0, duplicated: 0 } },
}
const scenario = ScenarioSchema.parse(raw)

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

  const both = ScenarioSchema.parse({ ...raw, workload: { ...raw.workload, via: ['mx1', 'webmail:edge'], seed: 5 } })

  it('sends through the webmail too, finds its mail by the Message-ID the webmail gave, and counts each path', async () => {
    const lab = mailLab(() => false)
    const r = await runScenario(both, lab)
    const h = r.steps.find((s) => s.section === 'history')!
    expect(lab.webSends).toBeGreaterThanOrEqual(1)
    expect(h.values).toMatchObject({ sent: lab.sends, accepted: lab.sends, lost: 0, altered: 0, replicaDiffers: 0 })
    expect(h.detail).toMatch(/\nvia mx1: \d+ sent, \d+ accepted, 0 refused, 0 lost/)
    expect(h.detail).toContain(`\nvia webmail:edge (fe1 → web2): ${lab.webSends} sent, ${lab.webSends} accepted, 0 refused, 0 lost`)
    expect(h.ok).toBe(true)
  })

  it('a broken webmail path is named: its sends refused with the reason, the MX path unharmed', async () => {
    const lab = mailLab(() => false, 'down')
    const r = await runScenario(both, lab)
    const h = r.steps.find((s) => s.section === 'history')!
    expect(lab.webSends).toBeGreaterThanOrEqual(1)
    expect(h.detail).toContain(`\nvia webmail:edge (fe1 → ?): ${lab.webSends} sent, 0 accepted, ${lab.webSends} refused, 0 lost (last refusal: not sent: login: HTTP 502 Bad Gateway)`)
    expect(h.detail).toMatch(/\nvia mx1: [1-9]\d* sent, [1-9]\d* accepted, 0 refused, 0 lost/)
    // refused is not lost: the sender was told
    expect(h.values).toMatchObject({ lost: 0, refused: lab.webSends })
  })

  it('an accepted webmail message that never reaches a store is lost, on its path', async () => {
    // the first webmail send never reaches a store
    let dropped = false
    const lab = mailLab((_n, path) => path === 'webmail' && !dropped && (dropped = true))
    const r = await runScenario(both, lab)
    const h = r.steps.find((s) => s.section === 'history')!
    expect(h.values?.lost).toBe(1)
    expect(h.detail).toMatch(/\nlost: <web\.\d+@fastmail\.test>/)
    expect(h.detail).toMatch(/\nvia webmail:edge \(fe1 → web2\): \d+ sent, \d+ accepted, 0 refused, 1 lost/)
    expect(h.detail).toMatch(/\nvia mx1: .* 0 lost/)
  })
})
