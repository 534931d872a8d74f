// The 3D view against a real DB tier: the site renders within the draw-call budget (screenshot saved), a unit
// picked by clicking its screen position opens its panel, and db1's console runs `hostname` and prints db1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { openDbTierUi, sceneHook, shot, type DbTierUi } from './browser'

// the page's DOM, for predicates that run in the browser (this file is typed for node)
declare const document: { querySelector(s: string): { textContent: string | null } | null; querySelectorAll(s: string): Iterable<{ textContent: string | null }> }

const hook = (page: Page, expr: string): Promise<unknown> => sceneHook<unknown>(page, expr)

describe('3D rack view against a real DB tier', () => {
  let ui: DbTierUi | undefined
  let page: Page
  const pageErrors: string[] = []

  beforeAll(async () => {
    ui = await openDbTierUi(pageErrors)
    page = ui.page
  })
  afterAll(async () => {
    await ui?.close()
  })

  it('renders the site: every rack, within 60 draw calls', async () => {
    await page.goto(ui!.url)
    await page.locator('[data-server="db1"][data-state="running"]').waitFor({ timeout: 20_000 })
    await page.waitForFunction('(window.__racklabScene?.drawCalls() ?? 0) > 5', undefined, { timeout: 20_000 })
    // let the first frames settle (swiftshader renders in software)
    await page.waitForTimeout(500)
    const calls = (await hook(page, 'h.drawCalls()')) as number
    console.log(`default site: ${calls} draw calls`)
    expect(calls).toBeLessThanOrEqual(60)
    for (const id of ['sw-ext1', 'db1', 'raid1', 'backup1', 'db3']) expect(await hook(page, `h.unitScreenPosition(${JSON.stringify(id)})`), id).not.toBeNull()
    await shot(page, 'scene-site')
    expect(pageErrors).toEqual([])
  })

  it('clicking a unit where the hook says it is selects it', async () => {
    const at = (await hook(page, 'h.unitScreenPosition("db2")')) as { x: number; y: number }
    await page.mouse.click(at.x, at.y)
    await page.locator('[data-panel-server="db2"]').waitFor({ timeout: 5_000 })
    await expect(page.locator('[data-server="db2"]').getAttribute('aria-current')).resolves.toBe('true')
  })

  it('selects db1 through the hook, opens its console, runs hostname and sees db1', async () => {
    await hook(page, 'h.selectUnit("db1")')
    const panel = page.locator('[data-panel-server="db1"]')
    await panel.waitFor({ timeout: 5_000 })
    // the panel says honestly what the engine answered for the hardware actions
    await expect(panel.locator('[data-target="server:db1"]').textContent()).resolves.toMatch(/\S/)
    await page.waitForTimeout(900) // the focus flight
    await shot(page, 'scene-db1-selected')
    await panel.locator('[data-open="console"]').click()
    const status = page.locator('[data-console="db1"] [data-testid="console-status"]')
    await page.waitForFunction(() => /connected to db1/.test(document.querySelector('[data-console="db1"] [data-testid="console-status"]')?.textContent ?? ''), undefined, { timeout: 20_000 })
    await expect(status.textContent()).resolves.toContain('connected to db1')
    await page.locator('[data-console="db1"] .xterm-helper-textarea').focus()
    await page.keyboard.type('hostname')
    await page.keyboard.press('Enter')
    // a terminal row that is exactly the command's output, not the prompt that also names the host
    await page.waitForFunction(() => [...document.querySelectorAll('[data-console="db1"] .xterm-rows > div')].some((r) => r.textContent?.trim() === 'db1'), undefined, { timeout: 15_000 })
    await shot(page, 'scene-console-db1')
    await page.locator('[data-console="db1"] button[aria-label^="Close the console"]').click()
    await page.locator('[data-console="db1"]').waitFor({ state: 'detached', timeout: 5_000 })
    expect(pageErrors).toEqual([])
  })

  it('shows the hardware model through the panels: raid1 bays, circuit nyi-1-a amps', async () => {
    await hook(page, 'h.selectUnit("raid1")')
    await page.locator('[data-panel-unit="raid1"] [data-bay="1"]').waitFor({ timeout: 5_000 })
    await expect(page.locator('[data-panel-unit="raid1"] [data-bay="1"]').getAttribute('data-bay-state')).resolves.toMatch(/^(ok|failed|rebuilding|missing|empty|spare)$/)
    await page.waitForTimeout(900)
    await shot(page, 'scene-raid1')
    await hook(page, 'h.selectUnit("nyi-1-pdu-a")')
    const circuit = page.locator('[data-panel-circuit="nyi-1-a"]')
    await circuit.waitFor({ timeout: 5_000 })
    await expect(circuit.textContent()).resolves.toMatch(/\d+\.\d A of 20 A/)
    await page.waitForTimeout(900)
    await shot(page, 'scene-circuit-nyi-1-a')
    expect(pageErrors).toEqual([])
  })
})
