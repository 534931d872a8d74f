// The mail probes' parsing and decisions, over transcripts captured from the real images (swaks against the
// lab MX, postqueue -j, racklab-mail-consistency, racklab-mail-find).
import { describe, expect, it } from 'vitest'
import type { ExecResult } from '../docker/types'
import { countQueue, EICAR, GTUBE, lastSmtpReply, parseSpamcScore, probeDelivery, probeQueue, probeReplication, probeSmtpAccepts, probeSpamTagged, probeVirusRefused, smtpReplyTo, type Exec } from './mail'

const SWAKS_OK = `=== Trying 127.0.0.1:25...
=== Connected to 127.0.0.1.
<-  220 mx1.fastmail.test ESMTP Postfix (Racklab)
 -> EHLO mx1
<-  250-mx1.fastmail.test
<-  250 CHUNKING
 -> MAIL FROM:<probe@fastmail.test>
<-  250 2.1.0 Ok
 -> RCPT TO:<alice@fastmail.test>
<-  250 2.1.5 Ok
 -> QUIT
<-  221 2.0.0 Bye
=== Connection closed with remote host.
`
const SWAKS_UNKNOWN = ` -> RCPT TO:<nobody@fastmail.test>
<** 550 5.1.1 <nobody@fastmail.test>: Recipient address rejected: User unknown in virtual mailbox table
 -> QUIT
<-  221 2.0.0 Bye
`
const DEFERRED = '{"queue_name": "deferred", "queue_id": "83CD61802AC", "arrival_time": 1795891933, "message_size": 335, "forced_expire": false, "sender": "s@example.test", "recipients": [{"address": "alice@fastmail.test", "delay_reason": "host mx1.fastmail.test[/var/run/lmtpforward/lmtp.sock] said: 451 4.4.1 store imap1 (10.231.0.51) unreachable: connect: timeout (in reply to end of DATA command)"}]}'
const ACTIVE = '{"queue_name": "active", "queue_id": "95FCF180203", "arrival_time": 1795891914, "message_size": 300, "forced_expire": false, "sender": "s@example.test", "recipients": [{"address": "bob@fastmail.test"}]}'
const CONSISTENT = '{"differenceCount":0,"differences":[],"elapsedMs":32,"lagSeconds":0,"mailboxes":4,"master":"imap1","messages":{"master":9,"replica":9},"ok":true,"replica":"10.231.0.52","syncClientRunning":true,"syncLogPending":0,"users":2}'
const DIVERGED = '{"differenceCount":1,"differences":[{"copies":1,"guid":"86bf55682305ff51c3e9c96b005b940ac5a937cf","mailbox":"INBOX","on":"master","user":"alice"}],"elapsedMs":3012,"lagSeconds":42.5,"mailboxes":4,"master":"imap1","messages":{"master":9,"replica":8},"ok":false,"replica":"10.231.0.52","syncClientRunning":true,"syncLogPending":3,"users":2}'
const UNREACHABLE = '{"elapsedMs":3004,"error":"replica 10.231.0.52 unreachable or refused: IMAP to 10.231.0.52 failed: connect: timeout","master":"imap1","ok":false,"replica":"10.231.0.52"}'
const found = (guid: string): string => JSON.stringify({ host: '127.0.0.1', user: 'alice', messages: [{ mailbox: 'INBOX', uid: 7, guid, messageId: '<probe.t0k@fastmail.test>', subject: 'racklab probe t0k', spamFlag: null, backscatter: null }] })
const NONE = '{"host":"127.0.0.1","messages":[],"user":"alice"}'

const res = (stdout: string, exitCode = 0, stderr = ''): ExecResult => ({ exitCode, stdout, stderr })

/** an exec that answers per server from a queue of results and records each call */
function scripted(answers: Record<string, ExecResult[]>): { exec: Exec; calls: { server: string; cmd: string[] }[] } {
  const calls: { server: string; cmd: string[] }[] = []
  const exec: Exec = async (server, cmd) => {
    calls.push({ server, cmd })
    const q = answers[server]
    if (!q || q.length === 0) throw new Error(`unexpected exec on ${server}: ${cmd.join(' ')}`)
    return q.length > 1 ? q.shift()! : q[0]!
  }
  return { exec, calls }
}

