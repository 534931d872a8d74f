// The webmail in a real browser through the edge's published https port (edge → lab DNS → VIP → nginx →
// Apache): alice reads a message and writes to bob, bob sees it; then fe1 is stopped (its VIP moves) and
// web1 is killed, and the same browser session keeps working. Screenshots go to tests/e2e/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { createDockerGateway } from '../../main/engine/docker/gateway'
import { containerName } from '../../main/engine/lab/naming'
import { dispatchOnce } from '../integration/dispatch-once'
import { racklab, TEST_LAB, until } from '../integration/helpers'
import { launch, serve, shot } from './browser'

const gw = createDockerGateway()
const exec = (s: string, cmd: string[]): ReturnType<typeof gw.exec> => gw.exec(containerName(TEST_LAB, s), cmd, { timeoutMs: 30_000 })
const control = async (server: string, op: 'start' | 'stop' | 'kill'): Promise<void> => {
  const r = await dispatchOnce('server.control', { server, op })
  if (!r.ok) throw new Error(`${op} ${server}: ${JSON.stringify(r)}`)
}
const holder = async (ip: string): Promise<string> => {
  for (const fe of ['fe1', 'fe2']) {
    const r = await exec(fe, ['racklab-fe-status']).catch(() => undefined)
    if (r?.exitCode === 0 && (JSON.parse(r.stdout) as { vips: string[] }).vips.includes(ip)) return fe
  }
  return 'nobody'
}

describe('webmail in a browser, through the edge', () => {
  let browser: Browser
  let alice: BrowserContext
  let page: Page
  let base = ''
  const subject = `Lunch on Friday ${Date.now().toString(36)}`

  beforeAll(async () => {
    const up = await racklab(['up'])
    if (up.code !== 0) throw new Error(`racklab up failed: ${up.stderr.slice(-2000)}`)
    const eps = JSON.parse((await racklab(['endpoints', '--json'])).stdout) as { service: string; port: number; server: string }[]
    base = `https://127.0.0.1:${eps.find((e) => e.server === 'edge' && e.service === 'https')!.port}`
    // a message waiting for alice, delivered the way the Internet delivers
    const r = await exec('mx2', ['swaks', '--server', '127.0.0.1', '--to', 'alice@fastmail.test', '--from', 'dave@fastmail.test', '--header', 'Subject: Welcome to the rack', '--body', 'Hi Alice,\n\nthe new cabinet at NYI is ready.\n\nDave'])
    if (r.exitCode !== 0) throw new Error(`could not deliver the welcome message: ${r.stdout}`)
    browser = await launch()
    // the lab CA is not in chromium's store; the integration test checks the certificate chain itself
    alice = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1100, height: 700 } })
    page = await alice.newPage()
  }, 900_000)
  afterAll(async () => {
    await browser?.close()
    for (const s of ['fe1', 'web1']) await control(s, 'start').catch(() => undefined)
  })

  it('alice logs in and reads a message', async () => {
    await page.goto(`${base}/login`)
    await shot(page, 'webmail-login')
    await page.fill('#u', 'alice')
    await page.fill('#p', 'alice-2007')
    await page.click('input[type=submit]')
    await page.waitForURL(/\/mail\/inbox\?s=[0-9a-f]{16}/)
    const link = page.getByRole('link', { name: 'Welcome to the rack' }).first()
    await until('the welcome message in the inbox', async () => (await link.count()) > 0 || (await page.reload(), false), 30_000, 1000)
    await shot(page, 'webmail-inbox-alice')
    await link.click()
    await expect(page.locator('.msg pre').textContent()).resolves.toContain('the new cabinet at NYI is ready')
    await shot(page, 'webmail-read')
  })

  it('alice sends bob a message and bob sees it', async () => {
    await page.getByRole('link', { name: 'Compose' }).click()
    await page.fill('#to', 'bob@fastmail.test')
    await page.fill('#subject', subject)
    await page.fill('#body', 'Bob,\n\nlunch on Friday after the disk swap?\n\nAlice')
    await shot(page, 'webmail-compose')
    await page.click('input[value=Send]')
    await expect(page.locator('.ok').textContent()).resolves.toContain('Your message was sent.')
    const bob = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1100, height: 700 } })
    const bp = await bob.newPage()
    await bp.goto(`${base}/login`)
    await bp.fill('#u', 'bob')
    await bp.fill('#p', 'bob-2007')
    await bp.click('input[type=submit]')
    await bp.waitForURL(/\/mail\/inbox/)
    const link = bp.getByRole('link', { name: subject })
    await until('alice\'s message in bob\'s inbox', async () => (await link.count()) > 0 || (await bp.reload(), false), 60_000, 1000)
    await shot(bp, 'webmail-inbox-bob')
    await link.click()
    await expect(bp.locator('.msg pre').textContent()).resolves.toContain('lunch on Friday after the disk swap?')
    await bob.close()
  })

  it('stop fe1: its VIP moves to fe2 and the same session keeps working', async () => {
    const inbox = page.url()
    await control('fe1', 'stop')
    await until('10.231.1.100 on fe2', async () => (await holder('10.231.1.100')) === 'fe2', 20_000, 250)
    for (let i = 0; i < 4; i++) {
      const r = await page.goto(inbox)
      expect(r?.status()).toBe(200)
      expect(r?.headers()['x-racklab-frontend']).toBe('fe2')
    }
    await expect(page.locator('h2').first().textContent()).resolves.toMatch(/^INBOX/)
    await shot(page, 'webmail-after-fe1-stopped')
    await control('fe1', 'start')
    await until('10.231.1.100 back on fe1', async () => (await holder('10.231.1.100')) === 'fe1', 60_000, 500)
  })

  it('kill web1: web2 serves the same session', async () => {
    const inbox = page.url()
    await control('web1', 'kill')
    for (let i = 0; i < 4; i++) {
      const r = await page.goto(inbox)
      expect(r?.status()).toBe(200)
      await expect(page.locator('#foot').textContent()).resolves.toContain('served by web2')
    }
    await shot(page, 'webmail-after-web1-killed')
    await control('web1', 'start')
  })

  it('the Racklab UI offers the lab CA: the downloaded file is the CA the frontends use, with its fingerprint shown', async () => {
    const served = await serve()
    try {
      const ui = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true })
      await ui.goto(served.url)
      const panel = ui.locator('[data-testid="lab-ca"]')
      await panel.locator('[data-testid="ca-download"]').waitFor({ timeout: 30_000 })
      const ca = JSON.parse((await racklab(['ca', '--json'])).stdout) as { pem: string; sha256: string }
      await expect(panel.locator('[data-testid="ca-sha256"]').textContent()).resolves.toBe(ca.sha256)
      const [download] = await Promise.all([ui.waitForEvent('download'), panel.locator('[data-testid="ca-download"]').click()])
      expect(download.suggestedFilename()).toBe('racklab-ca.crt')
      const stream = await download.createReadStream()
      let text = ''
      for await (const chunk of stream) text += (chunk as Buffer).toString()
      expect(text).toBe(ca.pem)
      expect(text).toBe((await exec('fe2', ['racklab-ca', 'cert'])).stdout)
      await panel.locator('summary').click()
      await panel.scrollIntoViewIfNeeded()
      await shot(ui, 'endpoints-lab-ca')
      await ui.close()
    } finally {
      await served.stop()
    }
  })
})
