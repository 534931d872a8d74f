// Browser-mode harness: `racklab serve` as a child process and Debian's chromium driven by playwright-core.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { racklab, ROOT, TEST_HOME, TEST_LAB } from '../integration/helpers'

export const SHOTS = join(ROOT, 'tests/e2e/screenshots')

export interface Served {
  url: string
  child: ChildProcess
  stop(): Promise<void>
}

export async function serve(): Promise<Served> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/racklab.mjs'), 'serve', '--json'], {
    cwd: ROOT,
    env: { ...process.env, RACKLAB_LAB: TEST_LAB, RACKLAB_HOME: TEST_HOME },
  })
  let err = ''
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      try {
        resolve((JSON.parse(out) as { url: string }).url)
      } catch {
        // wait for the whole document
      }
    })
    child.on('exit', (code) => reject(new Error(`racklab serve exited with ${code}: ${err}`)))
  })
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGINT')
      }),
  }
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--use-gl=swiftshader', '--enable-unsafe-swiftshader'],
  })
}

export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true })
  const path = join(SHOTS, `${name}.png`)
  await page.screenshot({ path, fullPage: false })
  return path
}

/** `up` of the DB tier, waiting out another operation on the lab (BUSY) or another lab's networks: bounded. */
export async function upDbTier(): Promise<void> {
  const deadline = Date.now() + 10 * 60_000
  for (;;) {
    const up = await racklab(['up', '--only', 'db1,db2,db3'])
    if (up.code === 0) return
    if (!/busy|address pool|overlap/i.test(up.stderr) || Date.now() > deadline) throw new Error(`racklab up failed: ${up.stderr}`)
    await new Promise((r) => setTimeout(r, 10_000))
  }
}

export interface DbTierUi {
  page: Page
  url: string
  close(): Promise<void>
}

/** The DB tier up, `racklab serve` running and one chromium page (not navigated yet) whose errors go to `pageErrors`. */
export async function openDbTierUi(pageErrors: string[]): Promise<DbTierUi> {
  await upDbTier()
  const served = await serve()
  const browser = await launch()
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
  page.on('pageerror', (e) => pageErrors.push(e.message))
  return {
    page,
    url: served.url,
    close: async () => {
      await browser.close()
      await served.stop()
    },
  }
}

/** Evaluate an expression over window.__racklabScene (renderer/src/scene/scene-hook.ts) as `h`. */
export const sceneHook = <T>(page: Page, expr: string): Promise<T> => page.evaluate(`(() => { const h = window.__racklabScene; return ${expr} })()`) as Promise<T>
