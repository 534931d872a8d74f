// Record / Stop recording in the journal dock against a real DB tier: Record, db2's cable pulled (from the CLI, as
// another operator would), Stop recording; the page offers the engine's scenario file, whose download is the same
// file `racklab journal export --as scenario` writes for that stretch. Screenshot: tests/e2e/screenshots/journal-record.png
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { racklab, until } from '../integration/helpers'
import { openDbTierUi, shot, type DbTierUi } from './browser'

describe('Record / Stop recording in the journal dock', () => {
  let ui: DbTierUi | undefined
  let page: Page
  const pageErrors: string[] = []

  beforeAll(async () => {
    ui = await openDbTierUi(pageErrors)
    page = ui.page
    await page.goto(ui.url)
    await page.locator('[data-server="db2"][data-state="running"]').waitFor({ timeout: 30_000 })
  }, 900_000)
  afterAll(async () => {
    await racklab(['act', 'cable:db2/int', 'plug'])
    await ui?.close()
  }, 120_000)

  it('turns what was done between Record and Stop into a scenario to save', async () => {
    await page.locator('[data-dock-tab="journal"]').click()
    await page.locator('[data-testid="record"]').click()
    const since = Number(/after entry (\d+)/.exec((await page.locator('[data-testid="recording"]').textContent()) ?? '')?.[1])
    expect(since).toBeGreaterThan(0)
    expect((await racklab(['act', 'cable:db2/int', 'unplug'])).code).toBe(0)
    // the page sees the action arrive in its journal before it stops
    await until('the unplug in the page journal', async () => (await page.locator('.journal .entry.kind-action').first().textContent())?.includes('unplug') || undefined, 20_000)
    await page.locator('[data-testid="stop-recording"]').click()
    const recorded = page.locator('[data-testid="recorded"]')
    await recorded.waitFor({ timeout: 30_000 })
    expect(await recorded.textContent()).toMatch(/1 action recorded/)
    await page.locator('[data-testid="recorded"] summary').click()
    const yaml = (await page.locator('[data-testid="recorded-yaml"]').textContent()) ?? ''
    expect(yaml).toMatch(/act: cable:db2\/int unplug/)
    expect(yaml).toMatch(/cleanup:\n\s+- act: cable:db2\/int plug/)
    console.log(`shot: ${await shot(page, 'journal-record')}`)

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="save-scenario"]').click()])
    const saved = readFileSync((await download.path())!, 'utf8')
    expect(download.suggestedFilename()).toMatch(/^incident-\d+-\d+\.yaml$/)
    expect(saved).toBe(yaml)
    // the CLI's export of the same stretch is the same file: one path through journal.export
    const until_ = Number(/--until (\d+)/.exec(saved)?.[1])
    const cli = await racklab(['journal', 'export', '--since', String(since), '--until', String(until_), '--as', 'scenario'])
    expect(cli.stdout).toBe(saved)
    expect(pageErrors).toEqual([])
  }, 300_000)
})
