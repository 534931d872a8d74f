// Postfix's queue survives `racklab down` and `up` (issue #15: a faster down must not cost mail). Mail accepted
// by mx1 while its store is stopped waits in the deferred queue; the lab goes down (data volumes kept, the spool
// is one of them) and up again; every message is then delivered, exactly once. Servers: db1, imap1, mx1.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDockerGateway } from '../../main/engine/docker/gateway'
import { containerName } from '../../main/engine/lab/naming'
import { lastSmtpReply } from '../../main/engine/probes/mail'
import { control, healthy, queue } from './lab-driver'
import { racklab, TEST_LAB, until } from './helpers'

const gw = createDockerGateway()
const SERVERS = 'db1,imap1,mx1'
const run = async (server: string, cmd: string[]): Promise<string> => {
  const r = await gw.exec(containerName(TEST_LAB, server), cmd, { timeoutMs: 60_000 })
  if (r.exitCode !== 0) throw new Error(`${server}: ${cmd.join(' ')} exited ${r.exitCode}: ${r.stderr || r.stdout}`)
  return r.stdout
}
async function send(test: string): Promise<string> {
  const data = ['From: <sender@example.test>', 'To: <alice@fastmail.test>', `Subject: ${test}`, `Message-ID: <${test}@example.test>`, `X-Racklab-Test: ${test}`, '', `test ${test}`, ''].join('\n')
  const r = await gw.exec(containerName(TEST_LAB, 'mx1'), ['swaks', '--server', '127.0.0.1', '--to', 'alice@fastmail.test', '--from', 'sender@example.test', '--timeout', '30', '--data', data], { timeoutMs: 60_000 })
  return lastSmtpReply(r.stdout) ?? r.stderr
}
const find = async (value: string): Promise<{ messageId: string }[]> =>
  (JSON.parse(await run('imap1', ['racklab-mail-find', '--user', 'alice', '--header', 'X-Racklab-Test', '--value', value])) as { messages: { messageId: string }[] }).messages

describe("Postfix's queue across down and up", () => {
  beforeAll(async () => {
    await racklab(['down', '--volumes'])
    const up = await racklab(['up', '--only', SERVERS])
    if (up.code !== 0) throw new Error(`up failed: ${up.stderr}`)
  }, 900_000)
  afterAll(async () => {
    await racklab(['down', '--volumes'])
  }, 300_000)

  it('mail queued for a stopped store is delivered, once each, after the lab went down and came up', async () => {
    await control('imap1', 'stop')
    const t = `queued-${randomBytes(4).toString('hex')}`
    for (let i = 0; i < 3; i++) expect(await send(`${t}-${i}`)).toMatch(/^250 /)
    await until('3 deferred messages on mx1', async () => ((await queue()).deferred >= 3 ? true : undefined), 120_000, 1000)

    const down = await racklab(['down'])
    expect(down.code, down.stderr).toBe(0)
    const up = await racklab(['up', '--only', SERVERS])
    expect(up.code, up.stderr).toBe(0)
    await healthy('imap1')
    // the queue files came back with the spool volume: flush rather than wait for Postfix's backoff
    await run('mx1', ['postqueue', '-f'])
    const got = await until('the 3 messages on imap1', async () => {
      const f = await find(t)
      return f.length >= 3 ? f : undefined
    }, 120_000, 1000)
    const ids = got.map((m) => m.messageId).sort()
    expect(ids).toEqual([...new Set(ids)])
    expect(ids).toHaveLength(3)
  }, 600_000)
})
