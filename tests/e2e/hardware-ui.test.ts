// Hardware actions from the 3D view against a real DB tier: pick db2 where the scene draws it, shut it down from
// its panel (LEDs go to standby, the container stops), power it on (running and healthy again); pick PDU
// nyi-2-pdu-a from the back aisle, trip its breaker (panel says tripped, breaker LED red, meter off, B side takes
// the load, servers on A alone go dark), reset it (ok again) and power those servers back on from their panels. What the scene shows is read through window.__racklabScene (scene/scene-hook.ts).
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { TEST_LAB, until } from '../integration/helpers'
import { openDbTierUi, sceneHook, shot, type DbTierUi } from './browser'
import { exec } from '../integration/lab-driver'
import { healthCommand } from '../../main/engine/lab/boot-health'

interface Led {
  color: string
  blink: string
}

const hook = sceneHook
const led = (page: Page, id: string, part = 'power'): Promise<Led | null> => hook(page, `h.ledState(${JSON.stringify(id)}, ${JSON.stringify(part)})`)
const meterAmps = async (page: Page, pdu: string): Promise<number | null> => {
  const m = await hook<string | null>(page, `h.meter(${JSON.stringify(pdu)})`)
  const n = m ? /^(\d+(?:\.\d+)?) A$/.exec(m) : null
  return n ? Number(n[1]) : null
}
/** nyi-2's servers in the default topology: ns2 has one PSU on the A side, the rest one on each */
const NYI2_SERVERS = ['fe2', 'web2', 'mx2', 'db2', 'imap2', 'file2', 'ns2']
const db2 = (): Promise<Docker.ContainerInspectInfo> => new Docker().getContainer(`racklab-${TEST_LAB}-db2`).inspect()