/** a clock that advances by `step` ms on every read, and a sleep that advances it too */
function fakeClock(step = 10): { now: () => number; sleep: (ms: number) => Promise<void> } {
  let t = Date.UTC(2026, 10, 28, 18, 0, 0)
  return { now: () => (t += step), sleep: async (ms) => void (t += ms) }
}

describe('lastSmtpReply', () => {
  it('takes the last reply before QUIT, with or without the error arrow', () => {
    expect(lastSmtpReply(SWAKS_OK)).toBe('250 2.1.5 Ok')
    expect(lastSmtpReply(SWAKS_UNKNOWN)).toMatch(/^550 5\.1\.1 <nobody@fastmail\.test>/)
    expect(lastSmtpReply('=== Trying 127.0.0.1:25...\n*** Error connecting to 127.0.0.1:25:\n')).toBeUndefined()
  })
})

describe('probeSmtpAccepts', () => {
  it('passes on RCPT 250 and runs swaks inside the MX without sending a message', async () => {
    const { exec, calls } = scripted({ mx1: [res(SWAKS_OK)] })
    const r = await probeSmtpAccepts({ exec, ...fakeClock() }, 'mx1', 'alice@fastmail.test')
    expect(r).toMatchObject({ id: 'smtp.accept', target: 'mx1', ok: true })
    expect(calls[0]!.cmd).toEqual(expect.arrayContaining(['swaks', '--quit-after', 'RCPT', '--to', 'alice@fastmail.test']))
  })
  it('fails with the server\'s own words on a 5xx', async () => {
    const { exec } = scripted({ mx1: [res(SWAKS_UNKNOWN, 24)] })
    const r = await probeSmtpAccepts({ exec, ...fakeClock() }, 'mx1', 'nobody@fastmail.test')
    expect(r.ok).toBe(false)
    expect(r.message).toContain('User unknown in virtual mailbox table')
  })
})

describe('queue', () => {
  it('counts postqueue -j lines by queue', () => {
    expect(countQueue(`${DEFERRED}\n${DEFERRED}\n${ACTIVE}\n`)).toEqual({ total: 3, active: 1, deferred: 2, incoming: 0, hold: 0, maildrop: 0 })
    expect(countQueue('')).toMatchObject({ total: 0 })
  })
  it('fails while mail is deferred and passes on an empty queue', async () => {
    const deferred = await probeQueue({ exec: scripted({ mx2: [res(`${DEFERRED}\n${ACTIVE}\n`)] }).exec }, 'mx2')
    expect(deferred).toMatchObject({ ok: false, values: { deferred: 1, active: 1, total: 2 } })
    expect(deferred.message).toBe('mx2: 2 queued (1 deferred, 1 active, 0 held)')
    const empty = await probeQueue({ exec: scripted({ mx2: [res('')] }).exec }, 'mx2')
    expect(empty).toMatchObject({ ok: true, message: 'mx2: queue empty' })
  })
  it('names a postqueue failure instead of reporting an empty queue', async () => {
    const r = await probeQueue({ exec: scripted({ mx1: [res('', 69, 'postqueue: fatal: Queue report unavailable - mail system is down')] }).exec }, 'mx1')
    expect(r.ok).toBe(false)
    expect(r.message).toContain('mail system is down')
  })
})

describe('probeReplication', () => {
  it('passes when every GUID matches', async () => {
    const r = await probeReplication({ exec: scripted({ imap1: [res(CONSISTENT)] }).exec }, 'imap1')
    expect(r).toMatchObject({ id: 'imap.replication', ok: true, values: { differences: 0, messagesMaster: 9, messagesReplica: 9 } })
  })
  it('reports differences with lag and an example', async () => {
    const r = await probeReplication({ exec: scripted({ imap1: [res(DIVERGED, 1)] }).exec }, 'imap1')
    expect(r).toMatchObject({ ok: false, values: { differences: 1, lagSeconds: 42.5, syncLogPending: 3 } })
    expect(r.message).toContain('alice INBOX only on master')
  })
  it('says why it could not compare', async () => {
    const r = await probeReplication({ exec: scripted({ imap1: [res(UNREACHABLE, 2)] }).exec }, 'imap1')
    expect(r.ok).toBe(false)
    expect(r.message).toContain('replica 10.231.0.52 unreachable')
    const broken = await probeReplication({ exec: scripted({ imap1: [res('', 126, 'OCI runtime exec failed')] }).exec }, 'imap1')
    expect(broken.message).toContain('OCI runtime exec failed')
  })
})

