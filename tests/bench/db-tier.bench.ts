// Bench of the foundation: (1) DB-tier `up` by Racklab vs the same containers started by plain `docker` CLI
// commands (what `docker compose up --wait` does; compose v2 is not packaged in Debian bookworm, so the
// baseline is the CLI sequence with the same images, networks, volumes, env and dependency order);
// (2) latency from a Docker engine event to the browser-mode WebSocket client, p50 and p95.
import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import Docker from 'dockerode'
import WebSocket from 'ws'
import type { LabStatus } from '@contract/status'
import type { ServerMsg } from '@contract/wire'
import { createRuntime } from '../../main/api/runtime'
import { containerName } from '../../main/engine/lab/naming'
import { webDir } from '../../main/engine/paths'
import { startWebServer } from '../../main/server/web-server'
import { launch } from '../e2e/browser'
import { atMost, type BenchResult } from './figure'

const run = promisify(execFile)
const LAB = 'bench-db'
const DBS = ['db1', 'db2', 'db3']

async function racklabUp(): Promise<number> {
  const rt = await createRuntime({ labId: LAB, watch: false })
  try {
    const t0 = performance.now()
    const op = rt.lab.up(DBS)
    const done = await op.done
    if (done.status !== 'succeeded') throw new Error(`up failed: ${done.error?.message}`)
    return performance.now() - t0
  } finally {
    rt.close()
  }
}

async function racklabDown(): Promise<void> {
  const rt = await createRuntime({ labId: LAB, watch: false })
  try {
    await rt.lab.down(true).done
  } finally {
    rt.close()
  }
}

/** The same lab with docker CLI commands: networks, volumes, db1, wait healthy, db2+db3, wait healthy. */
async function cliUp(): Promise<number> {
  const rt = await createRuntime({ labId: LAB, watch: false })
  const specs = DBS.map((id) => {
    const placed = rt.lab.servers.get(id)!
    return { id, placed, spec: rt.lab.roleSpecOf(id)!, image: rt.lab.images.role('db')!.tag }
  })
  const t = rt.lab.topology
  rt.close()
  const name = (x: string): string => `cli-${LAB}-${x}`
  const t0 = performance.now()
  for (const n of t.networks.filter((n) => n.id !== 'ext'))
    await run('docker', ['network', 'create', '--label', 'racklab.bench=1', ...(n.internal ? ['--internal'] : []), '--subnet', n.subnet, name(n.id)])
  const start = async (s: (typeof specs)[number]): Promise<void> => {
    const [first, ...rest] = s.placed.server.nics
    const args = ['create', '--name', name(s.id), '--init', '--hostname', s.id, '--label', 'racklab.bench=1', '--tmpfs', '/run', '--network', name(first!.network), '--ip', first!.ip]
    for (const [k, v] of Object.entries(s.spec.env)) args.push('-e', `${k}=${v}`)
    for (const [purpose, path] of Object.entries(s.spec.volumes)) args.push('-v', `${name(`${s.id}-${purpose}`)}:${path}`)
    await run('docker', [...args, s.image])
    for (const n of rest) await run('docker', ['network', 'connect', '--ip', n.ip, name(n.network), name(s.id)])
    await run('docker', ['start', name(s.id)])
    for (;;) {
      const { stdout } = await run('docker', ['inspect', '-f', '{{.State.Health.Status}}', name(s.id)])
      if (stdout.trim() === 'healthy') return
      await new Promise((r) => setTimeout(r, 250))
    }
  }
  await start(specs[0]!)
  await Promise.all(specs.slice(1).map(start))
  const ms = performance.now() - t0
  await run('docker', ['rm', '-f', '-v', ...DBS.map(name)])
  for (const n of t.networks.filter((n) => n.id !== 'ext')) await run('docker', ['network', 'rm', name(n.id)])
  // every volume the baseline made (the db role has two: data, and offsite for backup1's copies)
  await run('docker', ['volume', 'rm', ...specs.flatMap((s) => Object.keys(s.spec.volumes).map((purpose) => name(`${s.id}-${purpose}`)))])
  return ms
}

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!

/**
 * Engine event → (a) a bare WebSocket client and (b) the real UI in chromium showing the new state on the
 * server's row (what "shown stopped within 1 s" means to a person). db3 is paused/unpaused with Docker
 * directly, so the time is the engine's and the UI's, not MariaDB's shutdown.
 */
async function eventLatency(samples = 20): Promise<{ ws: { p50: number; p95: number }; page: { p50: number; p95: number } }> {
  const rt = await createRuntime({ labId: LAB, watch: true })
  const web = await startWebServer({ dispatch: rt.dispatch, bus: rt.bus, staticDir: webDir(), version: 'bench' })
  const browser = await launch()
  const page = await browser.newPage()
  await page.goto(web.url)
  await page.locator('[data-server="db3"][data-state="running"]').waitFor({ timeout: 30_000 })
  const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws?token=${web.token}`)
  await new Promise((r) => ws.once('open', r))
  let waiter: ((s: LabStatus) => void) | undefined
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString()) as ServerMsg
    if (m.t === 'event' && m.ev === 'lab.changed') waiter?.(m.payload as LabStatus)
  })
  const c = new Docker().getContainer(containerName(LAB, 'db3'))
  const lat: number[] = []
  const shown: number[] = []
  for (let i = 0; i < samples; i++) {
    const pause = i % 2 === 0
    const want = pause ? 'paused' : 'running'
    const seen = new Promise<number>((resolve) => {
      waiter = (s) => {
        if (s.servers.find((x) => x.id === 'db3')?.state === want) resolve(performance.now())
      }
    })
    const onPage = page.locator(`[data-server="db3"][data-state="${want}"]`).waitFor({ timeout: 10_000 }).then(() => performance.now())
    const t0 = performance.now()
    await (pause ? c.pause() : c.unpause())
    lat.push((await seen) - t0)
    shown.push((await onPage) - t0)
  }
  ws.close()
  await browser.close()
  await web.close()
  rt.close()
  return { ws: { p50: pct(lat, 0.5), p95: pct(lat, 0.95) }, page: { p50: pct(shown, 0.5), p95: pct(shown, 0.95) } }
}

export async function benchDbTier(): Promise<BenchResult> {
  process.env.RACKLAB_HOME ??= mkdtempSync(join(tmpdir(), 'racklab-bench-'))
  await racklabDown()
  await racklabUp() // builds images if needed; not timed
  await racklabDown()
  const racklabMs = await racklabUp()
  const latency = await eventLatency()
  await racklabDown()
  const cliMs = await cliUp()
  return {
    dbTierUpRacklabMs: Math.round(racklabMs),
    dbTierUpDockerCliMs: Math.round(cliMs),
    dbTierUpRatio: atMost(Number((racklabMs / cliMs).toFixed(3)), 1.1),
    eventToBrowserP50Ms: Number(latency.ws.p50.toFixed(1)),
    eventToBrowserP95Ms: atMost(Number(latency.ws.p95.toFixed(1)), 250),
    eventShownInUiP50Ms: Number(latency.page.p50.toFixed(1)),
    eventShownInUiP95Ms: atMost(Number(latency.page.p95.toFixed(1)), 1000),
  }
}
