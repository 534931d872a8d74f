// The backup panel against a real lab (the replicas the backup reads from, the offsite db3, backup1): select
// backup1 in the server list, press "Back up now" in its panel, and see the new night in the table with each
// store's snapshot and the database backup — and on backup1 itself (racklab-mail-store list). Screenshot at
// 1440×900 in tests/e2e/screenshots/backup-panel.png. Run alone:
// RACKLAB_TEST_LAB=e2e-backup npx vitest run --project e2e tests/e2e/backup-panel.test.ts
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { racklab, until } from '../integration/helpers'
import { run } from '../integration/lab-driver'
import { launch, serve, shot, type Served } from './browser'

const nightsShown = (page: Page): Promise<string[]> =>
  page.locator('[data-testid="backup-nights"] tbody tr').evaluateAll((rows) => [...new Set(rows.map((r) => r.getAttribute('data-night') ?? ''))])

describe('the backup panel on backup1', () => {
  let served: Served
  let browser: Browser
  let page: Page
  const pageErrors: string[] = []

  beforeAll(async () => {
    // backup-now reads the database from db2 (a replica), copies it offsite to db3 and snapshots imap1's store
    // from imap2; up --only brings what they depend on (db1, imap1)
    const up = await racklab(['up', '--only', 'db2,db3,imap2,backup1'])
    if (up.code !== 0) throw new Error(`racklab up failed (${up.code}): ${up.stderr.slice(-1500)}`)
    served = await serve()
    browser = await launch()
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    page.on('pageerror', (e) => pageErrors.push(e.message))
  }, 1_200_000)
  afterAll(async () => {
    await browser?.close()
    await served?.stop()
  })

  it('"Back up now" in backup1\'s panel takes a night that the table then shows, with its report and its probes', async () => {
    await page.goto(served.url)
    await page.locator('[data-server="backup1"][data-state="running"]').waitFor({ timeout: 30_000 })
    await page.locator('[data-server="backup1"] .server-id').click()
    const panel = page.locator('[data-backup-server="backup1"]')
    await panel.waitFor({ timeout: 10_000 })
    // what backup1 held before (a nightly run at 02:00 lab time may already have taken one)
    await panel.locator('[data-testid="backup-nights"], [data-testid="backup-no-nights"], [data-testid="backup-error"]').first().waitFor({ timeout: 30_000 })
    if (await panel.locator('[data-testid="backup-error"]').count()) throw new Error(`the panel could not read backup1: ${await panel.locator('[data-testid="backup-error"]').textContent()}`)
    const before = await nightsShown(page)
    // the journal outlives `down`: an earlier lab's run may be the last one shown until this one is journaled
    const report = panel.locator('[data-testid="backup-last-run"] .backup-last-text')
    const reportBefore = (await report.count()) ? await report.textContent() : null

    const button = panel.locator('[data-testid="backup-now"]')
    const failure = panel.locator('[data-testid="backup-outcome"]')
    const t0 = Date.now()
    // the nightly run (02:00 lab time) may hold backup1: the button is disabled with the reason until it is done,
    // or the click is refused as BUSY; then it is pressed again
    for (let attempt = 1; ; attempt++) {
      const t1 = Date.now()
      if (await button.isDisabled()) console.log(`press ${attempt}: waiting, the button says: ${await button.getAttribute('title')}`)
      await panel.locator('[data-testid="backup-now"]:enabled').waitFor({ timeout: 300_000 })
      if (Date.now() - t1 > 1000) console.log(`press ${attempt}: enabled after ${((Date.now() - t1) / 1000).toFixed(1)} s`)
      const t2 = Date.now()
      await button.click()
      await panel.locator('[data-testid="backup-running"]').waitFor({ timeout: 5_000 }).catch(() => undefined)
      await panel.locator('[data-testid="backup-now"]', { hasText: 'Back up now' }).waitFor({ timeout: 600_000 })
      const refused = (await failure.count()) ? ((await failure.textContent()) ?? '') : ''
      console.log(`press ${attempt}: ${((Date.now() - t2) / 1000).toFixed(1)} s${refused ? ` — ${refused.slice(0, 200)}` : ''}`)
      if (!refused) break
      if (!/already taking a backup/.test(refused) || attempt === 3) throw new Error(`Back up now failed: ${refused}`)
    }
    // its report is the last run's, read from backup1 again once the run was journaled
    const outcome = await until('a new last run', async () => {
      const now = (await report.count()) ? await report.textContent() : null
      return now && now !== reportBefore ? now : undefined
    }, 30_000)
    console.log(`backup-now from the panel: ${((Date.now() - t0) / 1000).toFixed(1)} s in all: ${outcome.slice(0, 300)}`)
    const stamp = /^backup-now server:backup1: backup (\d{8}T\d{6}):/.exec(outcome)?.[1]
    expect(stamp, outcome).toBeDefined()
    expect(outcome).toMatch(/hot DB backup of db2 \(a replica/)
    expect(outcome).toMatch(/mail snapshot \d{8}T\d{6}: imap1 from imap2/)

    // the new night is in the table (read from backup1 again once the run was journaled), newest first
    await panel.locator(`[data-testid="backup-nights"] tr[data-night="${stamp}"]`).first().waitFor({ timeout: 30_000 })
    const after = await nightsShown(page)
    expect(before).not.toContain(stamp)
    expect(after[0]).toBe(stamp)
    const cells = await panel.locator(`tr[data-night="${stamp}"]`).first().locator('th, td').allTextContents()
    expect(cells[0]).toBe(`Jun ${Number(stamp!.slice(6, 8))}${stamp!.slice(9, 11)}:${stamp!.slice(11, 13)}`)
    // copied offsite to db3
    expect(cells[1]!.replace(/\s+/g, ' ').trim()).toMatch(/^\d+(\.\d)? (KB|MB) offsite ?GTID \d+-\d+-\d+$/)

    // the same night on backup1's disk, with the numbers the table shows
    const list = JSON.parse((await run('backup1', ['racklab-mail-store', 'list'])).trim().split('\n').at(-1)!) as { snapshots: { stamp: string; stores: { store: string; accounts: number; messages: number }[] }[] }
    const imap1 = list.snapshots.find((s) => s.stamp === stamp)?.stores.find((s) => s.store === 'imap1')
    expect(imap1).toBeDefined()
    expect(cells[2]!.trim()).toBe(`imap1${imap1!.accounts} account${imap1!.accounts === 1 ? '' : 's'}`)
    expect(cells[3]).toBe(String(imap1!.messages))

    // the CLI reads the same contract command: the same nights
    const cli = await racklab(['backups', '--json'])
    expect(cli.code, cli.stderr).toBe(0)
    const listed = JSON.parse(cli.stdout) as { server: string; nights: { stamp: string }[] }
    expect(listed.server).toBe('backup1')
    // every night the panel showed, and only nights newer than this run besides: the lab's own nightly backup
    // (02:00 lab time) may have taken one since the panel was read (order is not compared: the two lists are
    // sorted by their own views)
    const cliNights = listed.nights.map((n) => n.stamp)
    expect(cliNights.filter((s) => after.includes(s)).sort()).toEqual([...after].sort())
    for (const extra of cliNights.filter((s) => !after.includes(s))) expect(extra > stamp!, `${extra} is in the CLI's list but not the panel's`).toBe(true)

    // the backup probes, run now, show in the panel
    await racklab(['check', '--fresh'])
    await panel.locator('.backup-probes [data-probe="backup.fresh"]').waitFor({ timeout: 60_000 })
    await expect(panel.locator('.backup-probes [data-probe="backup.fresh"]').textContent()).resolves.toContain('pass')

    // nothing left holding backup1: the button is back, and a user's mail can be restored from the new night
    await panel.locator('[data-testid="backup-now"]:enabled').waitFor({ timeout: 120_000 })
    await panel.locator('[data-testid="restore-mail"]:enabled').waitFor({ timeout: 60_000 })
    await expect(panel.locator('[data-testid="restore-snapshot"] option').allTextContents()).resolves.toContain(`${stamp!.slice(0, 4)}-${stamp!.slice(4, 6)}-${stamp!.slice(6, 8)} ${stamp!.slice(9, 11)}:${stamp!.slice(11, 13)}`)
    await panel.locator('h3').evaluate((h) => h.scrollIntoView({ block: 'start' }))
    await shot(page, 'backup-panel')
    expect(pageErrors).toEqual([])
  }, 1_200_000)
})
