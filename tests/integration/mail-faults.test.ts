// Faults around the mail tier of the real lab (`racklab up` of db1-3, imap1-2, mx1-2), driven through the CLI
// and the contract: malformed SMTP, an oversize message, databases going away while mail is delivered, and a
// store replica that is down while mail arrives. Mail is sent from inside the lab (in mx1).
// Run alone (one lab at a time): RACKLAB_TEST_LAB=it-mail npx vitest run --project integration tests/integration/mail-faults.test.ts
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lastSmtpReply } from '../../main/engine/probes/mail'
import { check, control, exec, healthy, queue, run } from './lab-driver'
import { racklab, until } from './helpers'

const D = 'fastmail.test'
const tag = (t: string): string => `${t}-${randomBytes(4).toString('hex')}`
const message = (to: string, test: string, body = `test ${test}`): string =>
  [`From: <sender@example.test>`, `To: <${to}>`, `Subject: ${test}`, `Message-ID: <${test}@example.test>`, `X-Racklab-Test: ${test}`, '', body, ''].join('\n')

interface Found {
  mailbox: string
  guid: string
  messageId: string
}
const find = async (server: string, user: string, value: string): Promise<Found[]> =>
  (JSON.parse(await run(server, ['racklab-mail-find', '--user', user, '--header', 'X-Racklab-Test', '--value', value])) as { messages: Found[] }).messages
const send = async (to: string, test: string): Promise<string> => {
  const r = await exec('mx1', ['swaks', '--server', '127.0.0.1', '--to', to, '--from', 'sender@example.test', '--timeout', '60', '--data', message(to, test)])
  return lastSmtpReply(r.stdout) ?? `swaks exit ${r.exitCode}: ${r.stderr}`
}
const delivered = (server: string, test: string, n = 1): Promise<Found[]> =>
  until(`${n} × ${test} on ${server}`, async () => {
    const f = await find(server, 'alice', test)
    // racklab-mail-find reads GUIDs before it searches: a message that lands in between comes back with guid null
    return f.length >= n && f.every((m) => m.guid) ? f : undefined
  }, 60_000, 500)
const secs = (t0: number): string => `${((performance.now() - t0) / 1000).toFixed(1)} s`

/**
 * One raw SMTP session in mx1 (Perl's core IO::Socket): each argument is a command line, "DATA\n<message>"
 * sends DATA, the message and the final dot. Prints [{ sent, reply }] as JSON, the banner first.
 */
const SMTP_SESSION = String.raw`
use strict; use warnings; use IO::Socket::INET; use JSON::PP;
my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1:25', Timeout => 30) or die "connect: $@\n";
sub reply { my @l; while (defined(my $l = <$s>)) { $l =~ s/\r?\n\z//; push @l, $l; last if $l =~ /^\d{3}(?: |\z)/ } join "\n", @l }
my @out = ({ sent => '', reply => reply() });
for my $c (@ARGV) {
  if ($c =~ /\ADATA\n(.*)\z/s) {
    my $body = $1; $body =~ s/\n/\r\n/g;
    print $s "DATA\r\n"; my $r = reply(); push @out, { sent => 'DATA', reply => $r };
    if ($r =~ /^354/) { print $s "$body\r\n.\r\n"; push @out, { sent => '.', reply => reply() } }
    next;
  }
  print $s "$c\r\n"; push @out, { sent => $c, reply => reply() };
}
print encode_json(\@out);
`
const smtpSession = async (steps: string[]): Promise<{ sent: string; reply: string }[]> =>
  JSON.parse(await run('mx1', ['perl', '-e', SMTP_SESSION, ...steps])) as { sent: string; reply: string }[]

