// A restore interrupted by the engine being killed (issue 11): bob's INBOX of 600 messages is emptied and
// restore-mail user=bob started; once its record in the state dir says it is putting messages back, the engine
// is SIGKILLed. The next engine resumes it (the action ledger runs it again, the record says how): the journal
// says RESUMED, every message of the snapshot is back exactly once, and the record is gone. Only db1, imap1,
// imap2 and backup1. Run alone:
// RACKLAB_TEST_LAB=it-rkill npx vitest run --project integration tests/integration/restore-interrupted.test.ts
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { racklab, TEST_HOME, TEST_LAB, until } from './helpers'
import { freshLabOf, run } from './lab-driver'

const N = 600
const stateDir = join(TEST_HOME, TEST_LAB)
const markFile = join(stateDir, 'restore-backup1.json')
const enginePid = (): number => (JSON.parse(readFileSync(join(stateDir, 'engine.lock'), 'utf8')) as { pid: number }).pid
const inbox = async (server: string): Promise<string[]> =>
  (JSON.parse(await run(server, ['racklab-mail-find', '--user', 'bob', '--mailbox', 'INBOX'])) as { messages: { guid: string }[] }).messages.map((m) => m.guid)
const ok = async (args: string[]): Promise<string> => {
  const r = await racklab(args)
  if (r.code !== 0) throw new Error(`racklab ${args.join(' ')} exited ${r.code}: ${r.stderr}`)
  return r.stdout + r.stderr
}
const SEED = `use lib '/usr/local/lib/racklab'; use Racklab::CyrusSession qw(connect_as);
my $i = connect_as('127.0.0.1', 'bob', timeout => 60);
for my $n (1 .. ${N}) { $i->append_string('INBOX', "From: k\\@example.test\\r\\nSubject: kill $n\\r\\nMessage-ID: <kill-$n-$$\\@example.test>\\r\\n\\r\\n" . ("body $n " x 200) . "\\r\\n") or die $i->LastError }
$i->logout;`

describe('a restore interrupted by the engine being killed', () => {
  freshLabOf(['db1', 'imap1', 'imap2', 'backup1'])

  it('is resumed by the next engine: every message back once, journaled as RESUMED, its record gone', async () => {
    await run('imap1', ['perl', '-e', SEED])
    const snapshot = await until('bob\'s messages on imap2', async () => {
      const [a, b] = [await inbox('imap1'), await inbox('imap2')]
      return a.length >= N && b.length === a.length ? a : undefined
    }, 300_000, 2000)
    await ok(['act', 'server:backup1', 'backup-now'])
    await run('imap1', ['perl', '-I/usr/local/lib/racklab', '-MRacklab::CyrusSession=connect_as', '-e', 'my $i = connect_as("127.0.0.1", "bob", timeout => 120); $i->select("INBOX") or die; $i->delete_message("1:*"); $i->expunge or die $i->LastError; $i->logout'])
    expect(await inbox('imap1')).toEqual([])
    const before = Math.max(0, ...(JSON.parse(await ok(['journal', '--json'])) as { seq: number }[]).map((e) => e.seq))

    const pid = enginePid()
    const acting = racklab(['act', 'server:backup1', 'restore-mail', 'user=bob'])
    await until('the restore\'s record says applying', async () => {
      if (!existsSync(markFile)) return undefined
      try { return (JSON.parse(readFileSync(markFile, 'utf8')) as { phase: string }).phase === 'applying' || undefined } catch { return undefined }
    }, 120_000, 50)
    process.kill(pid, 'SIGKILL')
    const dead = await acting
    expect(dead.code).not.toBe(0)
    // not done yet, and not shown as done: the record is still there for the next engine
    expect(existsSync(markFile)).toBe(true)

    await ok(['status']) // a new engine: it runs the ledger's unfinished restore again, as the record says
    const resumed = await until('the journal to say the restore was resumed', async () => {
      const journal = JSON.parse(await ok(['journal', '--json', '--since', String(before)])) as { text: string }[]
      return journal.find((e) => e.text.startsWith('restore-mail user=bob server:backup1: resumed after an engine restart'))
    }, 300_000, 1000)
    expect(resumed.text).toMatch(/RESUMED restore-mail user=bob .*was interrupted while putting messages back/)
    expect(resumed.text).toMatch(/verified by SHA1 GUID: every message of the snapshot is present/)
    // every message once: the interrupted run's appends plus the resumed run's, none twice
    const back = await inbox('imap1')
    expect(back.length).toBe(snapshot.length)
    expect([...back].sort()).toEqual([...snapshot].sort())
    expect(existsSync(markFile)).toBe(false)
    const backups = await ok(['backups'])
    expect(backups).not.toMatch(/INTERRUPTED/)
  }, 900_000)
})
