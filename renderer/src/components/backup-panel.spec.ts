import { afterEach, describe, expect, it } from 'vitest'
import type { BackupNight, BackupsInfo } from '@contract/backup'
import type { ActionInfo, JournalEntry } from '@contract/status'
import { ClientError } from '../client/client-error'
import type { FakeClient } from '../testing/fake-client'
import { labStatus, server } from '../testing/fixtures'
import { flush } from '../testing/flush'
import { labClient } from '../testing/lab-client'
import { mountWith, type Mounted } from '../testing/mount'
import BackupPanel from './BackupPanel.vue'

let mounted: Mounted | null = null
afterEach(() => {
  mounted?.unmount()
  mounted = null
})

const store = (name: string, messages: number, newFiles: number) => ({ store: name, source: name.replace('1', '2'), accounts: 3, mailboxes: 6, messages, bytes: messages * 2048, newFiles, newBytes: newFiles * 2048, ms: 900 })
const night1: BackupNight = { stamp: '20070614T020000', labMs: 7_200_000, db: { bytes: 3 * 1048576, gtid: '0-1-120', binlogFile: 'db2-bin.000002', binlogPos: 400, offsite: true, ms: 5000 }, mail: [store('imap1', 10, 10), store('imap3', 4, 4)] }
const night2: BackupNight = { stamp: '20070615T020000', labMs: 93_600_000, db: { bytes: 3.5 * 1048576, gtid: '0-1-190', binlogFile: 'db2-bin.000003', binlogPos: 880, offsite: false, ms: 5200 }, mail: [store('imap1', 12, 2), store('imap3', 4, 0)] }
const info = (nights: BackupNight[], over: Partial<BackupsInfo> = {}): BackupsInfo => ({
  server: 'backup1',
  offsite: 'db3',
  nights,
  stored: { mailFiles: 16, mailBytes: 16 * 2048, dbBytes: nights.reduce((n, x) => n + (x.db?.bytes ?? 0), 0) },
  retentionNights: 7,
  ...over,
})
const actions = (refused?: string): ActionInfo[] => [
  { id: 'backup-now', label: 'Back up now (…)', kind: 'operate', enabled: !refused, ...(refused ? { reason: refused } : {}), family: 'role' },
  {
    id: 'restore-mail',
    label: 'Restore mail from a snapshot',
    kind: 'restore',
    enabled: !refused,
    ...(refused ? { reason: refused } : {}),
    family: 'role',
    params: [
      { id: 'user', label: 'User', choices: ['alice', 'bob', 'carol'], optional: true },
      { id: 'store', label: 'Store', choices: ['imap1', 'imap3'], optional: true },
      { id: 'snapshot', label: 'Snapshot', choices: ['20070614T020000', '20070615T020000'], optional: true },
    ],
  },
]
const entry = (seq: number, text: string, data: unknown): JournalEntry => ({ seq, at: '2026-12-01T03:00:00.000Z', labMs: 0, kind: 'action', target: 'server:backup1', text, data })

function client(nights: BackupNight[]): FakeClient {
  const c = labClient(labStatus([server('backup1', { role: 'backup' })]))
  // the newest night's run is the last one journaled
  c.answer('backup.list', () => info(nights, nights.length ? { lastRun: { seq: 4, at: '2026-12-01T02:00:00.000Z', labMs: 0, ok: true, text: `backup-now server:backup1: backup ${nights.at(-1)!.stamp}: hot DB backup of db2 …; mail snapshot …; 5.6 s` } } : {}))
  c.answer('actions.list', () => actions())
  return c
}
const cells = (row: HTMLElement): string[] => [...row.querySelectorAll('th, td')].map((x) => (x.textContent ?? '').replace(/\s+/g, ' ').trim())

