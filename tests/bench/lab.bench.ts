// Bench of the whole lab (every server with an image) as a person runs it: the `racklab` CLI in its own process,
// timed from spawn to exit. (1) `up` after `down`, images and data volumes kept (warm); (2) `up` again on the
// healthy lab (no-op); (3) `down`. Targets from issue #15: ≤ 15 s, ≤ 2 s, ≤ 4 s. Own lab id and state dir; the
// lab is taken down (with its volumes) at the end, also on failure. The docker-compose baseline of the same lab
// is not part of this bench yet: it needs `racklab export compose`.
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { atMost, type BenchResult } from './figure'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const LAB = process.env.RACKLAB_BENCH_LAB ?? 'bench-lab'

interface Run {
  ms: number
  /** the CLI's own --json document */
  doc: { ok: boolean; op?: { error?: { message: string } }; timings?: { totalMs: number } }
}

function racklab(home: string, args: string[]): Promise<Run> {
  const t0 = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/racklab.mjs'), ...args, '--json'], { cwd: ROOT, env: { ...process.env, RACKLAB_LAB: LAB, RACKLAB_HOME: home } })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      const ms = performance.now() - t0
      try {
        const doc = JSON.parse(out) as Run['doc']
        if (code !== 0 || !doc.ok) reject(new Error(`racklab ${args.join(' ')} exited ${code}: ${doc.op?.error?.message ?? err.trim().slice(-500)}`))
        else resolve({ ms, doc })
      } catch {
        reject(new Error(`racklab ${args.join(' ')} exited ${code} without its JSON document: ${err.trim().slice(-500)}`))
      }
    })
  })
}

const s = (ms: number): number => Math.round(ms) / 1000

export async function benchLab(): Promise<BenchResult> {
  const home = process.env.RACKLAB_HOME ?? mkdtempSync(join(tmpdir(), 'racklab-bench-lab-'))
  try {
    await racklab(home, ['down', '--volumes'])
    await racklab(home, ['up']) // builds what is missing and provisions fresh volumes: not timed
    await racklab(home, ['down'])
    const warm = await racklab(home, ['up'])
    const noop = await racklab(home, ['up'])
    const down = await racklab(home, ['down'])
    return {
      upAfterDownS: atMost(s(warm.ms), 15),
      upAfterDownWithoutCliStartS: s(warm.doc.timings?.totalMs ?? 0),
      noOpUpS: atMost(s(noop.ms), 2),
      downS: atMost(s(down.ms), 4),
    }
  } finally {
    await racklab(home, ['down', '--volumes']).catch(() => undefined)
  }
}
