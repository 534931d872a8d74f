// The scenarios the app ships (resources/scenarios/*.yaml), for the UI: listed with their steps in words, and
// run as a lab operation whose progress events carry each step's result. The UI runs only these by id; any
// other file runs from the CLI (`racklab scenario run FILE`).
import { existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { LabError } from '@contract/errors'
import type { ScenarioInfo } from '@contract/status'
import type { LabEngine } from '../lab/lab-engine'
import { type StartedOp } from '../lab/operations'
import { runUp } from '../lab/up'
import { resourcesDir } from '../topology/loader'
import { labDeps } from './bind'
import { loadScenario } from './load'
import { describeStep, outcomeWord, runScenario } from './runner'

export const scenariosDir = (): string => join(resourcesDir(), 'scenarios')

export async function listScenarios(lab: LabEngine, dir = scenariosDir()): Promise<ScenarioInfo[]> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.yaml')).sort()
  return Promise.all(
    files.map(async (f): Promise<ScenarioInfo> => {
      const id = f.slice(0, -'.yaml'.length)
      try {
        const sc = await loadScenario(join(dir, f), lab.topology)
        return { id, name: sc.name, ...(sc.description ? { description: sc.description.trim() } : {}), ...(sc.up ? { up: sc.up } : {}), steps: sc.steps.map(describeStep), cleanup: sc.cleanup.map(describeStep) }
      } catch (e) {
        return { id, name: id, steps: [], cleanup: [], error: (e as Error).message }
      }
    }),
  )
}

/** runs a shipped scenario as the lab's operation: `up` and `down` wait for it; Cancel stops it after the step */
export async function startScenario(lab: LabEngine, id: string, dir = scenariosDir()): Promise<StartedOp> {
  lab.requireEngine()
  const file = join(dir, `${id}.yaml`)
  if (!existsSync(file)) throw new LabError('NOT_FOUND', `no scenario "${id}" (scenario.list has them)`)
  const sc = await loadScenario(file, lab.topology) // SCENARIO_INVALID with every problem when it does not load
  const total = sc.steps.length + sc.cleanup.length
  return lab.ops.start('scenario', async (op) => {
    let done = 0
    // inside this operation, `up` runs its steps directly (lab.up would wait for this very operation)
    const deps = { ...labDeps(lab), up: (only: string[]) => runUp(lab, op, only) }
    const report = await runScenario(sc, deps, (step) => op.progress({ phase: 'step', current: step.n === 0 ? done : ++done, max: total, text: `${outcomeWord(step)}: ${step.text}`, step }), op.signal)
    if (op.signal.aborted) throw new LabError('CANCELLED', `scenario ${sc.name} was stopped; its cleanup ran`)
    if (!report.ok) {
      const failed = report.steps.find((s) => s.ok === false)
      throw new LabError('UNHEALTHY', `scenario ${sc.name} failed at ${failed?.section === 'cleanup' ? 'cleanup ' : ''}step ${failed?.n}: ${failed?.text}${failed?.detail ? ` — ${failed.detail}` : ''}`)
    }
  })
}
