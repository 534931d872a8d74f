// The console layout holds from 1280×720 up to 4K (issue 14 item 1): with db1 selected and its console open in
// the dock, the top bar, the tree, the 3D view, the inspector and the dock are all on screen, none overlaps
// another, nothing spills out of the window (no page scroll) and no pane scrolls sideways. One server (db1) is
// enough. Screenshots go to tests/e2e/screenshots/layout-*.png; the 1440×900 one is the README's
// docs/screenshots/server-console.png.
import { copyFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { racklab, ROOT } from '../integration/helpers'
import { launch, serve, shot, type Served } from './browser'

/** the regions every size must show, by selector */
const REGIONS = {
  header: '.shell > header',
  tree: '.pane-left',
  view3d: '.pane-centre canvas',
  inspector: '.pane-right',
  dock: '.bottom-dock',
  console: '[data-console="db1"]',
} as const

interface Box {
  x: number
  y: number
  w: number
  h: number
}
interface Measured {
  boxes: Record<string, Box | null>
  page: { scrollW: number; scrollH: number; innerW: number; innerH: number }
  /** the console's size as its status line reports it: `cols×rows` */
  consoleSize: string
  /** panes whose content is wider than the pane (a sideways scroll bar or clipped text) */
  sideways: string[]
}

// the page's DOM, for the functions that run in the browser (this file is typed for node)
interface El {
  getBoundingClientRect(): { x: number; y: number; width: number; height: number }
  scrollWidth: number
  clientWidth: number
  textContent: string | null
}
declare const document: { querySelector(s: string): El | null; querySelectorAll(s: string): Iterable<El>; documentElement: El & { scrollHeight: number } }
declare const innerWidth: number
declare const innerHeight: number

function measure(page: Page): Promise<Measured> {
  return page.evaluate((regions: Record<string, string>) => {
    const boxes: Record<string, Box | null> = {}
    for (const [name, sel] of Object.entries(regions)) {
      const r = document.querySelector(sel)?.getBoundingClientRect()
      boxes[name] = r && r.width > 0 && r.height > 0 ? { x: r.x, y: r.y, w: r.width, h: r.height } : null
    }
    const d = document.documentElement
    const sideways: string[] = ['.pane-left', '.pane-centre', '.pane-right', '.bottom-dock', '.shell > header'].filter((sel) => {
      const el = document.querySelector(sel)
      return !!el && el.scrollWidth > el.clientWidth + 1
    })
    // a tree row's id, role and state badge: wrapped if need be, never cut off
    for (const el of document.querySelectorAll('.nav-tree .unit-title')) if (el.scrollWidth > el.clientWidth + 1) sideways.push(`tree row "${el.textContent}"`)
    const consoleSize = /(\d+×\d+)/.exec(document.querySelector('[data-console="db1"] [data-testid="console-status"]')?.textContent ?? '')?.[1] ?? ''
    return { consoleSize, boxes, page: { scrollW: d.scrollWidth, scrollH: d.scrollHeight, innerW: innerWidth, innerH: innerHeight }, sideways }
  }, REGIONS)
}

const overlap = (a: Box, b: Box): number => Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y))

function checkLayout(m: Measured, size: string): void {
  for (const [name, box] of Object.entries(m.boxes)) {
    expect(box, `${size}: ${name} is not visible`).not.toBeNull()
    const b = box!
    expect(b.x >= -0.5 && b.y >= -0.5 && b.x + b.w <= m.page.innerW + 0.5 && b.y + b.h <= m.page.innerH + 0.5, `${size}: ${name} ${JSON.stringify(b)} leaves the window`).toBe(true)
  }
  // the five panes side by side and stacked (the canvas lies in the centre pane, the console in the dock)
  const panes = ['header', 'tree', 'view3d', 'inspector', 'dock'] as const
  for (const [i, a] of panes.entries()) for (const b of panes.slice(i + 1)) expect(overlap(m.boxes[a]!, m.boxes[b]!), `${size}: ${a} overlaps ${b}`).toBeLessThan(1)
  expect(overlap(m.boxes.console!, m.boxes.dock!), `${size}: the console is not inside the dock`).toBeCloseTo(m.boxes.console!.w * m.boxes.console!.h, -1)
  // a usable 3D view: at least a third of the window's width and a quarter of its height
  expect(m.boxes.view3d!.w, `${size}: 3D view width`).toBeGreaterThanOrEqual(m.page.innerW / 3)
  expect(m.boxes.view3d!.h, `${size}: 3D view height`).toBeGreaterThanOrEqual(m.page.innerH / 4)
  expect(m.page, `${size}: the page scrolls`).toMatchObject({ scrollW: m.page.innerW, scrollH: m.page.innerH })
  expect(m.sideways, `${size}: panes wider than their content box`).toEqual([])
}

