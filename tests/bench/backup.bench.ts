// Backup and restore bench (issue 11), on a lab of its own with only what the three figures need: db1-3, imap1
// (bob's store) and imap2 (its replica, which backups read from), backup1.
// (1) Incremental mail backup of an unchanged store: bob is given MESSAGES messages, a first backup-now copies
//     every file (the full), a second one right after copies none (the incremental). Times are the store's own
//     (the "in N s" backupMail reports for imap1: record, missing check, transfer, ingest, snapshot), not the
//     whole backup-now, whose hot DB backup runs in parallel and is the same both nights.
// (2) Restoring one user of MESSAGES messages (bob's INBOX emptied, then restore-mail user=bob, the action's wall
//     time) against copying the same message files with tar inside imap1 (tar c | tar x into /tmp, timed inside
//     the container, then sync: a restore's files are on disk when it ends).
// (3) Point-in-time DB restore plus replica rebuild: rows added to address_book, then a DELETE without WHERE
//     replicated everywhere, then restore-db before=delete:address_book: the scratch server replays the binlogs,
//     the dump is loaded on db1, db2 and db3 apply it by replication and every copy's checksums are compared.
//     The action's wall time.
// Measured on one engine (2 cores shared with three other agents' labs), session 8: at load ~20, full 11.8 s /
// incremental 2.1 s (0.18), tar 0.19 s / restore 7.97 s (41x); at load ~50: 23.2 / 7.1 s (0.31), 0.89 / 40.0 s (45x).
// A restore was one IMAP APPEND per message (~7-14 ms each in Cyrus: the commit, not the bytes); the incremental was
// the replica's FETCH of every message, JSON::PP and docker exec round trips.
// Session 9 (what changed, then the figures):
// - restore: MULTIAPPEND (RFC 3502, LITERAL+ literals; up to 500 messages / 16 MB per command, one Cyrus commit
//   each): 1,000 messages in ~1 s inside imap1 where single APPENDs took 7.2 s. Flags and internal dates go with
//   each message, each file is checked against its SHA1 GUID before it is handed to Cyrus, the replica gets them by
//   Cyrus's own replication, the lost-since counts are unchanged. The spool + reconstruct route was not taken: it
//   parses every message too, and bypasses the sync log. docker execs in a row cut from 13 to 6: the action
//   listing asks its three questions at once and names snapshots without reading them ('stamps'), the snapshot
//   is read with 'show newest' while the master is found, the orphaned-restore wait runs inside the manifest
//   call, and the restore command returns the mailboxes read after its last commit for the check by GUID.
// - incremental: the Cyrus node re-FETCHes only mailboxes whose STATUS (UIDVALIDITY UIDNEXT MESSAGES
//   HIGHESTMODSEQ) moved (a Storable cache in /run); backup1 reads the record with JSON::XS (JSON::PP: 0.05 s);
//   the replica gives its record and role in one exec; the mail run goes before the hot DB backup instead of
//   beside it (beside it, at load ~30, the unchanged store's two execs took 1.6 s; alone on a quiet moment 0.2 s).
//   An unchanged store is now two docker execs: manifest (~0.12 s) and snapshot-or-missing (~0.08 s), quiet.
// Figures (load in brackets; the host's load swings 15-50 within a minute, so each line is one run):
//   [~45] (MULTIAPPEND, cache, mail first; not yet the restore's exec cuts) full 12.6 s / incremental 1.5 s
//         (0.12); tar 2.13 s / restore 23.0 s (10.8x); PITR 11.6 s
//   [~28] (plus the restore's exec cuts, all but 'stamps') full 1.8 s / incremental 0.6 s (0.33); tar 0.126 s /
//         restore 1.66 s (13.2x); PITR 3.3 s
//   [~20] (every change) full 4.1 s / incremental 2.0 s (0.49); tar 0.297 s / restore 3.94 s (13.3x); PITR 2.6 s
//   [~11] the same runs by hand on a dev lab (racklab act backup-now, each exec timed): full 1.5 s, then three
//         incrementals of 0.3 / 0.2 / 0.3 s (0.13-0.2): manifest --role 137-161 ms, snapshot-or-missing 79-186 ms
// Why the targets were still missed then: both are round-trip bound, not work bound. The incremental's floor was
// two docker execs (0.1-0.5 s each on this host) against a full of about eight plus the files, so the ratio
// follows the load more than the code (0.33 when the full happened to run quickly).
// Session 10: an unchanged store is ONE docker exec, on backup1, none on the Cyrus nodes. backup1 asks both nodes
// of the store over IMAP itself (racklab-mail-store snapshot-if-unchanged, Racklab::ImapStatus: per user one
// session as the admin acting for the user, AUTHENTICATE PLAIN then LIST-STATUS; every session of both nodes at
// once) and, when every mailbox's UIDVALIDITY, UIDNEXT, MESSAGES and HIGHESTMODSEQ (now in the record) equal its
// newest snapshot's on both nodes, writes that record as the night's. Anything else answers "changed" and the
// night goes the long way as before, one exec later (the full pays it: ~0.1 s quiet, 1-3 s at load 45).
// incrementalOneCall says which way the incremental went. Figures (each line one run, load from uptime):
//   [37-53] full 21.6 s / incremental 5.0 s (0.23); tar 1.27 s / restore 27.8 s (21.9x); PITR 63.4 s
//           (the nodes asked one after the other; the bench did not yet say which way the incremental went)
//   [43-47] full 25.4 s / incremental 3.1 s (0.12), one call; tar 0.89 s / restore 19.4 s (21.8x)
//   [20-45] full 19.4 s / incremental 2.1 s (0.11), one call; tar 1.10 s / restore 50.1 s (45.5x); PITR 65.7 s
// At load ~50 a bare `docker exec true` took 2.0 s and the one call's own work inside backup1 ~1.9 s (the pool
// check 0.13 s, Perl's modules 0.7 s, both nodes' IMAP sessions 1.1 s): the incremental is now one round trip
// plus Cyrus's logins. The ratio still follows the load (the full's time swings with it more than the one call's);
// no quiet moment came during session 10 to measure it unloaded. A restore still costs 6 execs
// in a row (the action's listing (two), the master's role with the snapshot, the mailbox, serve, restore) plus
// Cyrus's indexing of every message (~1 ms each: parse, cache record, index, sync log), against tar's 1,000
// plain file copies in one process: 2x tar would need the whole restore in ~0.25 s, less than two execs here.
// Session 13, the first quiet run (nothing else on the machine): full 3.2 s / incremental 0.4 s, one call (0.13; target
// 0.10); tar 0.243 s / restore 4.25 s (17.5x; target 2x); PITR with the replicas 5.5 s (target 60: met).
// Session 14: the one call loads only the modules it uses, skips the racklab-pool fork on a healthy pool and writes its
// record with JSON::XS: 93-140 ms inside backup1 against 144-171 ms. What is left is the docker exec itself (a bare
// `true` through dockerode: 93-145 ms here) and the script (Perl + JSON::XS + sockets 44 ms to load; both nodes' IMAP
// sessions 35-45 ms). The store's time is now reported to the hundredth (it was rounded to 0.1 s, so an incremental
// of 0.26 s read as 0.3). Quiet runs: full 2.6 s / incremental 0.3 s (0.12, before the hundredths); full 2.51 s /
// incremental 0.27 s (0.11; target 0.10: not met by 0.01); tar 0.25-0.27 s / restore 3.29-3.42 s (12.8-13.1x).
// Session 16 (fresh machine): backup1 streams every file of the user's snapshot while the master reads the mailbox
// (serve ∥ manifest; the restore takes only what is missing; a stream nobody takes is withdrawn), and serve listens
// itself before it answers (it polled `ss` for a socat every 0.1 s). Full 1.49 s / incremental 0.10 s (0.07); tar
// 0.215 s / restore 1.83 s (8.5x; 1.9 s the session before, when tar took 0.68 s on the same machine). What is
// left is Cyrus's own indexing of 1,000 appends (~1 s) and four exec round trips: 2x tar is out of reach by APPEND.
// Session 23 (fresh machine): the restore puts the files into the spool under the next UIDs and runs `reconstruct`
// (the session-9 note that it bypasses the sync log was wrong: Cyrus 3.6's reconstruct logs the mailbox and the
// replica got every message). Inside the restore exec on imap1, 1,000 messages: stream and write the files 240 ms
// (creating 1,000 files costs ~150 ms on this disk, as tar's do), link 40 ms, reconstruct 200 ms, read back by
// GUID and flags 70 ms, the manifest after 55 ms; the exec 1.5 s → 0.9 s. The action's other three layers of
// docker execs (the listing; the snapshot with the master's role; the mailbox with backup1's stream) ~0.9 s.
// Bench, before → after (one run each): tar 0.143 s / restore 2.19 s (15.4x) → tar 0.106 s / restore 1.82 s (17.2x);
// two more runs after: 2.19 s and 2.34 s (tar 0.115 s, 0.18 s): a single restore swings by 0.5 s here. A/B on one
// lab, five restores each in one runtime: MULTIAPPEND 2.19-2.90 s (median 2.73), reconstruct 1.75-1.99 s (median
// 1.89).
// 2x tar would be the whole restore in 0.21-0.29 s: less than two docker execs here, and less than tar plus
// Cyrus's own indexing.
// Tried and not kept: one exec layer fewer (backup1's show also serving the user's files, the master reading its
// mailbox inside the restore exec). Five restores each in one runtime, A/B on the same lab: 1.75-1.99 s (median
// 1.89) as it is, 1.82-2.05 s (median 2.00) with it: the round trip saved was paid back by work that had run
// beside another exec (the serve's packing beside the manifest) now running in series. Kept: the listing asks db3
// for its offsite copies beside backup1's own list (they were two round trips in a row in every act on backup1).
import { createRuntime } from '../../main/api/runtime'
import { containerName } from '../../main/engine/lab/naming'
import { atLeast, atMost, type BenchResult } from './figure'

