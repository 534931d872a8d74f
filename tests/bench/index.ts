// `npm run bench`: every bench in one run, one JSON document on stdout (ratios are measured within the run).
import { benchCli } from './cli.bench'
import { benchDbTier } from './db-tier.bench'
import { benchHardware } from './hardware.bench'
import { benchMail } from './mail.bench'
import { benchScene } from './scene.bench'
import { benchWeb } from './web.bench'

const benches: Record<string, () => Promise<Record<string, number | boolean>>> = {
  hardware: benchHardware,
  cli: benchCli,
  dbTier: benchDbTier,
  mail: benchMail,
  web: benchWeb,
  scene: benchScene,
}

const only = process.argv.slice(2)
const out: Record<string, Record<string, number | boolean> | { error: string }> = {}
for (const [name, run] of Object.entries(benches)) {
  if (only.length && !only.includes(name)) continue
  process.stderr.write(`bench ${name}…\n`)
  try {
    out[name] = await run()
  } catch (e) {
    out[name] = { error: (e as Error).message }
  }
}
process.stdout.write(JSON.stringify({ at: new Date().toISOString(), host: { cpus: (await import('node:os')).cpus().length }, results: out }, null, 2) + '\n')
