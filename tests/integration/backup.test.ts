// Backups, restores and database failover on the real engine, through the bundled scenarios, in one lab:
// bad-delete-2003 (hot backup from db2, offsite copy, DELETE without WHERE replicated everywhere, point-in-time
// restore to just before it, checksums equal those before the DELETE), mail snapshots and a user's restore,
// lost-both-stores (both arrays of a store lost, restored from backup1) and db1-dies (promote db2, webmail and
// mail keep working, fail back). Only the servers they need are brought up. Run alone:
// RACKLAB_TEST_LAB=it-backup npx vitest run --project integration tests/integration/backup.test.ts
import { describe, expect, it } from 'vitest'
import type { ScenarioReport } from '../../main/engine/scenarios/runner'
import { racklab, until } from './helpers'
import { check, exec, failedSteps, freshLabOf, run, runShippedScenario, sql } from './lab-driver'

const scenario = async (name: string): Promise<ScenarioReport> => {
  const { code, report } = await runShippedScenario(name)
  expect(code, failedSteps(report)).toBe(0)
  return report
}
const detail = (r: ScenarioReport, text: RegExp): string => r.steps.find((s) => text.test(s.text))?.detail ?? ''
const checksumIn = (text: string): string | undefined => /address_book\s+(\d+)/.exec(text)?.[1]