const LAB = process.env.RACKLAB_BENCH_LAB_BACKUP ?? 'bench-backup'
const SERVERS = ['db1', 'db2', 'db3', 'imap1', 'imap2', 'backup1']
const MESSAGES = 1000

type Runtime = Awaited<ReturnType<typeof createRuntime>>

async function sh(rt: Runtime, server: string, script: string, stdin?: string): Promise<string> {
  const r = await rt.lab.gateway.exec(containerName(LAB, server), ['bash', '-c', script], { timeoutMs: 900_000, ...(stdin === undefined ? {} : { stdin }) })
  if (r.exitCode !== 0) throw new Error(`${server}: ${script.slice(0, 80)}…: ${(r.stderr || r.stdout).trim().slice(0, 400)}`)
  return r.stdout.trim()
}

/** figures as they come, on stderr: a later step that fails does not hide them */
const note = (text: string): void => void process.stderr.write(`  backup: ${text}\n`)
const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d

/** the imap1 part of a backup-now's sentence: files copied and the store's own seconds */
function storePart(text: string): { newFiles: number; s: number; unchanged: boolean } {
  const m = /imap1 from \S+: \d+ accounts, \d+ messages, (\d+) new files \(\d+ bytes\) in ([\d.]+) s(, unchanged since)?/.exec(text)
  if (!m) throw new Error(`backup-now did not report imap1's snapshot: ${text.slice(0, 400)}`)
  return { newFiles: Number(m[1]), s: Number(m[2]), unchanged: m[3] !== undefined }
}

