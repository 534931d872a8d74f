// The CLI answers in a blink: `racklab status` (median of 10, wall, a new process each time, as a person types
// it) against a running engine service, and a no-op `racklab up` on a healthy lab. Targets from issue 9.
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { atMost, median, type BenchResult } from './figure'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const LAB = 'bench-cli'
const HOME = mkdtempSync(join(tmpdir(), 'racklab-bench-cli-'))

function racklab(args: string[]): Promise<{ code: number | null; ms: number; err: string }> {
  const t0 = performance.now()
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [join(ROOT, 'bin/racklab.mjs'), ...args], { env: { ...process.env, RACKLAB_LAB: LAB, RACKLAB_HOME: HOME }, stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    c.stderr.on('data', (d: Buffer) => (err += d.toString()))
    c.on('close', (code) => resolve({ code, ms: performance.now() - t0, err }))
  })
}
const round = (ms: number): number => Math.round(ms)

export async function benchCli(): Promise<BenchResult> {
  const up = await racklab(['up', '--only', 'db1,db2'])
  if (up.code !== 0) throw new Error(`up failed: ${up.err}`)
  try {
    await racklab(['status']) // the engine is warm
    const status: number[] = []
    for (let i = 0; i < 10; i++) status.push((await racklab(['status'])).ms)
    const noop: number[] = []
    for (let i = 0; i < 3; i++) {
      const r = await racklab(['up', '--only', 'db1,db2'])
      if (r.code !== 0) throw new Error(`no-op up failed: ${r.err}`)
      noop.push(r.ms)
    }
    const statusMs = median(status)
    const noopMs = median(noop)
    return { statusMedianMs: atMost(round(statusMs), 300), noopUpMs: atMost(round(noopMs), 2000) }
  } finally {
    await racklab(['down', '--volumes'])
  }
}
