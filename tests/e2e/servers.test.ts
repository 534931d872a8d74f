// The first screen against a real lab: servers listed with their states; stop db2 → shown stopped (and the
// container really stopped) → start → healthy. Screenshots go to tests/e2e/screenshots/ (git-ignored) for a person to look at.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import Docker from 'dockerode'
import { racklab, TEST_LAB } from '../integration/helpers'
import { launch, serve, shot, type Served } from './browser'

describe('browser mode against a real DB tier', () => {
  let served: Served
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    const up = await racklab(['up', '--only', 'db1,db2,db3'])
    if (up.code !== 0) throw new Error(`racklab up failed: ${up.stderr}`)
    served = await serve()
    browser = await launch()
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  })
  afterAll(async () => {
    await browser?.close()
    await served?.stop()
  })

  it('lists the servers with their live states', async () => {
    await page.goto(served.url)
    await page.locator('[data-server="db2"][data-state="running"]').waitFor({ timeout: 15_000 })
    await expect(page.locator('[data-server="db1"]').getAttribute('data-state')).resolves.toBe('running')
    // (every role of nyi-2007 has its image now: no row says "not built yet" any more)
    await expect(page.locator('[data-server="db3"]').getAttribute('data-state')).resolves.toBe('running')
    await shot(page, 'servers-running')
  })

  // How fast the UI follows the engine is measured by `npm run bench` (event → browser p50/p95), not here:
  // a wall-clock bound in a test fails on a busy CI machine without anything being wrong.
  it('stop db2 → shown stopped → start → healthy', async () => {
    const row = page.locator('[data-server="db2"]')
    const t0 = Date.now()
    await row.locator('[data-action="stop"]').click()
    await page.locator('[data-server="db2"][data-state="stopped"]').waitFor({ timeout: 30_000 })
    console.log(`db2 shown stopped ${Date.now() - t0} ms after the click`)
    const info = await new Docker().getContainer(`racklab-${TEST_LAB}-db2`).inspect()
    expect(info.State.Running).toBe(false) // the real container, not only the UI
    await shot(page, 'db2-stopped')
    await row.locator('[data-action="start"]').click()
    await page.locator('[data-server="db2"][data-state="running"][data-health="healthy"]').waitFor({ timeout: 60_000 })
    await shot(page, 'db2-healthy-again')
  })

  it('runs the db2-cable-pull scenario from the Scenarios panel and shows every step pass', async () => {
    await page.locator('[data-dock-tab="scenarios"]').click() // the panel lives in the dock's Scenarios tab
    const panel = page.locator('section.scenarios')
    await panel.locator('[data-testid="scenario-pick"]').selectOption('db2-cable-pull')
    await panel.locator('[data-action="scenario-run"]').click()
    await panel.locator('[data-action="scenario-stop"]').waitFor({ timeout: 10_000 })
    const outcome = panel.locator('[data-testid="scenario-outcome"]')
    await outcome.waitFor({ timeout: 180_000 })
    await panel.scrollIntoViewIfNeeded()
    await shot(page, 'scenario-db2-cable-pull')
    await expect(outcome.textContent()).resolves.toBe('db2-cable-pull passed')
    const oks = await panel.locator('[data-testid="scenario-steps"] li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-ok')))
    expect(oks.length).toBeGreaterThan(5)
    expect(oks.every((ok) => ok === 'true')).toBe(true)
  })
})