// MESSAGES messages of a few KB each, APPENDed to bob's INBOX on imap1 (one IMAP session; not timed)
const SEED = `
use lib '/usr/local/lib/racklab'; use Racklab::CyrusSession qw(connect_as);
my $i = connect_as('127.0.0.1', 'bob', timeout => 60);
for my $n (1 .. $ARGV[0]) {
  my $body = join("\\r\\n", map { "line $_ of bench message $n " . ('x' x 60) } 1 .. 40);
  my $msg = "From: bench\\@example.test\\r\\nTo: bob\\@fastmail.test\\r\\nSubject: bench $n $$\\r\\nMessage-ID: <bench-$n-$$-" . time . "\\@example.test>\\r\\n\\r\\n$body\\r\\n";
  $i->append_string('INBOX', $msg) or die "APPEND $n: " . $i->LastError;
}
$i->logout;`

const inboxCount = async (rt: Runtime, server: string): Promise<number> =>
  (JSON.parse(await sh(rt, server, 'racklab-mail-find --user bob --mailbox INBOX')) as { messages: unknown[] }).messages.length

async function until(what: string, ms: number, ok: () => Promise<boolean>): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 1000))) if (await ok()) return
  throw new Error(`${what} did not happen within ${ms / 1000} s`)
}

export async function benchBackup(): Promise<BenchResult> {
  const rt = await createRuntime({ labId: LAB, watch: false })
  const act = async (action: string, args: Record<string, string> = {}): Promise<{ text: string; s: number }> => {
    // a one-shot runtime's lab clock moves only when asked: each backup-now gets its own stamp (lab minute)
    await rt.lab.syncHardware()
    const t0 = performance.now()
    const text = await rt.lab.act('server:backup1', action, args)
    return { text, s: (performance.now() - t0) / 1000 }
  }
  try {
    await rt.lab.down(true).done.catch(() => undefined)
    const up = await rt.lab.up(SERVERS).done
    if (up.status !== 'succeeded') throw new Error(`up failed: ${up.error?.message}`)

    // (1) full, then incremental of the unchanged store
    const had = await inboxCount(rt, 'imap1')
    await sh(rt, 'imap1', `perl -e "$(cat)" ${MESSAGES}`, SEED)
    await until(`bob's ${MESSAGES} messages on imap2`, 300_000, async () => (await inboxCount(rt, 'imap2')) === had + MESSAGES)
    const full = storePart((await act('backup-now')).text)
    const incr = storePart((await act('backup-now')).text)
    // the unchanged store's one call (backup1's snapshot-if-unchanged), not the long way after a "changed"
    note(`full ${full.newFiles} files in ${full.s} s; incremental ${incr.newFiles} files in ${incr.s} s (${incr.unchanged ? 'one call: unchanged since the full' : 'the long way: backup1 did not find the store unchanged'})`)

    // (2) the tar baseline on bob's INBOX files, then the INBOX emptied and restored from the snapshot
    const tarS = Number(await sh(rt, 'imap1', [
      'set -e; d=$(runuser -u cyrus -- /usr/lib/cyrus/bin/mbpath user.bob); rm -rf /tmp/bench-tar; mkdir /tmp/bench-tar',
      't0=$(date +%s%N); (cd "$d" && ls | grep -E "^[0-9]+\\.$" | tar -cf - -T -) | tar -xf - -C /tmp/bench-tar; sync; t1=$(date +%s%N)',
      'n=$(ls /tmp/bench-tar | wc -l); rm -rf /tmp/bench-tar; [ "$n" -ge ' + MESSAGES + ' ] || { echo "tar copied $n files" >&2; exit 1; }',
      'awk -v a="$t0" -v b="$t1" "BEGIN { printf \\"%.3f\\", (b - a) / 1e9 }"',
    ].join('\n')))
    await sh(rt, 'imap1', `perl -I/usr/local/lib/racklab -MRacklab::CyrusSession=connect_as -e 'my $i = connect_as("127.0.0.1", "bob", timeout => 120); $i->select("INBOX") or die; $i->delete_message("1:*"); $i->expunge or die $i->LastError; $i->logout'`)
    const restore = await act('restore-mail', { user: 'bob' })
    if (!/every message of the snapshot is present/.test(restore.text)) throw new Error(`the restore did not verify: ${restore.text.slice(0, 400)}`)
    note(`tar ${tarS} s; restore-mail ${round(restore.s)} s`)
    if ((await inboxCount(rt, 'imap1')) < had + MESSAGES) throw new Error(`bob's INBOX was not restored whole: ${restore.text.slice(0, 400)}`)

    // (3) rows, a DELETE without WHERE that replicates, and the point-in-time restore to just before it
    await sh(rt, 'db1', `mariadb racklab -e "INSERT INTO address_book (user_id, name, email) SELECT id, CONCAT('bench ', login), CONCAT('bench-', login, '@example.test') FROM users; DELETE FROM address_book;"`)
    const pitr = await act('restore-db', { before: 'delete:address_book' })
    if (!/equal those at that point on db1, db2, db3/.test(pitr.text)) throw new Error(`the point-in-time restore did not verify on every server: ${pitr.text.slice(0, 500)}`)

    return {
      messages: MESSAGES,
      fullBackupStoreS: full.s,
      fullBackupNewFiles: full.newFiles,
      incrementalBackupStoreS: incr.s,
      incrementalNewFiles: atMost(incr.newFiles, 0),
      // 1: the incremental was backup1's one call (every node's STATUS equal to the full's record); 0: the long way
      incrementalOneCall: atLeast(incr.unchanged ? 1 : 0, 1),
      incrementalOverFull: atMost(round(incr.s / full.s), 0.1),
      tarCopyS: round(tarS, 3),
      restoreUserS: round(restore.s),
      restoreOverTar: atMost(round(restore.s / tarS), 2),
      pitrRestoreWithReplicasS: atMost(round(pitr.s, 1), 60),
    }
  } finally {
    await rt.lab.down(true).done.catch(() => undefined)
    rt.close()
  }
}