describe('BackupPanel', () => {
  it('shows the nights newest first, each store with its numbers, the database backup with GTID and offsite state, and what is stored', async () => {
    const c = client([night1, night2])
    mounted = mountWith(BackupPanel, c, { server: 'backup1' })
    await flush()
    const rows = mounted.$$('[data-testid="backup-nights"] tbody tr')
    expect(rows.map((r) => r.dataset.night)).toEqual(['20070615T020000', '20070615T020000', '20070614T020000', '20070614T020000'])
    expect(cells(rows[0]!)).toEqual(['Jun 1502:00', '3.5 MB not offsiteGTID 0-1-190', 'imap13 accounts', '12', '24.0 KB', '2'])
    expect(rows[0]!.querySelector('td')?.getAttribute('title')).toBe('ends at GTID 0-1-190 (db2-bin.000003:880)')
    expect(cells(rows[1]!)).toEqual(['imap33 accounts', '4', '8.0 KB', '0'])
    expect(cells(rows[2]!)).toEqual(['Jun 1402:00', '3.0 MB offsiteGTID 0-1-120', 'imap13 accounts', '10', '20.0 KB', '10'])
    const summary = mounted.$('.backup-summary')?.textContent ?? ''
    expect(summary).toContain('2 nights (keeps 7)')
    expect(summary).toContain('mail 16 files, 32.0 KB; database 6.5 MB')
    expect(summary).toContain('offsite on db3')
    const last = mounted.$('[data-testid="backup-last-run"] summary')?.textContent ?? ''
    expect(last).toContain('last run ok')
    expect(last).toContain('night 2007-06-15 02:00 in 5.6 s')
    expect(mounted.$('[data-testid="backup-last-run"] .backup-last-text')?.textContent).toContain('backup 20070615T020000: hot DB backup of db2')
    // read again when backup1's state arrives; always asking for this server
    expect(new Set(c.callsOf('backup.list').map((a) => JSON.stringify(a)))).toEqual(new Set([JSON.stringify({ server: 'backup1' })]))
  })

  it('shows a restore a killed engine left as interrupted, and nothing of the kind otherwise', async () => {
    const c = client([night1])
    mounted = mountWith(BackupPanel, c, { server: 'backup1' })
    await flush()
    expect(mounted.$('[data-testid="backup-interrupted"]')).toBeNull()
    mounted.unmount()
    const text = 'restore-mail user=bob INTERRUPTED (engine stopped while applying it, since 2026-12-01T10:00:00.000Z): not done; it is resumed or rolled back when the engine runs it again'
    c.answer('backup.list', () => info([night1], { interrupted: text }))
    mounted = mountWith(BackupPanel, c, { server: 'backup1' })
    await flush()
    expect(mounted.$('[data-testid="backup-interrupted"]')?.textContent).toBe(text)
  })

  it('shows only this server\'s backup probes', async () => {
    const c = client([night1])
    mounted = mountWith(BackupPanel, c, { server: 'backup1' })
    await flush()
    c.emit('probe.results', [
      { id: 'backup.fresh', target: 'backup1', ok: true, message: 'newest database backup 20070614T020000 is 1.0 lab hours old', at: '2026-12-01T03:00:00.000Z' },
      { id: 'backup.offsite', target: 'backup1', ok: false, message: 'backup 20070614T020000 is not complete on db3', at: '2026-12-01T03:00:00.000Z' },
      { id: 'db.ping', target: 'db2', ok: true, message: 'answers', at: '2026-12-01T03:00:00.000Z' },
    ])
    await flush()
    const probes = mounted.$$('.backup-probes [data-probe]')
    expect(probes.map((p) => p.dataset.probe)).toEqual(['backup.fresh', 'backup.offsite'])
    expect(probes[1]!.textContent).toContain('fail')
  })

  it('"Back up now" runs backup-now through actions.run and shows the new night once the run is journaled', async () => {
    const nights = [night1]
    const c = client(nights)
    let finish: (v: { target: string; action: string; text: string }) => void = () => undefined
    c.answer('actions.run', () => new Promise((r) => (finish = r)))
    mounted = mountWith(BackupPanel, c, { server: 'backup1' })
    await flush()
    expect(mounted.$$('[data-testid="backup-nights"] tbody tr')).toHaveLength(2)
    mounted.$('[data-testid="backup-now"]')!.click()
    await flush()
    expect(c.callsOf('actions.run')).toEqual([{ target: 'server:backup1', action: 'backup-now' }])
    expect(mounted.$('[data-testid="backup-now"]')?.textContent?.trim()).toBe('Backing up…')
    expect(mounted.$('[data-testid="backup-now"]')?.hasAttribute('disabled')).toBe(true)
    expect(mounted.$('[data-testid="backup-running"]')?.textContent).toContain('Backing up backup1…')
    // the engine takes the night and journals the run; the panel reads backup1 again
    nights.push(night2)
    const listed = c.callsOf('actions.list').length
    finish({ target: 'server:backup1', action: 'backup-now', text: 'backup 20070615T020000: …' })
    c.emit('journal.appended', entry(5, 'backup-now server:backup1: backup 20070615T020000: …', { action: 'backup-now', ok: true }))
    await flush()
    await flush()
    // its report is the last run's (no second copy under the button)
    expect(mounted.$('[data-testid="backup-outcome"]')).toBeNull()
    expect(mounted.$('[data-testid="backup-last-run"] summary')?.textContent).toContain('night 2007-06-15 02:00')
    expect(mounted.$$('[data-testid="backup-nights"] tbody tr')[0]?.dataset.night).toBe('20070615T020000')
    expect(mounted.$('[data-testid="backup-now"]')?.textContent?.trim()).toBe('Back up now')
    // the restore's snapshot choices are read again with the new night
    expect(c.callsOf('actions.list').length).toBeGreaterThan(listed)
  })

  it('restores the chosen user from the chosen snapshot with restore-mail', async () => {
    const c = client([night1, night2])
    c.answer('actions.run', (a) => ({ target: a!.target, action: a!.action, text: 'bob into imap1 from snapshot 20070614T020000: 3 message(s) restored' }))
    mounted = mountWith(BackupPanel, c, { server: 'backup1' })
    await flush()
    const snaps = [...mounted.$('[data-testid="restore-snapshot"]')!.querySelectorAll('option')].map((o) => o.value)
    expect(snaps).toEqual(['', '20070615T020000', '20070614T020000'])
    const user = mounted.$('[data-testid="restore-user"]') as HTMLSelectElement
    user.value = 'bob'
    user.dispatchEvent(new Event('change'))
    const snap = mounted.$('[data-testid="restore-snapshot"]') as HTMLSelectElement
    snap.value = '20070614T020000'
    snap.dispatchEvent(new Event('change'))
    await flush()
    mounted.$('[data-testid="restore-mail"]')!.click()
    await flush()
    expect(c.callsOf('actions.run')).toEqual([{ target: 'server:backup1', action: 'restore-mail', args: { user: 'bob', snapshot: '20070614T020000' } }])
    expect(mounted.$('[data-testid="backup-outcome"]')?.textContent).toContain('3 message(s) restored')
  })

  it('says why when backup1 can\'t be read, and the buttons give the engine\'s reason', async () => {
    const c = client([])
    c.answer('backup.list', () => Promise.reject(new ClientError('REFUSED', 'backup1 is stopped, not running: its backups can\'t be read until it runs')))
    c.answer('actions.list', () => actions('backup1 is not running: start it first'))
    mounted = mountWith(BackupPanel, c, { server: 'backup1' })
    await flush()
    expect(mounted.$('[data-testid="backup-error"]')?.textContent).toContain('backup1 is stopped, not running')
    expect(mounted.$('[data-testid="backup-now"]')?.hasAttribute('disabled')).toBe(true)
    expect(mounted.$('[data-testid="backup-now"]')?.getAttribute('title')).toBe('backup1 is not running: start it first')
    expect(mounted.$('[data-testid="restore-mail"]')?.hasAttribute('disabled')).toBe(true)
    expect(mounted.$('[data-testid="backup-nights"]')).toBeNull()
  })

  it('a refused backup says why under the button; a last run whose night is gone says so', async () => {
    const c = client([night1])
    c.answer('backup.list', () => info([night1], { lastRun: { seq: 9, at: '2026-12-01T02:00:00.000Z', labMs: 0, ok: true, text: 'backup-now server:backup1: backup 20070613T020000: …; 4.0 s' } }))
    c.answer('actions.run', () => Promise.reject(new ClientError('BUSY', 'backup1 is already taking a backup or restoring; this backup waits for it to finish')))
    mounted = mountWith(BackupPanel, c, { server: 'backup1' })
    await flush()
    expect(mounted.$('[data-testid="backup-last-run"] summary')?.textContent).toContain('that night is no longer on backup1')
    mounted.$('[data-testid="backup-now"]')!.click()
    await flush()
    await flush()
    const out = mounted.$('[data-testid="backup-outcome"]')
    expect(out?.textContent).toContain('already taking a backup')
    expect(out?.classList.contains('tone-bad')).toBe(true)
  })
})
