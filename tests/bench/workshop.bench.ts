// A workshop on this machine (issue 12, item 6): three whole nyi-2007 labs on one engine.
// (1) 3 × one lab in sequence (`racklab workshop create --labs 3`, which brings its labs up one after the other)
//     against the same 3 labs brought up at once after a down (three `racklab up` side by side, on warm images and
//     the subnets each lab had), wall times and their ratio;
// (2) with the 3 labs up and settled (each in the monitor's idle spell, as idle-lab.bench.ts), each lab's idle RAM
//     and CPU (containers + its engine service), measured over the same minute, and whether `racklab check` passes
//     in each of the three while they run together (the "labs that run idle together while check passes");
// (3) the trainer dashboard's update latency with 3 labs: Docker pauses/unpauses db3 in one lab and the time until
//     `GET /api/workshop/` (what the dashboard page polls, every 2 s: TrainerDashboard.vue) shows it; the server
//     asks each lab's engine every 3 s (serve-workshop.ts REFRESH_MS), so that is the bound to expect;
// (4) how many labs this machine holds, COMPUTED (not run): the measured per-lab cost (containers + engine RSS;
//     CPU) against the machine's memory and cores, with a fifth of each kept for the host.
// Heavy on a small machine: run it alone (`npm run bench -- workshop`).
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Docker from 'dockerode'
import { containerName } from '../../main/engine/lab/naming'
import type { BenchResult } from './figure'
import { waitForIdleSpell } from './idle-spell'
import { engineRssMiB, labMemoryMiB, labsCpuPct, racklabFor, type BenchLab } from './lab-cost'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const WS = 'wsb'
const N = 3
const HOME = mkdtempSync(join(tmpdir(), 'racklab-bench-ws-'))
const LABS: BenchLab[] = Array.from({ length: N }, (_, i) => ({ lab: `${WS}-${i + 1}`, home: HOME }))
/** what the host keeps for itself when the capacity is computed */
const HOST_SHARE = 0.2

const must = async (what: string, run: Promise<{ code: number | null; err: string }>): Promise<void> => {
  const r = await run
  if (r.code !== 0) throw new Error(`${what} failed: ${r.err.slice(-1500)}`)
}
const timed = async (f: () => Promise<void>): Promise<number> => {
  const t0 = performance.now()
  await f()
  return Math.round(performance.now() - t0)
}
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!

interface DashLab {
  lab: string
  servers: { running: number }
}

/** `racklab serve --workshop`, until its --json document (pretty-printed, several lines) names the trainer link */
function serveWorkshop(): Promise<{ trainer: URL; stop: () => void }> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [join(ROOT, 'bin/racklab.mjs'), 'serve', '--workshop', WS, '--json'], { env: { ...process.env, RACKLAB_HOME: HOME }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    c.stderr.on('data', (d: Buffer) => (err += d.toString()))
    c.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      let doc: { trainer?: string } | undefined
      try {
        doc = JSON.parse(out) as { trainer?: string } // the document may come in several chunks
      } catch {
        return
      }
      if (doc.trainer) resolve({ trainer: new URL(doc.trainer), stop: () => c.kill('SIGTERM') })
      else reject(new Error(`serve --workshop --json gave no trainer link: ${out.slice(0, 500)}`))
    })
    c.on('close', (code) => reject(new Error(`serve --workshop exited ${code}: ${err.slice(-1000)}`)))
  })
}

async function dashboardLatency(docker: Docker, samples = 8): Promise<{ p50: number; p95: number }> {
  const web = await serveWorkshop()
  try {
    const token = web.trainer.searchParams.get('token')!
    const running = async (lab: string): Promise<number | undefined> => {
      const r = await fetch(`${web.trainer.origin}/api/workshop/?token=${token}`)
      if (!r.ok) throw new Error(`GET /api/workshop/ answered ${r.status}: ${await r.text()}`)
      return ((await r.json()) as { labs: (DashLab | null)[] }).labs.find((l) => l?.lab === lab)?.servers.running
    }
    const lab = LABS[1]!.lab
    const until = async (want: number, t0: number): Promise<number> => {
      for (;;) {
        if ((await running(lab)) === want) return performance.now() - t0
        if (performance.now() - t0 > 30_000) throw new Error(`the dashboard did not show ${want} servers running in ${lab} within 30 s`)
        await new Promise((r) => setTimeout(r, 100))
      }
    }
    const total = (await labServers(docker, lab)).length
    await until(total, performance.now()) // serve has asked every lab once
    const c = docker.getContainer(containerName(lab, 'db3'))
    const lat: number[] = []
    for (let i = 0; i < samples; i++) {
      const pause = i % 2 === 0
      const t0 = performance.now()
      await (pause ? c.pause() : c.unpause())
      lat.push(await until(pause ? total - 1 : total, t0))
    }
    return { p50: Math.round(pct(lat, 0.5)), p95: Math.round(pct(lat, 0.95)) }
  } finally {
    web.stop()
  }
}

