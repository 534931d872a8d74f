// A workshop's scores beside its file (NAME.scores.json), so a restart of `serve --workshop` keeps what was
// earned. Written through the crash-safe state files (fsynced temp + rename, owner-only); read with a schema.
// A damaged file must not stop the workshop from starting: it is set aside (the points can be read back from
// it by hand) and named, and the labs start from fresh scores.
import { z } from 'zod'
import type { LabScore } from '../engine/scenarios/grading'
import { loadJsonState, writeJsonAtomic } from '../engine/state/atomic-file'

const LabScoreSchema = z.object({
  startedAt: z.number(),
  achieved: z.record(z.string(), z.object({ points: z.number(), at: z.number() })),
  hintsTaken: z.number().int().nonnegative(),
  hintCost: z.number(),
}) satisfies z.ZodType<LabScore>

const ScoresSchema = z.record(z.string(), LabScoreSchema)

/** lab → score as saved; {} when there is no file yet or it was unreadable (then `report` says which and why) */
export function loadScores(file: string, report: (text: string) => void): Record<string, LabScore> {
  const r = loadJsonState(file, ScoresSchema)
  if (r.state === 'corrupt') report(`${r.problem}; every lab starts from a fresh score`)
  return r.state === 'ok' ? r.value : {}
}

export function saveScores(file: string, scores: Record<string, LabScore>): void {
  writeJsonAtomic(file, scores, 0o600)
}
