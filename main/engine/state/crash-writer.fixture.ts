// The writer the crash test kills: a stream of ledger appends (hardware and action ledgers), journal appends and
// JSON state writes (applied effects, members, secrets, nightly, provisioned) through the product's own
// persistence code, on the lab state folder given as argv[2].
// After each append returns, it says so on stdout ("L <labMs>" / "A <seq>" / "J <seq>"); stdout to a pipe is synchronous on POSIX, so every line the
// parent read was acknowledged before the kill.
import { join } from 'node:path'
import { ActionLedger } from '../actions/action-ledger'
import { Ledger } from '../binding/ledger'
import { AppliedEffects } from '../binding/reconcile'
import type { Effects } from '../hardware/index'
import { Journal } from '../journal/journal'
import { saveMembers } from '../lab/members'
import { NightlyLedger } from '../lab/nightly'
import { ProvisionRecord } from '../lab/provisioned'
import { loadSecrets } from '../lab/secrets'
import { writeJsonAtomic } from './atomic-file'

const [dir, seedArg, countArg] = process.argv.slice(2)
if (!dir) throw new Error('usage: crash-writer.fixture.ts STATE_DIR SEED COUNT')
let seed = Number(seedArg ?? 1) >>> 0
const rand = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32)

const ledger = new Ledger(join(dir, 'hardware-ledger.jsonl'), () => ({ epochWall: 1, speed: 1, seed: 1 }))
const journal = new Journal(join(dir, 'journal.jsonl'))
const actions = new ActionLedger(join(dir, 'actions.jsonl'))
const applied = new AppliedEffects(join(dir, 'applied-effects.json'))
const secretsFile = join(dir, 'secrets.json')
const secrets = loadSecrets(secretsFile)
const nightly = new NightlyLedger(join(dir, 'nightly.json'))
const provisioned = new ProvisionRecord(join(dir, 'provisioned.json'))
// big enough (~0.5 MB) that a kill often lands inside the write itself
const effects = (n: number): Effects =>
  Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`server-${i}`, { powered: (i + n) % 2 === 0, booting: false, dataVolume: 'ok', dataEpoch: n, slowdown: 1, networks: { int: true, ext: i % 3 === 0 } }]))

let labMs = ledger.entries.at(-1)?.labMs ?? 0
process.stdout.write('ready\n')
for (let i = 0; i < Number(countArg ?? 200); i++) {
  const r = rand()
  if (r < 0.25) {
    ledger.append({ labMs: ++labMs, target: `server:s${i}`, action: 'power-off' })
    process.stdout.write(`L ${labMs}\n`)
  } else if (r < 0.4) {
    const rec = actions.begin({ labMs, target: `server:s${i}`, action: 'stop', args: {}, family: 'container', inverse: { action: 'start' } })
    process.stdout.write(`A ${rec.seq}\n`)
    actions.end(rec, true, 'stopped')
  } else if (r < 0.6) {
    const e = journal.append({ kind: 'action', text: `write ${i}` })
    process.stdout.write(`J ${e.seq}\n`)
  } else if (r < 0.8) applied.save(effects(i))
  else if (r < 0.9) saveMembers(join(dir, 'members.json'), Array.from({ length: 1 + (i % 20) }, (_, k) => `server-${k}`))
  else if (r < 0.95) writeJsonAtomic(secretsFile, { ...secrets, repl: `r${i}` }, 0o600)
  else if (i % 2) nightly.mark(i)
  else provisioned.save(`server-${i % 7}`, `key-${i}`)
}
process.stdout.write('done\n')