describe('mail faults on the real lab', () => {
  beforeAll(async () => {
    await racklab(['down', '--volumes'])
    const up = await racklab(['up', '--only', 'db1,db2,db3,imap1,imap2,mx1,mx2'])
    console.log(`up: ${(up.ms / 1000).toFixed(1)} s`)
    if (up.code !== 0) throw new Error(`up failed: ${up.stderr}`)
  }, 900_000)
  afterAll(async () => {
    await racklab(['down', '--volumes'])
  }, 300_000)

  it('malformed SMTP: a garbage command, RCPT before MAIL and a bad address each get their 5xx, and the session still delivers', async () => {
    const t = tag('malformed')
    const steps = ['EHLO client.example.test', 'XYZZY plugh', `RCPT TO:<alice@${D}>`, 'MAIL FROM:<sender@example.test>', 'RCPT TO:<alice@fastmail.test', `RCPT TO:<alice@${D}>`, `DATA\n${message(`alice@${D}`, t)}`, 'QUIT']
    const s = await smtpSession(steps)
    console.log(s.map((x) => `${x.sent || '(connect)'} → ${x.reply.split('\n').at(-1)}`).join('\n'))
    const reply = (sent: string): string => s.find((x) => x.sent === sent)!.reply.split('\n').at(-1)!
    expect(s[0]!.reply).toMatch(/^220 /)
    expect(reply('XYZZY plugh')).toMatch(/^500 5\.5\.2 /)
    expect(reply(`RCPT TO:<alice@${D}>`)).toMatch(/^503 5\.5\.1 .*MAIL/)
    expect(reply('RCPT TO:<alice@fastmail.test')).toMatch(/^501 5\.1\.3 /)
    expect(s.filter((x) => x.sent === `RCPT TO:<alice@${D}>`).at(-1)!.reply).toMatch(/^250 /)
    expect(reply('.')).toMatch(/^250 2\.0\.0 Ok: queued/)
    expect(reply('QUIT')).toMatch(/^221 /)
    expect(await delivered('imap1', t)).toHaveLength(1)
  })

  it('a message over message_size_limit is refused with 552 and nothing is stored', async () => {
    const limit = Number((await run('mx1', ['postconf', '-h', 'message_size_limit'])).trim())
    expect(limit).toBe(10_240_000) // set in lab-images/mx/main.cf.racklab
    const t = tag('oversize')
    // base64 of limit×0.8 random bytes is limit×1.08 with line breaks: just over the limit
    const script = `{ printf '%s' "$1"; head -c ${Math.ceil(limit * 0.8)} /dev/urandom | base64; } > /tmp/${t}.eml && ` +
      `swaks --server 127.0.0.1 --to alice@${D} --from sender@example.test --timeout 60 --suppress-data --data /tmp/${t}.eml; rc=$?; rm -f /tmp/${t}.eml; exit $rc`
    const t0 = performance.now()
    const r = await exec('mx1', ['bash', '-c', script, 'oversize', message(`alice@${D}`, t, '')])
    console.log(`oversize (${limit} bytes limit): ${lastSmtpReply(r.stdout)} in ${secs(t0)}`)
    expect(lastSmtpReply(r.stdout)).toMatch(/^552 5\.3\.4 /)
    await new Promise((res) => setTimeout(res, 2000))
    expect(await find('imap1', 'alice', t)).toHaveLength(0)
    // drained (the monitor's own test mail may be passing through mx1 at any moment)
    await until('mx1 queue empty', async () => ((await queue()).total === 0 ? true : undefined), 60_000, 1000)
  })

  it('db1 stopped: the proxy reads from a replica and mail is delivered', async () => {
    await control('db1', 'stop')
    const t = tag('db1-down')
    const t0 = performance.now()
    expect(await send(`alice@${D}`, t)).toMatch(/^250 /)
    const [m] = await delivered('imap1', t)
    console.log(`db1 down: delivered on imap1 in ${secs(t0)}`)
    expect(m!.mailbox).toBe('INBOX')
    expect((await delivered('imap2', t))[0]!.guid).toBe(m!.guid)
  })

  it('db1, db2 and db3 stopped: new SMTP mail gets 4xx, queued mail is deferred with 4xx; databases back + flush → each delivered exactly once', async () => {
    await control('db2', 'stop')
    await control('db3', 'stop')
    const early = tag('db-all-down-smtp')
    const refused = await send(`alice@${D}`, early)
    console.log(`all databases down, SMTP RCPT: ${refused}`)
    expect(refused).toMatch(/^4\d\d 4\.\d\.\d /)
    // a message already in mx1's queue (local submission, no recipient lookup) when the databases are gone
    const queued = tag('db-all-down-queued')
    await run('mx1', ['sendmail', '-f', 'sender@example.test', '--', `alice@${D}`], message(`alice@${D}`, queued))
    const q = await until('the message deferred on mx1', async () => {
      const c = await queue()
      return c.deferred >= 1 ? c : undefined
    }, 120_000, 1000)
    console.log(`deferred: ${q.reasons.join(' | ')}`)
    expect(q.reasons.every((r) => /\b4\.\d\.\d\b.*routing database unavailable/.test(r))).toBe(true)

    const t0 = performance.now()
    for (const db of ['db1', 'db2', 'db3']) await control(db, 'start')
    await Promise.all(['db1', 'db2', 'db3'].map(healthy))
    await run('mx1', ['postqueue', '-f'])
    const got = await delivered('imap1', queued)
    console.log(`databases back: the queued message on imap1 ${secs(t0)} after the starts`)
    // the sender's MTA retries the refused one; Postfix may still skip the databases it saw fail for a while
    await until('SMTP to take mail again', async () => /^250 /.test(await send(`alice@${D}`, early)) || undefined, 120_000, 5000)
    console.log(`databases back: SMTP accepts again ${secs(t0)} after the starts`)
    await delivered('imap1', early)
    await new Promise((res) => setTimeout(res, 3000))
    expect(await find('imap1', 'alice', queued)).toHaveLength(1)
    expect(await find('imap1', 'alice', early)).toHaveLength(1)
    expect((await delivered('imap2', queued))[0]!.guid).toBe(got[0]!.guid)
    // drained (the monitor's own test mail may be passing through mx1 at any moment)
    await until('mx1 queue empty', async () => ((await queue()).total === 0 ? true : undefined), 60_000, 1000)
  })

  it('imap2 stopped: mail is still delivered on imap1; imap2 started: replication catches up with the same GUIDs', async () => {
    await control('imap2', 'stop')
    const t = tag('replica-down')
    for (let i = 0; i < 3; i++) expect(await send(`alice@${D}`, `${t}-${i}`)).toMatch(/^250 /)
    const onMaster = await delivered('imap1', t, 3)
    const during = await exec('imap1', ['racklab-mail-consistency', '--json'])
    console.log(`consistency while imap2 is down: exit ${during.exitCode} ${during.stdout.slice(0, 200)}`)
    expect(during.exitCode).not.toBe(0)

    const t0 = performance.now()
    await control('imap2', 'start')
    await healthy('imap2')
    const onReplica = await delivered('imap2', t, 3)
    console.log(`imap2 back: caught up ${secs(t0)} after the start`)
    expect(onReplica.map((m) => m.guid).sort()).toEqual(onMaster.map((m) => m.guid).sort())
    await until('the consistency monitor to agree', async () => (await exec('imap1', ['racklab-mail-consistency', '--json'])).exitCode === 0 || undefined, 60_000, 1000)
  })

  it('racklab check --json: every probe passes at the end, spam.tagged and virus.refused on both MXes included', async () => {
    const t0 = performance.now()
    const results = await until('every probe to pass', async () => {
      const r = await check()
      return r.every((p) => p.ok) ? r : undefined
    }, 120_000, 2000).catch(async (e: unknown) => {
      throw new Error(`${(e as Error).message}: ${(await check()).filter((p) => !p.ok).map((p) => `${p.id} ${p.target}: ${p.message}`).join('; ')}`)
    })
    console.log(`check: ${results.length} probes ok in ${secs(t0)}\n${results.filter((p) => /^(spam|virus)\./.test(p.id)).map((p) => p.message).join('\n')}`)
    for (const id of ['spam.tagged', 'virus.refused']) expect(results.filter((p) => p.id === id).map((p) => p.target).sort()).toEqual(['mx1', 'mx2'])
    expect(results.find((p) => p.id === 'imap.replication')).toMatchObject({ ok: true, values: { differences: 0 } })
  }, 180_000)
})