describe('probeDelivery', () => {
  const target = { mx: 'mx1', master: 'imap1', replica: 'imap2', user: 'alice', domain: 'fastmail.test', timeoutMs: 5_000 }
  const sentOk = res(SWAKS_OK.replace('250 2.1.5 Ok\n -> QUIT', '250 2.1.5 Ok\n<-  250 2.0.0 Ok: queued as 1A2B3C\n -> QUIT'))

  it('waits for the message on the master, then on the replica, and compares GUIDs', async () => {
    const g = '57e15209d925aac54f7b1dfe351829e680a8f9ee'
    const { exec, calls } = scripted({ mx1: [sentOk], imap1: [res(NONE), res(found(g))], imap2: [res(NONE), res(NONE), res(found(g))] })
    const r = await probeDelivery({ exec, ...fakeClock(), token: () => 't0k' }, target)
    expect(r).toMatchObject({ id: 'mail.e2e', ok: true, values: { guid: g, token: 't0k' } })
    expect(calls.filter((c) => c.server === 'imap2')).toHaveLength(3)
    const data = calls[0]!.cmd[calls[0]!.cmd.indexOf('--data') + 1]!
    expect(data).toContain('X-Racklab-Probe: t0k')
  })
  it('fails when the replica never gets it, or gets different content', async () => {
    const missing = await probeDelivery({ exec: scripted({ mx1: [sentOk], imap1: [res(found('aa'))], imap2: [res(NONE)] }).exec, ...fakeClock(100), token: () => 't0k' }, target)
    expect(missing.ok).toBe(false)
    expect(missing.message).toContain('not on imap2')
    const differs = await probeDelivery({ exec: scripted({ mx1: [sentOk], imap1: [res(found('aa'))], imap2: [res(found('bb'))] }).exec, ...fakeClock(), token: () => 't0k' }, target)
    expect(differs.message).toContain('GUID aa on imap1, bb on imap2')
  })
  it('fails at once when the MX refuses the message', async () => {
    const { exec, calls } = scripted({ mx1: [res('<** 451 4.7.1 Service unavailable - try again later\n', 26)] })
    const r = await probeDelivery({ exec, ...fakeClock(), token: () => 't0k' }, target)
    expect(r.ok).toBe(false)
    expect(r.message).toContain('451 4.7.1')
    expect(calls).toHaveLength(1)
  })
})

const swaksData = (end: string): string => `=== Trying 127.0.0.1:25...
<-  220 mx1.fastmail.test ESMTP Postfix (Racklab)
 -> EHLO mx1
<-  250 CHUNKING
 -> MAIL FROM:<probe@fastmail.test>
<-  250 2.1.0 Ok
 -> RCPT TO:<alice@fastmail.test>
<-  250 2.1.5 Ok
 -> DATA
<-  354 End data with <CR><LF>.<CR><LF>
 -> Subject: racklab virus probe
 -> 
 -> ${EICAR}
 -> 
 -> .
${end}
 -> QUIT
<-  221 2.0.0 Bye
`
const VIRUS_REFUSED = swaksData('<** 550 5.7.1 Virus found: Eicar-Signature')

describe('smtpReplyTo', () => {
  it('finds the reply to a given command, or to the end of DATA', () => {
    expect(smtpReplyTo(VIRUS_REFUSED, '.')).toBe('550 5.7.1 Virus found: Eicar-Signature')
    expect(smtpReplyTo(VIRUS_REFUSED, 'RCPT TO')).toBe('250 2.1.5 Ok')
    expect(smtpReplyTo(VIRUS_REFUSED, 'DATA')).toMatch(/^354 /)
    expect(smtpReplyTo(SWAKS_UNKNOWN, '.')).toBeUndefined()
  })
})

