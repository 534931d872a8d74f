// Browser-mode harness: `racklab serve` as a child process and Debian's chromium driven by playwright-core.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { ROOT, TEST_HOME, TEST_LAB } from '../integration/helpers'

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
