// Shared by the integration tests: a lab of our own (own id, own state dir) driven through the real CLI.
import { spawn } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const TEST_LAB = process.env.RACKLAB_TEST_LAB ?? 'it-nyi-2007'
// one state dir per test lab, shared by every test file and process that drives it (secrets must match the volumes)
export const TEST_HOME = process.env.RACKLAB_TEST_HOME ?? join(tmpdir(), `racklab-test-${TEST_LAB}`)

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
  ms: number
}

export function racklab(args: string[], opts: { signalAfter?: (stderr: string) => boolean; env?: Record<string, string> } = {}): Promise<CliResult> {
  const t0 = performance.now()
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/racklab.mjs'), ...args], {
      cwd: ROOT,
      env: { ...process.env, RACKLAB_LAB: TEST_LAB, RACKLAB_HOME: TEST_HOME, ...opts.env },
    })
    let stdout = ''
    let stderr = ''
    let signalled = false
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
      if (!signalled && opts.signalAfter?.(stderr)) {
        signalled = true
        child.kill('SIGINT')
      }
    })
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - t0 }))
  })
}

export async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v !== undefined && v !== false) return v
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}