describe('backups, restores and failover on the real engine', () => {
  // both scenarios bring up the same servers (the edge's whole stack, the replicas, backup1): up here first, so
  // an image rebuild does not eat a scenario's time
  freshLabOf(['edge', 'db2', 'db3', 'imap2', 'backup1'])

  it('bad-delete-2003: restored to just before the DELETE, every contact back, checksums as before it', async () => {
    const report = await scenario('bad-delete-2003')
    expect(report.ok).toBe(true)
    const backup = detail(report, /^act server:backup1 backup-now$/)
    expect(backup).toMatch(/hot DB backup of db2 \(a replica/)
    expect(backup).toMatch(/copied offsite to db3 \(sha256 checked\)/)
    const restore = detail(report, /^act server:backup1 restore-db/)
    expect(restore).toMatch(/just before GTID \d+-\d+-\d+ \(DELETE FROM address_book/)
    expect(restore).toMatch(/not restored: the \d+ transactions? from GTID/)
    expect(restore).toMatch(/equal those at that point on db1, db2, db3/)
    const before = checksumIn(detail(report, /^checksum of address_book before the DELETE$/))
    const after = checksumIn(detail(report, /^checksum of address_book after the restore$/))
    expect(before).toBeDefined()
    expect(after).toBe(before)
    // db2 and db3 equal db1 after the restore (the scenario's db.checksum step); its cleanup has removed the rows since
    expect(detail(report, /^every database agrees$/)).toMatch(/identical on db1, db2, db3/)
    // run now (--fresh): the monitor's latest may predate the night's backup
    const results = await check()
    for (const id of ['backup.fresh', 'backup.offsite', 'backup.verify']) {
      const r = results.find((x) => x.id === id)
      expect(r?.ok, `${id}: ${r?.message}`).toBe(true)
    }
  }, 360_000)

  it('restoring from a backup that does not exist is refused with the backups there are', async () => {
    const r = await racklab(['act', 'server:backup1', 'restore-db', 'backup=20010101T000000'])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(/backup "20010101T000000" is not one of: \d{8}T\d{6}/)
    // before a statement that never ran: every backup is searched, newest first, and the refusal names them all
    const never = await racklab(['act', 'server:backup1', 'restore-db', 'before=drop:domains'])
    expect(never.code).not.toBe(0)
    expect(never.stderr).toMatch(/no transaction matching 'DROP TABLE domains' follows any backup on backup1 \(\d{8}T\d{6}/)
  }, 120_000)

  it('mail: a snapshot of every store from the replica, the next one copies no file; a user\'s deleted mail (bob: the probes write to alice) restored and verified, what came after the snapshot counted as lost', async () => {
    const send = async (subject: string): Promise<void> => {
      await run('mx1', ['swaks', '--server', '127.0.0.1', '--to', 'bob@fastmail.test', '--from', 'backup-test@example.test', '--header', `Subject: ${subject}`, '--timeout', '60'])
    }
    const inbox = async (server: string): Promise<{ uid: number; guid: string }[]> =>
      (JSON.parse(await run(server, ['racklab-mail-find', '--user', 'bob', '--mailbox', 'INBOX'])) as { messages: { uid: number; guid: string }[] }).messages
    const act = async (...args: string[]): Promise<string> => {
      const r = await racklab(['act', 'server:backup1', ...args])
      if (r.code !== 0) throw new Error(`act ${args.join(' ')} exited ${r.code}: ${r.stderr}`)
      return r.stdout + r.stderr
    }
    for (const n of [1, 2, 3]) await send(`before the snapshot ${n}`)
    const before = await until('three messages on imap1 and on imap2', async () => {
      const [a, b] = [await inbox('imap1'), await inbox('imap2')]
      return a.length >= 3 && b.length === a.length ? a : undefined
    }, 120_000, 2000)

    // flags as bob left them (one flagged, every one read): a restore must bring back flags and internal dates too
    const perlImap = (code: string): string[] => ['perl', '-I/usr/local/lib/racklab', '-MRacklab::CyrusSession=connect_as', '-e', `my $i = connect_as("127.0.0.1", "bob"); $i->select("INBOX") or die $i->LastError; ${code}; $i->logout`]
    await run('imap1', perlImap(`$i->store("${before[0]!.uid}", q{+FLAGS (\\Flagged)}) or die $i->LastError; $i->store("1:*", q{+FLAGS (\\Seen)}) or die $i->LastError`))
    // GUID → flags (without \Recent, which is a session's) and internal date, sorted by GUID
    const flagsAndDates = async (): Promise<string> =>
      (await run('imap1', perlImap(`my $h = $i->fetch_hash("1:*", "DIGEST.SHA1", "FLAGS", "INTERNALDATE") or die $i->LastError; print join("\\n", sort map { my $g = $h->{$_}{"DIGEST.SHA1"}; $g =~ s/"//g; my $f = join(" ", sort grep { $_ ne "\\\\Recent" } split " ", $h->{$_}{FLAGS}); "$g [$f] $h->{$_}{INTERNALDATE}" } keys %$h)`))).trim()
    const kept = await flagsAndDates()
    expect(kept).toMatch(/\[\\Flagged \\Seen\]/)
    await until('the flags on imap2', async () => ((await run('imap2', perlImap('my $h = $i->fetch_hash("1:*", "FLAGS") or die; print scalar grep { /Flagged/ } map { $_->{FLAGS} } values %$h'))).trim() === '1' || undefined), 60_000, 1000)

    const first = await act('backup-now')
    expect(first).toMatch(/mail snapshot \d{8}T\d{6}: imap1 from imap2: \d+ accounts, \d+ messages, \d+ new files/)
    const second = await act('backup-now')
    // incremental: the second night sends backup1 only the files the first did not have (the monitor's mail.e2e
    // probe may deliver one in between), so its new files are exactly the GUIDs new in its snapshot
    const newFiles = Number(/imap1 from imap2: \d+ accounts, \d+ messages, (\d+) new files/.exec(second)?.[1] ?? NaN)
    const stamps = [first, second].map((t) => /mail snapshot (\d{8}T\d{6})/.exec(t)?.[1] ?? '')
    const guids = async (stamp: string): Promise<Set<string>> =>
      new Set((JSON.parse(await run('backup1', ['racklab-mail-store', 'show', stamp, 'imap1'])) as { users: { mailboxes: { messages: { guid: string }[] }[] }[] }).users.flatMap((u) => u.mailboxes.flatMap((b) => b.messages.map((m) => m.guid))))
    const [g1, g2] = [await guids(stamps[0]!), await guids(stamps[1]!)]
    expect(newFiles).toBeLessThanOrEqual([...g2].filter((g) => !g1.has(g)).length)
    expect(newFiles).toBeLessThan(g1.size)

    await send('after the snapshot')
    await until('the fourth message on imap1', async () => ((await inbox('imap1')).length > before.length ? true : undefined), 60_000, 1000)
    // bob deletes his whole INBOX, the one that came after the snapshot included
    await run('imap1', ['perl', '-I/usr/local/lib/racklab', '-MRacklab::CyrusSession=connect_as', '-e', 'my $i = connect_as("127.0.0.1", "bob"); $i->select("INBOX") or die; $i->delete_message("1:*"); $i->expunge or die $i->LastError; $i->logout'])
    expect(await inbox('imap1')).toEqual([])

    // the snapshot named: the lab's night (02:00 lab time, every 24 minutes at speed 60) may take a newer one meanwhile
    const restored = await act('restore-mail', 'user=bob', `snapshot=${stamps[1]}`)
    expect(restored).toMatch(new RegExp(`bob into imap1 from snapshot \\d{8}T\\d{6}: ${before.length} message\\(s\\) restored, 0 already there`))
    expect(restored).toMatch(/verified by SHA1 GUID: every message of the snapshot is present/)
    expect(restored).toMatch(/1 message\(s\) that arrived after the snapshot are gone \(lost since that night\)/)
    const back = await inbox('imap1')
    expect(back.map((m) => m.guid).sort()).toEqual(before.map((m) => m.guid).sort())
    // put back into the spool and indexed by reconstruct, with their flags (by UID STORE) and dates (the files' mtimes)
    expect(restored).not.toMatch(/by APPEND/)
    expect(await flagsAndDates()).toBe(kept)
    // the replica receives the restored messages by replication, and the whole store agrees
    await until('imap2 has the restored messages', async () => ((await inbox('imap2')).map((m) => m.guid).sort().join() === back.map((m) => m.guid).sort().join() || undefined), 60_000, 2000)
    await until('imap.replication passes', async () => ((await check()).filter((r) => r.id === 'imap.replication').every((r) => r.ok) || undefined), 60_000, 3000)
    // again: nothing is missing, nothing is put back; the stream backup1 had made ready meanwhile is withdrawn
    // (its port, 9102, is the one the nightly backup receives on)
    const twice = await act('restore-mail', 'user=bob', `snapshot=${stamps[1]}`)
    expect(twice).toMatch(new RegExp(`bob into imap1 from snapshot \\d{8}T\\d{6}: 0 message\\(s\\) restored, ${before.length} already there`))
    expect((await exec('backup1', ['sh', '-c', "ss -ltn | grep -c ':9102 ' || true"])).stdout.trim()).toBe('0')

    // a delivery in flight holds the next UID's file (Cyrus writes it under the mailbox lock before it indexes it):
    // the restore never writes over it, and those messages go by MULTIAPPEND, every one still verified
    await run('imap1', perlImap('$i->delete_message("1:*"); $i->expunge or die $i->LastError'))
    await run('imap1', perlImap('my ($n) = join("", @{ $i->status("INBOX", "UIDNEXT") }) =~ /UIDNEXT (\\d+)/ or die; my $d = `runuser -u cyrus -- /usr/lib/cyrus/bin/mbpath user.bob`; chomp $d; open my $f, ">", "$d/$n." or die; print {$f} "From: in-flight\\r\\n\\r\\nplanted\\r\\n"; close $f; chown 102, 8, "$d/$n."'))
    const raced = await act('restore-mail', 'user=bob', `snapshot=${stamps[1]}`)
    expect(raced).toMatch(new RegExp(`bob into imap1 from snapshot \\d{8}T\\d{6}: ${before.length} message\\(s\\) restored \\(${before.length} of them by APPEND`))
    expect(raced).toMatch(/verified by SHA1 GUID: every message of the snapshot is present/)
    expect(await flagsAndDates()).toBe(kept)

    // bad input: a snapshot that does not exist, neither a user nor a store
    const none = await racklab(['act', 'server:backup1', 'restore-mail', 'user=bob', 'snapshot=20010101T000000'])
    expect(none.code).not.toBe(0)
    expect(none.stderr).toMatch(/snapshot "20010101T000000" is not one of/)
    const neither = await racklab(['act', 'server:backup1', 'restore-mail'])
    expect(neither.code).not.toBe(0)
    expect(neither.stderr).toMatch(/a user or a store, exactly one/)
    // what backup1 holds: each snapshot's files stored once
    const list = JSON.parse((await exec('backup1', ['racklab-mail-store', 'list'])).stdout) as { snapshots: { stamp: string }[]; stored: { files: number } }
    expect(list.snapshots.length).toBeGreaterThanOrEqual(2)

    // the restore drill (backup.verify) sees a file gone from backup1 that the newest snapshot names, and passes
    // once it is back
    const named = [...g2][0]!
    const object = `/backup/mail/objects/${named.slice(0, 2)}/${named}`
    await run('backup1', ['mv', object, `${object}.aside`])
    const drill = (await check()).find((r) => r.id === 'backup.verify')
    expect(drill?.ok).toBe(false)
    expect(drill?.message).toMatch(/restore drill FAILED: \d+ message file\(s\) named by a snapshot are gone from backup1 \(first: [0-9a-f]{40}\)/)
    await run('backup1', ['mv', `${object}.aside`, object])
    const again = (await check()).find((r) => r.id === 'backup.verify')
    expect(again?.ok, again?.message).toBe(true)
    expect(again?.message).toMatch(/restore drill ok — mail: imap1 \d{8}T\d{6}(, [a-z][a-z0-9-]* \d{8}T\d{6})*, \d+ files named, \d+ sampled and restored to scratch; database backup \d{8}T\d{6} sha256 as when taken/)
  }, 600_000)

  it('lost-both-stores: both arrays of store 1 lost, the store restored from backup1, the mail since the snapshot counted as lost', async () => {
    const report = await scenario('lost-both-stores')
    expect(report.ok).toBe(true)
    const restore = detail(report, /^act server:backup1 restore-mail store=imap1$/)
    expect(restore).toMatch(/carol into imap1 from snapshot \d{8}T\d{6}: 3 message\(s\) restored/)
    expect(restore).toMatch(/verified by SHA1 GUID: every message of the snapshot is present/)
    // the one message delivered after the backup is in no backup: the MXs' logs count it
    expect(restore).toMatch(/carol [^;]*; [^;]*; 1 message\(s\) delivered after the snapshot \(the MXs' delivery logs\) are in no backup/)
  }, 900_000)

  it('db1-dies: writes refused plainly while no primary is writable; promote db2; mail and webmail work; fail back', async () => {
    const report = await scenario('db1-dies')
    expect(report.ok).toBe(true)
    expect(detail(report, /^act server:db2 promote$/)).toMatch(/db2 is the database primary .*db3 replicates from db2/)
    expect(detail(report, /^act server:db1 fail-back$/)).toMatch(/db1 was rebuilt from db2 .* is the primary again .*db2 replicates from db1; db3 replicates from db1; db1 vs db2: table checksums equal/)
    for (const db of ['db2', 'db3']) expect(await sql(db, 'SELECT @@read_only')).toBe('1')
    expect(await sql('db1', 'SELECT @@read_only')).toBe('0')
  }, 420_000)
})
