// Reads what one Cyrus node holds of a workload run: the messages each user sees over IMAP
// (racklab-mail-find, as the user, every mailbox) joined by GUID with the spool files (Cyrus's GUID is the SHA1
// of the message file), which give the body's SHA1 and the time the file was written.
import { workloadSubjectPrefix, type WorkloadExec } from './workload'

export interface StoredMessage {
  server: string
  user: string
  mailbox: string
  messageId: string
  /** bodySha1 of the stored body; undefined when no spool file had the message's GUID */
  sha1?: string
  /** wall ms the spool file was written */
  storedAt?: number
}

// One line per spool file whose Subject has the run's prefix (the webmail gives its messages Message-IDs of its
// own): GUID (SHA1 of the file), body SHA1 (CRs and trailing newlines removed, as bodySha1 does; a quoted-printable
// body, as the webmail sends, decoded first), mtime. Perl: every image has it; no image change needed.
const SPOOL_INDEX = String.raw`
use strict; use warnings; use File::Find; use Digest::SHA qw(sha1_hex); use Time::HiRes qw(stat); use MIME::QuotedPrint qw(decode_qp);
my $prefix = shift;
find({ no_chdir => 1, wanted => sub {
  return unless -f $_ && m{/\d+\.$} && !m{/DELETED/};
  open(my $fh, '<:raw', $_) or return; local $/; my $m = <$fh>; close $fh;
  my ($head, $body) = split /\r?\n\r?\n/, $m, 2; $body //= '';
  return unless $head =~ /^Subject:[ \t]*\Q$prefix\E/mi;
  (my $b = $body) =~ s/\r//g;
  $b = decode_qp($b) if $head =~ /^Content-Transfer-Encoding:\s*quoted-printable/mi;
  $b =~ s/\n+\z//;
  printf "%s\t%s\t%.3f\n", sha1_hex($m), sha1_hex($b), (stat($_))[9];
} }, '/var/spool/cyrus/mail');
`

export interface SpoolEntry {
  sha1: string
  storedAt: number
}

export function parseSpoolIndex(out: string): Map<string, SpoolEntry> {
  const byGuid = new Map<string, SpoolEntry>()
  for (const line of out.split('\n')) {
    const m = /^([0-9a-f]{40})\t([0-9a-f]{40})\t(\d+(?:\.\d+)?)$/.exec(line.trim())
    if (m) byGuid.set(m[1]!, { sha1: m[2]!, storedAt: Math.round(Number(m[3]) * 1000) })
  }
  return byGuid
}

interface FoundJson {
  messages: { mailbox: string; guid: string; messageId: string | null; subject?: string | null }[]
}

/** every message of the run (its Subject starts with workloadSubjectPrefix(runTag)) on `server` for these users;
 *  throws with the reason when the node can't be read */
export async function readStore(exec: WorkloadExec, server: string, users: string[], runTag: string): Promise<StoredMessage[]> {
  const subjectPrefix = workloadSubjectPrefix(runTag)
  const idx = await exec(server, ['perl', '-e', SPOOL_INDEX, subjectPrefix], 120_000)
  if (idx.exitCode !== 0) throw new Error(`${server}: reading the spool failed (exit ${idx.exitCode}): ${(idx.stderr || idx.stdout).trim().slice(-300)}`)
  const spool = parseSpoolIndex(idx.stdout)
  const out: StoredMessage[] = []
  for (const user of users) {
    // Cyrus's SEARCH HEADER Subject finds a single word (the run tag) but not the phrase "workload TAG #" (measured:
    // nothing found): search by the tag, then keep the run's own subjects
    const r = await exec(server, ['racklab-mail-find', '--user', user, '--header', 'Subject', '--value', runTag], 120_000)
    if (r.exitCode !== 0) throw new Error(`${server}: listing ${user}'s mail failed (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim().slice(-300)}`)
    let found: FoundJson
    try {
      found = JSON.parse(r.stdout) as FoundJson
    } catch {
      throw new Error(`${server}: racklab-mail-find for ${user} printed no JSON: ${r.stdout.slice(0, 200)}`)
    }
    for (const m of found.messages) {
      if (!m.subject?.includes(subjectPrefix) || !m.messageId) continue
      const f = spool.get(m.guid)
      out.push({ server, user, mailbox: m.mailbox, messageId: m.messageId.trim(), ...(f ? { sha1: f.sha1, storedAt: f.storedAt } : {}) })
    }
  }
  return out
}