describe('probeSpamTagged', () => {
  it('parses spamc -c output', () => {
    expect(parseSpamcScore('1000.0/5.0\n')).toEqual({ score: 1000, threshold: 5 })
    expect(parseSpamcScore('-0.1/5.0')).toEqual({ score: -0.1, threshold: 5 })
    expect(parseSpamcScore('')).toBeUndefined()
  })
  it('passes when spamd scores GTUBE as spam, asking spamd inside the MX without sending anything', async () => {
    const { exec, calls } = scripted({ mx1: [res('1000.0/5.0\n', 1)] })
    const r = await probeSpamTagged({ exec, ...fakeClock() }, 'mx1', 'fastmail.test')
    expect(r).toMatchObject({ id: 'spam.tagged', target: 'mx1', ok: true, values: { score: 1000, threshold: 5 } })
    expect(calls).toHaveLength(1)
    expect(calls[0]!.cmd.slice(0, 2)).toEqual(['sh', '-c'])
    expect(calls[0]!.cmd[2]).toContain('spamc -x -c')
    expect(calls[0]!.cmd.at(-1)).toContain(GTUBE)
    expect(calls[0]!.cmd.join(' ')).not.toContain('swaks')
  })
  it('fails when GTUBE scores as ham', async () => {
    const r = await probeSpamTagged({ exec: scripted({ mx1: [res('0.0/5.0\n', 0)] }).exec }, 'mx1', 'fastmail.test')
    expect(r).toMatchObject({ ok: false, values: { score: 0 } })
    expect(r.message).toContain('ham')
  })
  it('names an unreachable spamd instead of trusting spamc\'s fallback', async () => {
    const down = res('0/0\n', 74, 'connect to spamd on 127.0.0.1 failed, retrying (#1 of 3): Connection refused')
    const r = await probeSpamTagged({ exec: scripted({ mx1: [down] }).exec }, 'mx1', 'fastmail.test')
    expect(r.ok).toBe(false)
    expect(r.message).toContain('Connection refused')
  })
})

describe('probeVirusRefused', () => {
  it('passes on a 5xx at the end of DATA', async () => {
    const { exec, calls } = scripted({ mx1: [res(VIRUS_REFUSED, 26)] })
    const r = await probeVirusRefused({ exec, ...fakeClock() }, 'mx1', 'alice@fastmail.test')
    expect(r).toMatchObject({ id: 'virus.refused', ok: true, values: { code: 550 } })
    expect(r.message).toContain('Virus found')
    const data = calls[0]!.cmd[calls[0]!.cmd.indexOf('--data') + 1]!
    expect(data).toContain(EICAR)
  })
  it('fails loudly when the virus is accepted, and says a 4xx means a checker is down', async () => {
    const accepted = await probeVirusRefused({ exec: scripted({ mx1: [res(swaksData('<-  250 2.0.0 Ok: queued as 4F1C2180209'))] }).exec }, 'mx1', 'alice@fastmail.test')
    expect(accepted.ok).toBe(false)
    expect(accepted.message).toMatch(/ACCEPTED a virus .*delivered to alice@fastmail\.test/)
    const deferred = await probeVirusRefused({ exec: scripted({ mx1: [res(swaksData('<** 451 4.7.1 Service unavailable - try again later'), 26)] }).exec }, 'mx1', 'alice@fastmail.test')
    expect(deferred.ok).toBe(false)
    expect(deferred.message).toContain('not answering')
  })
  it('does not count a 5xx before DATA as a refused virus', async () => {
    const r = await probeVirusRefused({ exec: scripted({ mx1: [res(SWAKS_UNKNOWN, 24)] }).exec }, 'mx1', 'nobody@fastmail.test')
    expect(r.ok).toBe(false)
    expect(r.message).toContain('never reached the end of DATA: 550 5.1.1')
  })
})
