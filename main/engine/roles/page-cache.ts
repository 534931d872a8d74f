// Backups stream data that nobody reads again soon: a night's DB stream is read by its receiver, by prepare, by
// sha256 and by each restore drill, and so becomes *active* page cache, which Docker charges to the container
// (docker stats subtracts only inactive file pages). Measured on an idle lab after one backup: backup1 39 MiB
// of active cache against 1 MiB of processes, db2 12 MiB (mariadb-backup read the datadir), db3 9 MiB (the
// offsite copy and its sha256). Backup tools drop what they streamed from the cache (rsync --drop-cache, the
// `nocache` wrapper); so does racklab, with posix_fadvise(DONTNEED), once a run or a drill is over.

/** how a hook or probe runs a command in a server */
type Run = (server: string, cmd: string[], o?: { timeoutMs?: number }) => Promise<{ exitCode: number; stdout: string; stderr: string }>

// Perl is in every role image; syscall.ph (h2ph's headers, Debian's perl package) names the call for the
// image's own architecture. POSIX_FADV_DONTNEED is 4 on Linux. Dirty pages are written back, not dropped.
// Prints how many files it advised.
export const DROP_SCRIPT = [
  'use strict; use File::Find; require "syscall.ph";',
  'my $n = 0;',
  'find({ no_chdir => 1, wanted => sub { return if -l $_ || !-f _; open(my $fh, "<", $_) or return;',
  '  $n++ if syscall(&SYS_fadvise64, fileno($fh), 0, 0, 4) == 0; close $fh } }, grep { -e } @ARGV);',
  'print "$n\\n";',
].join('\n')

/** drop these files, or every file under these folders, from the server's page cache; how many were advised
 *  (undefined when it could not run: a cache is no correctness matter, so this never fails its caller) */
export async function dropPageCache(run: Run, server: string, paths: readonly string[]): Promise<number | undefined> {
  if (!paths.length) return 0
  try {
    const r = await run(server, ['perl', '-e', DROP_SCRIPT, ...paths], { timeoutMs: 30_000 })
    return r.exitCode === 0 ? Number(r.stdout.trim()) : undefined
  } catch {
    return undefined
  }
}
