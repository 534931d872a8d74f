// A database replica rebuilt from backup1's newest verified hot backup plus GTID catch-up from the primary,
// instead of a full dump of the primary (issue 11): rows written after the backup arrive by replication, the
// result names the backup (stamp, GTID) and the transactions caught up, each step is journaled as it happens.
// Only the database tier and backup1 (imap1 is absent: the night's mail part says so, the database part runs).
// Run alone: RACKLAB_TEST_LAB=it-seed npx vitest run --project integration tests/integration/backup-seed.test.ts
import { describe, expect, it } from 'vitest'
import { racklab } from './helpers'
import { freshLabOf, sql } from './lab-driver'

const act = async (target: string, ...args: string[]): Promise<string> => {
  const r = await racklab(['act', target, ...args])
  if (r.code !== 0) throw new Error(`act ${target} ${args.join(' ')} exited ${r.code}: ${r.stderr}`)
  return r.stdout + r.stderr
}

describe('a replica seeded from the hot backup', () => {
  freshLabOf(['db1', 'db2', 'db3', 'backup1'])

  it('db3 rebuilt from backup1\'s backup, caught up by GTID with what came after it, checksums equal db1\'s', async () => {
    const backup = await act('server:backup1', 'backup-now')
    expect(backup).toMatch(/hot DB backup of db2 \(a replica/)
    const stamp = /^backup (\d{8}T\d{6}):/m.exec(backup)?.[1]
    expect(stamp, backup).toBeTruthy()
    // written after the backup: only the catch-up from db1 can bring these to db3
    await sql('db1', "INSERT INTO address_book (user_id, name, email) SELECT id, c.n, c.e FROM users, (SELECT 'Eve' n, 'eve@seed.test' e UNION ALL SELECT 'Fay', 'fay@seed.test') c WHERE login = 'alice'")
    const before = Math.max(0, ...(JSON.parse((await racklab(['journal', '--json'])).stdout) as { seq: number }[]).map((e) => e.seq))

    const text = await act('server:db3', 'rebuild', 'from=backup')
    expect(text).toMatch(new RegExp(`db3 rebuilt from backup1's hot backup ${stamp} \\(GTID \\d+-\\d+-\\d+, sha256 and prepare verified; no dump of the primary\\), then caught up from db1 by GTID to \\S+ \\((\\d+) transactions? since the backup\\); table checksums equal db1's`))
    expect(Number(/\((\d+) transactions? since the backup\)/.exec(text)?.[1])).toBeGreaterThanOrEqual(1)
    expect(await sql('db3', "SELECT COUNT(*) FROM address_book WHERE email LIKE '%@seed.test'")).toBe('2')
    // and it keeps replicating: a row written now reaches it
    await sql('db1', "INSERT INTO address_book (user_id, name, email) SELECT id, 'Gus', 'gus@seed.test' FROM users WHERE login = 'alice'")
    for (let i = 0; i < 30 && (await sql('db3', "SELECT COUNT(*) FROM address_book WHERE email LIKE '%@seed.test'")) !== '3'; i++) await new Promise((r) => setTimeout(r, 1000))
    expect(await sql('db3', "SELECT COUNT(*) FROM address_book WHERE email LIKE '%@seed.test'")).toBe('3')

    // its steps were journaled as they happened, and the action itself with its result
    const journal = JSON.parse((await racklab(['journal', '--json', '--since', String(before)])).stdout) as { text: string; target?: string }[]
    const steps = journal.filter((e) => e.target === 'server:db3' && /^rebuild db3 from backup1's hot backup: \d\/4 /.test(e.text)).map((e) => e.text.split(': ')[1]?.slice(0, 3))
    expect(steps).toEqual(['1/4', '2/4', '3/4', '4/4'])
    expect(journal.some((e) => e.target === 'server:db3' && /^rebuild from=backup server:db3: db3 rebuilt from backup1's hot backup/.test(e.text))).toBe(true)
  }, 600_000)

  it('the primary is not rebuilt, and says why', async () => {
    const r = await racklab(['act', 'server:db1', 'rebuild'])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(/db1 is the primary: only a replica is rebuilt/)
  }, 60_000)
})
