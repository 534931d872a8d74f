// Where a workshop puts its next lab: least-loaded by free memory. Each lab is placed just before its `up`, from
// a fresh survey, so the labs already brought up count with what they really use, and a bigger host takes more
// labs than a small one. Ties go to the engine with fewer labs, then to the order the engines were named in.
// An engine that does not answer takes nothing (and is named, so the trainer knows).
import { LabError } from '@contract/lab-error'
import type { EngineSurvey } from './survey'

export function pickEngine(surveys: EngineSurvey[]): EngineSurvey {
  const up = surveys.filter((s) => s.reachable)
  if (!up.length) throw new LabError('ENGINE_ABSENT', `no engine to place a lab on answers: ${surveys.map((s) => `${s.name} (${s.problem ?? 'no reply'})`).join('; ')}`)
  const free = (s: EngineSurvey): number => s.capacity?.freeMemoryBytes ?? 0
  return up.reduce((best, s) => (free(s) > free(best) || (free(s) === free(best) && s.labs.length < best.labs.length) ? s : best))
}
