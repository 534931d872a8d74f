// `npm run bench`: every bench in one run, one JSON document (ratios are measured within the run). Progress goes
// to stderr; bin/bench.mjs prints the document alone on stdout.
import { cpus } from 'node:os'
import { benchBackup } from './backup.bench'
import { benchCli } from './cli.bench'
import { benchCold } from './cold.bench'
import { benchDbTier } from './db-tier.bench'
import type { BenchResult } from './figure'
import { benchFiles } from './files.bench'
import { benchHardware } from './hardware.bench'
import { benchHistory } from './history.bench'
import { benchIdleLab } from './idle-lab.bench'
import { benchLab } from './lab.bench'
import { benchMail } from './mail.bench'
import { benchMonitor } from './monitor.bench'
import { benchNetfault } from './netfault.bench'
import { benchScene } from './scene.bench'
import { benchSceneOnDemand } from './scene-on-demand.bench'
import { benchWeb } from './web.bench'
import { benchWorkshop } from './workshop.bench'

const benches: Record<string, () => Promise<BenchResult>> = {
  hardware: benchHardware,
  cli: benchCli,
  lab: benchLab,
  monitor: benchMonitor,
  idleLab: benchIdleLab,
  dbTier: benchDbTier,
  mail: benchMail,
  web: benchWeb,
  files: benchFiles,
  scene: benchScene,
  sceneOnDemand: benchSceneOnDemand,
  netfault: benchNetfault,
  history: benchHistory,
  backup: benchBackup,
  // three whole labs on this machine: heavy, run it alone (npm run bench -- workshop)
  workshop: benchWorkshop,
}

export interface BenchDocument {
  at: string
  host: { cpus: number }
  results: Record<string, BenchResult | { error: string }>
}

/** only with --cold: it removes the lab's images and builds them again (minutes) */
const coldBenches: Record<string, () => Promise<BenchResult>> = { cold: benchCold }

export async function runBenches(args: string[]): Promise<BenchDocument> {
  const cold = args.includes('--cold')
  const only = args.filter((a) => a !== '--cold')
  const bad = only.filter((a) => a.startsWith('-'))
  if (bad.length) throw new Error(`unknown option ${bad.join(', ')} (options: --cold)`)
  const all = cold ? { ...coldBenches, ...benches } : benches
  const unknown = only.filter((n) => !(n in all))
  if (unknown.length) throw new Error(`no bench named ${unknown.join(', ')} (benches: ${Object.keys(benches).join(', ')}; with --cold also cold)`)
  const results: BenchDocument['results'] = {}
  for (const [name, run] of Object.entries(all)) {
    if (only.length && !only.includes(name)) continue
    process.stderr.write(`bench ${name}…\n`)
    try {
      results[name] = await run()
    } catch (e) {
      results[name] = { error: (e as Error).message }
    }
  }
  return { at: new Date().toISOString(), host: { cpus: cpus().length }, results }
}
