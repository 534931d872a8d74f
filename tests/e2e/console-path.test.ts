// Issue 14's "Done when", as one person walks it in the console layout against a real DB tier (db1, db2, db3):
// find db2 in the tree; pull its internal cable from the inspector; see the alert, the pulled cable on the back
// of the 2D elevation and the red db1 → db2 edge in the service map; plug it back from the command palette
// (Ctrl+K); see it heal. Every step leaves a screenshot in tests/e2e/screenshots/ (path-*.png), and the main
// views are copied to docs/screenshots/ for the README.
import { copyFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { ROOT, racklab, until } from '../integration/helpers'
import { openDbTierUi, shot, type DbTierUi } from './browser'

const DOCS = join(ROOT, 'docs/screenshots')
const toDocs = (from: string, name: string): void => {
  mkdirSync(DOCS, { recursive: true })
  copyFileSync(from, join(DOCS, name))
}
const tone = (page: Page, edge: string): Promise<string | null> => page.locator(`[data-edge="${edge}"]`).getAttribute('data-tone', { timeout: 20_000 })

describe('the console path: find db2, pull its cable, see what broke, plug it back, see it heal', () => {
  let ui: DbTierUi | undefined
  let page: Page
  const pageErrors: string[] = []

  beforeAll(async () => {
    ui = await openDbTierUi(pageErrors)
    page = ui.page
    await page.setViewportSize({ width: 1600, height: 1000 })
    await page.goto(ui.url)
    await page.locator('[data-server="db2"][data-state="running"][data-health="healthy"]').waitFor({ timeout: 120_000 })
  })
  afterAll(async () => {
    // leave the lab as found whatever failed above
    await racklab(['act', 'cable:db2/int', 'plug'])
    await ui?.close()
  })

  it('walks the path and every view agrees', async () => {
    const t0 = Date.now()
    const step = (what: string): void => console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`)
    // before anything breaks: replication to db2 is measured and green in the map
    await page.locator('[data-view="map"]').click()
    await until('db1 → db2 measured green', async () => (await tone(page, 'db1>db2')) === 'good', 90_000)
    await page.locator('[data-view="3d"]').click()
    await page.waitForFunction('(window.__racklabScene?.drawCalls() ?? 0) > 5', undefined, { timeout: 20_000 })
    await page.waitForTimeout(800)
    toDocs(await shot(page, 'path-0-overview'), 'overview.png')

    step('overview')
    // 1. find db2 in the tree
    await page.locator('[data-testid=tree-search]').fill('db2')
    await expect(page.locator('[data-server]').count()).resolves.toBe(1)
    await page.locator('[data-server="db2"] .server-id').click()
    const panel = page.locator('[data-panel-server="db2"]')
    await panel.waitFor({ timeout: 20_000 })
    await page.waitForTimeout(900) // the 3D view flies to it
    await expect(page.locator('[data-server="db2"]').getAttribute('aria-current')).resolves.toBe('true')
    await shot(page, 'path-1-found-db2')

    step('db2 found in the tree')
    // 2. pull its internal cable from the inspector
    const unplug = panel.locator('[data-target="cable:db2/int"] [data-act="unplug"]')
    await unplug.scrollIntoViewIfNeeded()
    await unplug.click()
    await panel.locator('[data-target="cable:db2/int"] [data-act="plug"]:enabled').waitFor({ timeout: 45_000 })
    await shot(page, 'path-2-unplugged')

    step('cable pulled from the inspector')
    // the back of the 2D elevation shows the cable hanging loose, with db2 still selected
    await page.locator('[data-view="back"]').click()
    await page.locator('svg[data-rack="nyi-2"] [data-cable="cable:db2/int"][data-state="pulled"]').waitFor({ timeout: 45_000 })
    await expect(page.locator('svg[data-rack="nyi-2"] [data-unit="db2"]').getAttribute('class')).resolves.toMatch(/\bselected\b/)
    await expect(page.locator('svg[data-rack="nyi-2"] [data-cable="cable:db2/wan"]').getAttribute('data-state')).resolves.toBe('up')
    toDocs(await shot(page, 'path-2-elevation-back'), 'elevation-back.png')
    await page.locator('[data-view="front"]').click()
    await page.locator('svg[data-rack="nyi-2"] [data-unit="db2"].selected').waitFor({ timeout: 20_000 })
    toDocs(await shot(page, 'path-2-elevation-front'), 'elevation-front.png')

    step('elevation front and back')
    // 3. the alert, and the red edge in the service map (db3 keeps replicating over the WAN)
    await until('an alert about db2', async () => ((await page.locator('[data-testid=alert-strip]').textContent()) ?? '').includes('db2'), 90_000)
    await page.locator('[data-view="map"]').click()
    await until('db1 → db2 red', async () => (await tone(page, 'db1>db2')) === 'bad', 60_000)
    // db3 replicates over the WAN, not through sw-int2: its hop says what its own probe says (logged, not assumed)
    console.log(`db1 → db3 while db2 is cut off: ${await tone(page, 'db1>db3')} (${await page.locator('[data-edge="db1>db3"] title').textContent()})`)
    await expect(page.locator('[data-node="db2"].selected').count()).resolves.toBe(1)
    toDocs(await shot(page, 'path-3-alert-and-red-edge'), 'service-map.png')

    step('alert and red edge')
    // selecting anywhere selects everywhere: the alert selects db2, the map's db1 selects db1 in the tree
    await page.locator('[data-node="db1"]').click()
    await page.locator('[data-server="db1"][aria-current="true"], [data-panel-server="db1"]').first().waitFor({ timeout: 20_000 })
    // the alert about db2 from the strip's list (the newest may be about another server of the shared e2e lab: the
    // full suite once had one newer than db2's). By its target: db.checksum's alert names db2 in its text too, and
    // selects db1 (a full run clicked it when the slow probe happened to fail while the cable was out)
    await page.locator('[data-testid=alert-strip] .alert-count').click()
    await page.locator('#alert-list button[data-target="server:db2"]').first().click()
    await page.locator('[data-node="db2"].selected').waitFor({ timeout: 20_000 })

    step('selection round trip')
    // 4. plug it back from the command palette
    await page.keyboard.press('Control+k')
    const input = page.locator('.palette-input')
    await input.waitFor({ timeout: 20_000 })
    await input.fill('plug db2 int')
    // the palette lists every action of every target (actions.targets): slow on a loaded machine
    await page.locator('[data-palette="cable:db2/int plug"]').waitFor({ timeout: 45_000 })
    await shot(page, 'path-4-palette')
    await page.locator('[data-palette="cable:db2/int plug"]').click()
    await until('palette says plugged', async () => ((await page.locator('[data-testid=palette-status]').textContent()) ?? '').length > 0, 45_000)
    await input.press('Escape')
    await page.locator('[data-testid=palette]').waitFor({ state: 'detached', timeout: 20_000 })

    step('plugged back from the palette')
    // 5. see it heal: the edge turns green again, the alert about db2 clears, the cable is back on the rack
    await until('db1 → db2 green again', async () => (await tone(page, 'db1>db2')) === 'good', 120_000)
    await until('no alert about db2', async () => !((await page.locator('[data-testid=alert-strip]').textContent()) ?? '').includes('db2'), 120_000)
    await shot(page, 'path-5-healed-map')
    await page.locator('[data-view="back"]').click()
    await expect(page.locator('svg[data-rack="nyi-2"] [data-cable="cable:db2/int"]').getAttribute('data-state')).resolves.toBe('up')
    await shot(page, 'path-5-healed-back')
    step('healed')
    await page.locator('[data-view="3d"]').click()
    expect(pageErrors).toEqual([])
  })
})