describe('the console layout from 1280×720 to 4K', () => {
  let served: Served | undefined
  let browser: Browser | undefined
  let page: Page
  const pageErrors: string[] = []

  beforeAll(async () => {
    const up = await racklab(['up', '--only', 'db1'])
    if (up.code !== 0) throw new Error(`racklab up --only db1 failed: ${up.stderr}`)
    served = await serve()
    browser = await launch()
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
    page.on('pageerror', (e) => pageErrors.push(e.message))
    await page.goto(served.url)
    await page.locator('[data-server="db1"][data-state="running"]').waitFor({ timeout: 60_000 })
    await page.locator('[data-server="db1"] .server-id').click()
    const panel = page.locator('[data-panel-server="db1"]')
    await panel.locator('[data-open="console"]:enabled').click({ timeout: 20_000 })
    await page.waitForFunction(() => /connected to db1/.test(document.querySelector('[data-console="db1"] [data-testid="console-status"]')?.textContent ?? ''), undefined, { timeout: 30_000 })
    await page.locator('[data-console="db1"] .xterm-helper-textarea').focus()
    await page.keyboard.type('hostname\n')
    await page.waitForFunction(() => [...document.querySelectorAll('[data-console="db1"] .xterm-rows > div')].some((r) => r.textContent?.trim() === 'db1'), undefined, { timeout: 15_000 })
  }, 300_000)
  afterAll(async () => {
    await browser?.close()
    await served?.stop()
  })

  const consoleCols: number[] = []
  for (const [w, h] of [
    [1280, 720],
    [1440, 900],
    [3840, 2160],
  ] as const) {
    it(`${w}×${h}: the tree, the 3D view, the inspector and the console are all there, side by side, no scroll`, async () => {
      await page.setViewportSize({ width: w, height: h })
      await page.waitForTimeout(1500) // panes re-fit, the console re-fits, the 3D view draws a frame at the new size
      // the inspector from its top (opening the console scrolled it down to the button)
      await page.locator('.pane-right').evaluate((el) => el.scrollTo(0, 0))
      const name = await shot(page, `layout-${w}x${h}`)
      if (w === 1440) {
        mkdirSync(join(ROOT, 'docs/screenshots'), { recursive: true })
        copyFileSync(name, join(ROOT, 'docs/screenshots/server-console.png'))
      }
      const m = await measure(page)
      console.log(`${w}×${h}: ${JSON.stringify(m.boxes)}`)
      checkLayout(m, `${w}×${h}`)
      // the shell follows the dock's width: wider windows, more columns
      const cols = Number(m.consoleSize.split('×')[0])
      console.log(`${w}×${h}: console ${m.consoleSize}`)
      expect(cols, `${w}×${h}: console columns after ${consoleCols.join(', ')}`).toBeGreaterThan(consoleCols.at(-1) ?? 0)
      consoleCols.push(cols)
      expect(pageErrors).toEqual([])
    })
  }

  it('800×600, below those sizes: every button of the 3D view stays inside the view (they wrap)', async () => {
    await page.setViewportSize({ width: 800, height: 600 })
    await page.waitForTimeout(1000)
    await shot(page, 'layout-800x600')
    const buttons = await page.evaluate(() => {
      const view = document.querySelector('.site-view')!.getBoundingClientRect()
      return [...document.querySelectorAll('.scene-tools button')].map((b) => {
        const r = b.getBoundingClientRect()
        return { text: b.textContent, inside: r.x >= view.x - 0.5 && r.x + r.width <= view.x + view.width + 0.5 }
      })
    })
    expect(buttons.length).toBeGreaterThanOrEqual(5)
    // they ran off the view's left edge here ("Overview" and half of "Front" cut off) before they wrapped
    expect(buttons.filter((b) => !b.inside)).toEqual([])
    expect(pageErrors).toEqual([])
  })
})