describe('hardware actions in the 3D view against a real DB tier', () => {
  let ui: DbTierUi | undefined
  let page: Page
  const pageErrors: string[] = []

  beforeAll(async () => {
    ui = await openDbTierUi(pageErrors)
    page = ui.page
    await page.goto(ui.url)
    await page.locator('[data-server="db2"][data-state="running"]').waitFor({ timeout: 20_000 })
    await page.waitForFunction('(window.__racklabScene?.drawCalls() ?? 0) > 5', undefined, { timeout: 20_000 })
  })
  afterAll(async () => {
    await ui?.close()
  })

  it('db2: picked in the view, shut down from its panel → LEDs to standby, container stopped → power on → healthy', async () => {
    await until('db2 power LED lit', async () => (await led(page, 'db2'))?.color === 'green' && (await led(page, 'db2'))?.blink === 'none', 20_000)
    const at = await hook<{ x: number; y: number }>(page, 'h.unitScreenPosition("db2")')
    await page.mouse.click(at.x, at.y)
    const panel = page.locator('[data-panel-server="db2"]')
    await panel.waitFor({ timeout: 5_000 })
    await page.waitForTimeout(900) // the focus flight
    const power = panel.locator('[data-target="server:db2"]')

    const t0 = Date.now()
    await power.locator('[data-act="power-off"]').click()
    // off but still plugged in: the power LED blinks slowly (standby), status and activity go dark
    await until('db2 LEDs in standby', async () => {
      const [p, s, a] = await Promise.all([led(page, 'db2'), led(page, 'db2', 'status'), led(page, 'db2', 'activity')])
      return p?.color === 'green' && p.blink === 'slow' && s?.color === 'off' && a?.color === 'off'
    }, 30_000)
    const ledsAfter = Date.now() - t0
    const stopped = await until('db2 container stopped', async () => (await db2()).State.Running === false, 60_000)
    const stoppedAfter = Date.now() - t0
    console.log(`db2 power-off: LEDs in standby ${ledsAfter} ms, container stopped ${stoppedAfter} ms after the click`)
    expect(stopped).toBe(true)
    await expect(panel.locator('section[aria-label="Power"] > p').textContent()).resolves.toMatch(/^off \(shutdown\) · 0 W$/)
    await shot(page, 'hw-db2-off')

    const t1 = Date.now()
    await power.locator('[data-act="power-on"]').click()
    await page.locator('[data-server="db2"][data-state="running"][data-health="healthy"]').waitFor({ timeout: 120_000 })
    console.log(`db2 power-on: running and healthy ${Date.now() - t1} ms after the click`)
    const info = await db2()
    expect(info.State.Running).toBe(true)
    // the engine checked this start itself (lab/boot-health.ts). Docker's own check runs every 60 s (lab/plan.ts
    // STEADY_HEALTHCHECK), so waiting for its verdict cost this test a minute: its very command is run here instead
    const cmd = healthCommand(info.Config.Healthcheck?.Test)
    expect(cmd, 'db2 has a health check').toBeDefined()
    expect((await exec('db2', cmd!)).exitCode).toBe(0)
    await until('db2 power LED solid', async () => (await led(page, 'db2'))?.blink === 'none', 20_000)
    await expect(led(page, 'db2', 'status')).resolves.toEqual({ color: 'green', blink: 'none' })
    await shot(page, 'hw-db2-on-again')
    expect(pageErrors).toEqual([])
  })

  it('nyi-2-a: picked from the back aisle, tripped → tripped everywhere, B side takes the load → reset → ok', async () => {
    // the PDUs hang on the rear posts: the whole site from the back aisle
    await page.locator('button[title^="Back aisle"]').click()
    await page.waitForTimeout(1000)
    await page.locator('button[title^="Whole site"]').click()
    await page.waitForTimeout(1000)
    const at = await hook<{ x: number; y: number } | null>(page, 'h.unitScreenPosition("nyi-2-pdu-a")')
    expect(at).not.toBeNull()
    await page.mouse.click(at!.x, at!.y)
    const panel = page.locator('[data-panel-circuit="nyi-2-a"]')
    await panel.waitFor({ timeout: 5_000 })
    await page.waitForTimeout(900)
    await expect(led(page, 'nyi-2-pdu-a', 'breaker')).resolves.toEqual({ color: 'green', blink: 'none' })
    const lit: string[] = []
    for (const id of NYI2_SERVERS) if ((await led(page, id))?.blink === 'none' && (await led(page, id))?.color === 'green') lit.push(id)
    expect(lit).toContain('ns2')
    const bBefore = await meterAmps(page, 'nyi-2-pdu-b')
    const aBefore = await meterAmps(page, 'nyi-2-pdu-a')
    expect(bBefore).not.toBeNull()
    expect(aBefore).toBeGreaterThan(0)
    await shot(page, 'hw-nyi-2-a-before')

    await panel.locator('[data-target="circuit:nyi-2-a"] [data-act="trip"]').click()
    await until('panel says tripped', async () => /tripped/.test((await panel.locator('.amps-now').textContent()) ?? ''), 10_000)
    await until('breaker LED red, meter off', async () => (await led(page, 'nyi-2-pdu-a', 'breaker'))?.color === 'red' && (await hook(page, 'h.meter("nyi-2-pdu-a")')) === 'off', 10_000)
    const bAfter = await until('B side takes the load', async () => {
      const b = await meterAmps(page, 'nyi-2-pdu-b')
      return b !== null && b > bBefore! ? b : undefined
    }, 10_000)
    console.log(`nyi-2 trip of A: A ${aBefore} A → off, B ${bBefore} A → ${bAfter} A`)
    await expect(panel.locator('.amps-now').textContent()).resolves.toMatch(/^\s*0\.0 A of 20 A/)
    await expect(panel.locator('[data-trip-cause]').textContent()).resolves.toBe('Breaker tripped by hand.')
    // db2 has a PSU on each side: it rides through on B; ns2 and the switches hang on A alone and go dark
    expect((await db2()).State.Running).toBe(true)
    await expect(led(page, 'db2')).resolves.toEqual({ color: 'green', blink: 'none' })
    await expect(led(page, 'ns2')).resolves.toEqual({ color: 'off', blink: 'none' })
    await expect(led(page, 'sw-int2')).resolves.toEqual({ color: 'off', blink: 'none' })
    await shot(page, 'hw-nyi-2-a-tripped')

    await panel.locator('[data-target="circuit:nyi-2-a"] [data-act="reset"]').click()
    await until('panel says ok', async () => /\bok\b/.test((await panel.locator('.amps-now').textContent()) ?? ''), 10_000)
    await until('breaker LED green', async () => (await led(page, 'nyi-2-pdu-a', 'breaker'))?.color === 'green', 10_000)
    const aReset = await until('A meter reads amps again', async () => {
      const a = await meterAmps(page, 'nyi-2-pdu-a')
      return a !== null && a > 0 ? a : undefined
    }, 10_000)
    console.log(`nyi-2 reset of A: A ${aReset} A, B ${await meterAmps(page, 'nyi-2-pdu-b')} A`)
    await shot(page, 'hw-nyi-2-a-reset')
    // switches come back by themselves; a server that lost all power waits in standby for its button
    await until('sw-int2 back', async () => (await led(page, 'sw-int2'))?.color === 'green', 10_000)
    await until('ns2 in standby', async () => (await led(page, 'ns2'))?.blink === 'slow', 10_000)
    // leave the lab as found: press the power button of every nyi-2 server that was on before the trip
    const standby: string[] = []
    for (const id of lit) if ((await led(page, id))?.blink === 'slow') standby.push(id)
    for (const id of standby) {
      await hook(page, `h.selectUnit(${JSON.stringify(id)})`)
      await page.locator(`[data-panel-server="${id}"] [data-target="server:${id}"] [data-act="power-on"]:enabled`).click()
      await until(`${id} powered on`, async () => (await led(page, id))?.blink !== 'slow', 10_000)
    }
    console.log(`powered on again after the trip: ${standby.join(', ')}`)
    expect(standby).toContain('ns2')
    expect(pageErrors).toEqual([])
  })
})
