// The scenarios the app ships (resources/scenarios/*.yaml), for the UI: listed with their steps in words, and
// run as a lab operation whose progress events carry each step's result. The UI runs only these by id; any
// other file runs from the CLI (`racklab scenario run FILE`).
import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { LabError } from '@contract/errors'
import type { ScenarioInfo } from '@contract/status'
import type { ScenarioContext } from '../lab/lab-context'
import { type StartedOp } from '../lab/operations'
import { runUp } from '../lab/up'
import { resourcesDir } from '../topology/loader'
import { labDeps } from './bind'
import { loadScenario, parseScenario } from './load'
import { ScenarioMarker } from './marker'
import type { Scenario } from './schema'
import { describeStep, outcomeWord, runScenario } from './runner'

export const scenariosDir = (): string => join(resourcesDir(), 'scenarios')

export async function listScenarios(lab: ScenarioContext, dir = scenariosDir()): Promise<ScenarioInfo[]> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.yaml')).sort()
  return Promise.all(
    files.map(async (f): Promise<ScenarioInfo> => {
      const id = f.slice(0, -'.yaml'.length)
      try {
        const sc = await loadScenario(join(dir, f), lab.topology)
        // an exercise (objectives) leaves the lab broken for a student: say so wherever scenarios are listed
        const points = (sc.objectives ?? []).reduce((n, o) => n + o.points, 0)
        const exercise = sc.objectives ? `Exercise: its steps break the lab and leave it broken for a student to fix (${sc.objectives.length} objectives, ${points} points; racklab workshop grades them). racklab undo puts each break back.` : undefined
        const description = [exercise, sc.description?.trim()].filter(Boolean).join(' ')
        return { id, name: sc.name, ...(description ? { description } : {}), ...(sc.up ? { up: sc.up } : {}), steps: sc.steps.map(describeStep), cleanup: sc.cleanup.map(describeStep) }
      } catch (e) {
        return { id, name: id, steps: [], cleanup: [], error: (e as Error).message }
      }
    }),
  )
}

export type ScenarioSource = { id: string } | { source: string; file: string }

/** runs a scenario (shipped, by id; or a file's text from the CLI) as the lab's operation: `up` and `down` wait
 *  for it; Cancel stops it after the step. While it runs, a marker in the lab's state dir holds it, so an engine
 *  killed halfway runs its cleanup when it comes back (resumeScenarioCleanup). */
export async function startScenario(lab: ScenarioContext, what: ScenarioSource, dir = scenariosDir()): Promise<StartedOp> {
  lab.requireEngine()
  let source: { source: string; file: string }
  if ('id' in what) {
    const file = join(dir, `${what.id}.yaml`)
    if (!existsSync(file)) throw new LabError('NOT_FOUND', `no scenario "${what.id}" (scenario.list has them)`)
    source = { source: await readFile(file, 'utf8'), file }
  } else source = what
  const sc = parseScenario(source.source, source.file, lab.topology) // SCENARIO_INVALID with every problem when it does not load
  const total = sc.steps.length + sc.cleanup.length
  const marker = new ScenarioMarker(lab.stateDir)
  return lab.ops.start('scenario', async (op) => {
    marker.set(source)
    let done = 0
    // inside this operation, `up` runs its steps directly (lab.up would wait for this very operation)
    const deps = { ...labDeps(lab), up: (only: string[]) => runUp(lab, op, only) }
    const report = await runScenario(sc, deps, (step) => op.progress({ phase: 'step', current: step.n === 0 ? done : ++done, max: total, text: `${outcomeWord(step)}: ${step.text}`, step }), op.signal)
    marker.clear()
    if (op.signal.aborted) throw new LabError('CANCELLED', `scenario ${sc.name} was stopped; its cleanup ran`)
    if (!report.ok) {
      const failed = report.steps.find((s) => s.ok === false)
      throw new LabError('UNHEALTHY', `scenario ${sc.name} failed at ${failed?.section === 'cleanup' ? 'cleanup ' : ''}step ${failed?.n}: ${failed?.text}${failed?.detail ? ` — ${failed.detail}` : ''}`)
    }
  })
}

/** A scenario left halfway by a killed engine: run its cleanup steps now, as an operation, and journal it. */
export function resumeScenarioCleanup(lab: ScenarioContext): StartedOp | undefined {
  const marker = new ScenarioMarker(lab.stateDir)
  const left = marker.get((text) => lab.journal.append({ kind: 'op', target: 'scenario', text }))
  if (!left) return undefined
  let sc: Scenario
  try {
    sc = parseScenario(left.source, left.file, lab.topology)
  } catch (e) {
    lab.journal.append({ kind: 'op', target: 'scenario', text: `a scenario from ${left.file} was interrupted, and its cleanup can't run: ${(e as Error).message}` })
    marker.clear()
    return undefined
  }
  lab.journal.append({ kind: 'op', target: 'scenario', text: `scenario ${sc.name} was interrupted (the engine stopped mid-run): running its cleanup` })
  const cleanupOnly: Scenario = { ...sc, up: undefined, steps: [] }
  return lab.ops.start('scenario', async (op) => {
    const report = await runScenario(cleanupOnly, labDeps(lab), (step) => op.progress({ phase: 'step', current: step.n, max: sc.cleanup.length, text: `${outcomeWord(step)}: ${step.text}`, step }), op.signal)
    marker.clear()
    if (!report.ok) throw new LabError('UNHEALTHY', `cleanup of interrupted scenario ${sc.name} failed`)
  })
}
