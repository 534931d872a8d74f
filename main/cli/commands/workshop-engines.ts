// The engines a workshop spreads its labs over (--engine a,b, or all: every registered engine) and the choice
// for the next lab: least-loaded by free memory, surveyed just before that lab's up (engines/placement.ts).
import { LabError } from '@contract/lab-error'
import { pickEngine } from '../../engine/engines/placement'
import { findEngineEntry, loadRegistry } from '../../engine/engines/registry'
import type { EngineEntry } from '../../engine/engines/engine-entry'
import { surveyEngine } from '../../engine/engines/survey'

export function workshopEngines(spec: string): EngineEntry[] {
  if (spec === 'all') {
    const list = loadRegistry()
    if (!list.length) throw new LabError('BAD_INPUT', '--engine all: no engine is registered (racklab engines add NAME --host …)')
    return list
  }
  const names = spec.split(',').map((s) => s.trim()).filter(Boolean)
  if (!names.length) throw new LabError('BAD_INPUT', `--engine "${spec}": name one or more engines (a,b) or all`)
  if (new Set(names).size !== names.length) throw new LabError('BAD_INPUT', `--engine "${spec}" names an engine twice`)
  return names.map((n) => findEngineEntry(n))
}

/** the engine for the next lab: the only one, or the least loaded of those that answer now */
export async function placeOn(engines: EngineEntry[]): Promise<string> {
  if (engines.length === 1) return engines[0]!.name
  return pickEngine(await Promise.all(engines.map((e) => surveyEngine(e)))).name
}
