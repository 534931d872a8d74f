// racklab scenario run FILE | check FILE: a scripted incident, headless. Exit 0 when every step and cleanup
// step passed, 1 when one failed (the report says which and what was seen), 2 when the file or the lab is wrong.
// A run goes to the lab's engine service, which runs it as the lab's operation: killed halfway, the engine
// runs its cleanup when it comes back.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { LabError } from '@contract/lab-error'
import type { ScenarioStepResult } from '@contract/status'
import { labStateDir } from '../../engine/paths'
import { loadScenario } from '../../engine/scenarios/load'
import { attachChanges, compareRuns, describeDifferences, toJunit, type RunResult } from '../../engine/scenarios/run-result'
import { stepKind } from '../../engine/scenarios/schema'
import { loadTopology } from '../../engine/topology/loader'
import { EXIT_FAIL, EXIT_OK, exitCodeFor, printJson, say } from '../output'
import { call, linkFor, need, type CliArgs } from './context'
import { follow } from './lifecycle'

const mark = (r: ScenarioStepResult): string => (r.ok === null ? '–' : r.ok ? '✓' : '✗')
const line = (r: ScenarioStepResult): string =>
  `${mark(r)} ${r.section === 'steps' ? '' : `${r.section} `}${r.n}. ${r.text}${r.ok === null ? ' (not run)' : ` — ${(r.ms / 1000).toFixed(1)} s`}${r.detail ? `\n    ${r.detail.replace(/\n/g, '\n    ')}` : ''}`

export async function scenario(a: CliArgs): Promise<number> {
  const verb = need(a, 0, 'run or check')
  if (verb !== 'run' && verb !== 'check') throw new LabError('BAD_INPUT', `racklab scenario: "${verb}" is not run or check`)
  const file = need(a, 1, 'FILE (a scenario, e.g. resources/scenarios/db2-cable-pull.yaml)')
  const { topology } = await loadTopology(a.topology)
  const sc = await loadScenario(file, topology) // every problem, file:line:column, before any engine is touched
  if (verb === 'check') {
    const kinds = sc.steps.map(stepKind)
    if (a.json) printJson({ ok: true, name: sc.name, steps: sc.steps.length, cleanup: sc.cleanup.length })
    else say(`${file}: scenario ${sc.name} is valid (${sc.steps.length} steps: ${[...new Set(kinds)].join(', ')}; ${sc.cleanup.length} cleanup)`)
    return EXIT_OK
  }
  const source = await readFile(resolve(file), 'utf8')
  const stored = a.compare ? await readStoredRun(a.compare) : undefined // a bad stored run is refused before anything runs
  const link = await linkFor(a, 'start', true)
  try {
    const before = (await call(link, 'journal.list', { since: 0, limit: 1 })).at(-1)?.seq ?? 0
    const at = new Date().toISOString()
    if (!a.json) say(`scenario ${sc.name}${sc.description ? ` — ${sc.description.trim()}` : ''}`)
    const steps: ScenarioStepResult[] = []
    const t0 = Date.now()
    const done = await follow(link, a, () => call(link, 'scenario.run', { source, file }), (p) => {
      if (p.step) {
        steps.push(p.step)
        if (!a.json) say(line(p.step))
      } else if (!a.json) say(`[${p.phase}] ${p.text}`)
    })
    const ok = done.status === 'succeeded'
    const ms = Date.now() - t0
    const journal = await call(link, 'journal.list', { since: before, limit: 5000 })
    const result: RunResult = { name: sc.name, file: resolve(file), ok, at, ms, steps: attachChanges(sc.name, steps, journal) }
    const resultFile = resolve(a.result ?? join(labStateDir(link.labId), 'runs', `${sc.name}-${at.replace(/[:.]/g, '-')}.json`))
    await mkdir(dirname(resultFile), { recursive: true })
    await writeFile(resultFile, JSON.stringify(result, null, 2) + '\n')
    if (a.junit) await writeFile(resolve(a.junit), toJunit(result))
    const differences = stored ? compareRuns(stored, result) : undefined
    if (a.json) printJson({ name: sc.name, ok, ms, steps: result.steps, resultFile, ...(differences ? { differences } : {}) })
    else {
      say(`scenario ${sc.name}: ${ok ? 'passed' : 'FAILED'} in ${(ms / 1000).toFixed(1)} s${done.status === 'cancelled' ? ' (stopped; its cleanup ran)' : ''}`)
      say(`result: ${resultFile}${a.junit ? `; JUnit: ${resolve(a.junit)}` : ''}`)
      if (differences) say(`against ${a.compare}: ${describeDifferences(differences)}`)
    }
    // differences are reported, never an exit code of their own: the run's outcome decides it
    if (ok) return EXIT_OK
    // a step that failed is exit 1; a lab that could not run it (no engine, busy) keeps its own code
    return done.error && done.error.code !== 'UNHEALTHY' && done.error.code !== 'CANCELLED' ? exitCodeFor(done.error) : EXIT_FAIL
  } finally {
    link.close()
  }
}

/** a run result written by an earlier `scenario run` (its steps are what is compared) */
async function readStoredRun(file: string): Promise<RunResult> {
  let data: unknown
  try {
    data = JSON.parse(await readFile(resolve(file), 'utf8'))
  } catch (e) {
    throw new LabError('BAD_INPUT', `--compare ${file}: cannot read a run result there: ${(e as Error).message}`)
  }
  const r = data as Partial<RunResult>
  const bad = !r || typeof r.name !== 'string' || !Array.isArray(r.steps) ? 'it has no name and steps' : r.steps.findIndex((s) => typeof s?.section !== 'string' || typeof s.n !== 'number' || !Array.isArray(s.changes))
  if (typeof bad === 'string' || bad >= 0) throw new LabError('BAD_INPUT', `--compare ${file}: not a run result written by racklab scenario run (${typeof bad === 'string' ? bad : `steps[${bad}] lacks section, n or changes`})`)
  return r as RunResult
}