const labServers = (docker: Docker, lab: string): Promise<Docker.ContainerInfo[]> => docker.listContainers({ filters: { label: [`racklab.lab=${lab}`] } })

export async function benchWorkshop(): Promise<BenchResult> {
  const docker = new Docker()
  const downAll = (): Promise<void[]> => Promise.all(LABS.map((l) => must(`down ${l.lab}`, racklabFor(l, ['down', '--volumes']))))
  try {
    await must('up (images)', racklabFor(LABS[0]!, ['up'])) // builds what is missing; not timed
    await must('down', racklabFor(LABS[0]!, ['down', '--volumes']))
    const inSequenceMs = await timed(() => must('workshop create', racklabFor(LABS[0]!, ['workshop', 'create', '--labs', String(N), '--name', WS])))
    // down keeps each lab's subnets as its first choice, so the three ups at once do not race for free ones
    await downAll()
    // allSettled: when one up fails the others still run, and the cleanup below must come after them (with
    // Promise.all it downed the labs while two ups went on, and left them running)
    const atOnceMs = await timed(async () => {
      const ups = await Promise.allSettled(LABS.map((l) => must(`up ${l.lab}`, racklabFor(l, ['up']))))
      const failed = ups.find((u): u is PromiseRejectedResult => u.status === 'rejected')
      if (failed) throw failed.reason
    })
    // each lab's first night (02:00 lab time) was spent before the down, and the volumes went with it: without a
    // backup, backup1's probes fail and a lab with a failing probe is never idle (monitor/schedule.ts)
    await Promise.all(LABS.map((l) => must(`backup-now in ${l.lab}`, racklabFor(l, ['act', 'server:backup1', 'backup-now']))))
    // each lab's idle spell, 30 s into it (at most 15 min: a host so loaded that probes keep failing never idles)
    const spells = await Promise.all(LABS.map((l) => waitForIdleSpell(l, 15 * 60_000)))
    const cpu = await labsCpuPct(docker, LABS, 60_000, 0)
    const mem = await Promise.all(LABS.map((l) => labMemoryMiB(docker, l.lab)))
    // every probe of every lab, fresh, with the three labs up together
    const checks = await Promise.all(LABS.map(async (l) => (await racklabFor(l, ['check', '--fresh'])).code === 0))
    const engines = LABS.map(engineRssMiB)
    const latency = await dashboardLatency(docker)
    const mean = (xs: number[]): number => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10
    const perLabMiB = mean(mem.map((m, i) => m + engines[i]!))
    const perLabCpu = mean(cpu)
    const byMemory = Math.floor(((totalmem() / 1048576) * (1 - HOST_SHARE)) / perLabMiB)
    const byCpu = Math.floor((cpus().length * 100 * (1 - HOST_SHARE)) / perLabCpu)
    return {
      upThreeAtOnceMs: atOnceMs,
      upThreeInSequenceMs: inSequenceMs,
      upAtOnceVsSequenceRatio: Math.round((atOnceMs / inSequenceMs) * 100) / 100,
      ...Object.fromEntries(LABS.flatMap((l, i) => [[`idleMiB_${l.lab}`, mem[i]!], [`idleCpuPct_${l.lab}`, cpu[i]!]])),
      idleLabMiBMeanOfThree: mean(mem),
      idleLabCpuPctMeanOfThree: perLabCpu,
      engineRssMiBMeanOfThree: mean(engines),
      dashboardUpdateP50Ms: latency.p50,
      dashboardUpdateP95Ms: latency.p95,
      labsByMemoryComputed: byMemory,
      labsByCpuComputed: byCpu,
      labsThisMachineHoldsComputed: Math.min(byMemory, byCpu),
      labsIdleTogether: spells.filter((x) => x.idle).length,
      checkPassesInLabs: checks.filter(Boolean).length,
      settledAfterUpS: Math.round(Math.max(...spells.map((x) => x.waitedMs)) / 1000),
    }
  } finally {
    await racklabFor(LABS[0]!, ['workshop', 'down', WS])
    await Promise.all(LABS.map((l) => racklabFor(l, ['down', '--volumes'])))
  }
}
