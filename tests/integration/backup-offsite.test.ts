// The offsite copy cut by the WAN, on the real engine: with backup1's WAN cable out, a run keeps its backup on
// backup1 and says it is NOT offsite (db3 holds no COMPLETE for it, the backup.offsite probe fails); with the
// cable back, the next run copies its own night and the missed one again, whole and sha256-checked, and every
// kept night is complete on db3. The fewest servers: db2 (the backup source), db3 (offsite), backup1. Run alone:
// RACKLAB_TEST_LAB=it-offsite npx vitest run --project integration tests/integration/backup-offsite.test.ts
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BackupsInfo } from '@contract/backup'
import { racklab } from './helpers'
import { check, run } from './lab-driver'

const act = async (target: string, ...args: string[]): Promise<string> => {
  const r = await racklab(['act', target, ...args])
  if (r.code !== 0) throw new Error(`act ${target} ${args.join(' ')} exited ${r.code}: ${r.stderr}`)
  return r.stdout + r.stderr
}
const stampOf = (text: string): string => /backup (\d{8}T\d{6}):/.exec(text)?.[1] ?? ''

describe('offsite copies after a WAN cut', () => {
  beforeAll(async () => {
    await racklab(['down', '--volumes'])
    const up = await racklab(['up', '--only', 'backup1,db2,db3'])
    if (up.code !== 0) throw new Error(`racklab up failed (${up.code}): ${up.stderr.slice(-1500)}`)
  }, 1_200_000)
  afterAll(async () => {
    await racklab(['down', '--volumes'])
  }, 300_000)

  it('a night cut from db3 is never complete there, and the next run that reaches db3 copies it again', async () => {
    expect(await act('server:backup1', 'backup-now')).toMatch(/copied offsite to db3 \(sha256 checked\)/)

    await act('cable:backup1/wan', 'unplug')
    const cut = await act('server:backup1', 'backup-now')
    expect(cut).toMatch(/NOT offsite/)
    const missed = stampOf(cut)
    expect(missed).not.toBe('')
    expect(await run('db3', ['sh', '-c', `test -f /var/backups/racklab/${missed}/COMPLETE && echo complete || echo absent`])).toContain('absent')
    const offsite = (await check()).find((r) => r.id === 'backup.offsite')
    expect(offsite?.ok, offsite?.message).toBe(false)

    await act('cable:backup1/wan', 'plug')
    const next = await act('server:backup1', 'backup-now')
    expect(next).toMatch(/copied offsite to db3 \(sha256 checked\)/)
    expect(next).toContain(`caught up offsite: ${missed}`)
    const b = JSON.parse((await racklab(['backups', '--json'])).stdout) as BackupsInfo
    expect(b.nights.length).toBe(3)
    expect(b.nights.every((n) => n.db?.offsite === true)).toBe(true)
    // each copy's sha256 equals backup1's (what COMPLETE records)
    for (const n of b.nights) {
      const here = (await run('backup1', ['sh', '-c', `cut -d' ' -f1 /backup/db/${n.stamp}/backup.xbstream.sha256`])).trim()
      expect((await run('db3', ['cat', `/var/backups/racklab/${n.stamp}/COMPLETE`])).trim()).toBe(here)
    }
    expect((await check()).find((r) => r.id === 'backup.offsite')?.ok).toBe(true)
  }, 600_000)
})
