// A writer killed (SIGKILL) at random points of 200 state writes, 20 times over on the same lab folder: after
// every kill the lab opens without an error and every append the writer acknowledged is still there.
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Topology } from '@contract/topology'
import { EventBus } from '../events/event-bus'
import { catalogPath } from '../binding/hardware-runtime'
import { recordingGateway } from '../binding/recording-gateway'
import { Journal } from '../journal/journal'
import { LabEngine } from '../lab/lab-engine'
import { appRoot, imagesDir } from '../paths'
import { loadTopology } from '../topology/loader'

const writer = fileURLToPath(new URL('./crash-writer.fixture.ts', import.meta.url))
const RUNS = 20

/** Run the writer; kill it once it has acknowledged `killAfter` appends (plus a few ms of more writing). */
function runAndKill(dir: string, seed: number, killAfter: number, extraMs: number): Promise<{ acked: string[]; finished: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, dir, String(seed), '200'], { cwd: appRoot(), env: { ...process.env, TSX_TSCONFIG_PATH: join(appRoot(), 'tsconfig.node.json') }, stdio: ['ignore', 'pipe', 'pipe'] })
    const acked: string[] = []
    let buf = ''
    let err = ''
    let finished = false
    let armed = false
    const bound = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      buf += d
      const lines = buf.split('\n')
      buf = lines.pop()!
      for (const l of lines) {
        if (l === 'done') finished = true
        else if (l !== 'ready') acked.push(l)
        if (!armed && (l === 'ready' ? killAfter === 0 : acked.length >= killAfter)) {
          armed = true
          setTimeout(() => child.kill('SIGKILL'), extraMs)
        }
      }
    })
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d))
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      clearTimeout(bound)
      if (signal !== 'SIGKILL' && code !== 0) reject(new Error(`writer failed (${code}): ${err}`))
      else resolve({ acked, finished })
    })
  })
}

let topology: Topology
beforeAll(async () => {
  topology = (await loadTopology()).topology
})

describe('state survives a kill at any point', () => {
  it(`${RUNS} kills during 200 writes: the lab always opens, no acknowledged append is missing`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'racklab-crash-'))
    let seed = 20261130
    const rand = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32)
    const ledgerAcks = new Set<number>()
    const journalAcks = new Set<number>()
    const actionAcks = new Set<number>()
    let killedMidway = 0
    for (let run = 0; run < RUNS; run++) {
      const { acked, finished } = await runAndKill(dir, run + 1, Math.floor(rand() * 70), Math.floor(rand() * 15))
      if (!finished) killedMidway++
      for (const a of acked) (a.startsWith('L ') ? ledgerAcks : a.startsWith('A ') ? actionAcks : journalAcks).add(Number(a.slice(2)))

      // what the app, the CLI and serve do at start: this must not throw
      const journal = new Journal(join(dir, 'journal.jsonl'))
      const lab = new LabEngine({ gateway: recordingGateway([], new Map()), topology, bus: new EventBus(), journal, labId: 't', stateDir: dir, imagesDir: imagesDir(), catalogFile: catalogPath(appRoot()) })
      const replayed = new Set(lab.hardware!.ledger.entries.map((e) => e.labMs))
      const missingL = [...ledgerAcks].filter((ms) => !replayed.has(ms))
      const seqs = new Set(journal.list(0, 1e6).map((e) => e.seq))
      const missingJ = [...journalAcks].filter((s) => !seqs.has(s))
      const begun = new Set(lab.actionLedger.list().map((r) => r.seq))
      const missingA = [...actionAcks].filter((s) => !begun.has(s))
      expect({ run, missingL, missingJ, missingA }).toEqual({ run, missingL: [], missingJ: [], missingA: [] })
      // atomic writes never leave a JSON file to repair; only an unacknowledged JSONL tail may be cut
      expect(journal.list(0, 1e6).filter((e) => e.kind === 'engine' && /unreadable|no header/.test(e.text))).toEqual([])
      lab.close()
    }
    expect(ledgerAcks.size).toBeGreaterThan(40)
    expect(actionAcks.size).toBeGreaterThan(20)
    expect(killedMidway).toBeGreaterThan(RUNS / 2)
  }, 240_000)
})
