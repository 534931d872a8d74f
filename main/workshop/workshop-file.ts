// The workshop file (~/.racklab/.workshops/NAME.json): the labs of a workshop, the exercise they run and every
// token, so that `racklab serve --workshop NAME` after a restart honours the links already handed out.
// A file edited by hand into nonsense is refused with the line and the field that are wrong.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { LabError } from '@contract/errors'
import { stateHome } from '../engine/paths'
import { writeFileAtomic } from '../engine/state/atomic-file'

const TOKEN = z.string().regex(/^[A-Za-z0-9_-]{20,}$/, 'a token is at least 20 letters, digits, "-" or "_"')
const LAB = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a lab name (lowercase letters, digits, "-")')

export const WorkshopSchema = z.strictObject({
  name: LAB,
  /** a shipped scenario id with objectives; absent: labs without an exercise */
  scenario: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/).optional(),
  /** the server list each lab was brought up with (--only), absent for the whole topology */
  only: z.array(z.string()).optional(),
  trainerToken: TOKEN,
  observerTokens: z.array(TOKEN).min(1),
  labs: z
    .array(
      z.strictObject({
        lab: LAB,
        studentToken: TOKEN,
        /** epoch ms when its exercise's steps ended */
        startedAt: z.number().int().nonnegative().optional(),
        /** the Docker engine it was placed on (racklab engines ls); the lab's own state records it too */
        engine: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, 'an engine name (racklab engines ls)').optional(),
      }),
    )
    .min(1),
})
export type Workshop = z.output<typeof WorkshopSchema>

export const WORKSHOP_NAME = /^[a-z0-9][a-z0-9-]{0,40}$/
export const workshopsDir = (home = stateHome()): string => join(home, '.workshops') // a dot: never mistaken for a lab's state dir
export const workshopFile = (name: string, home = stateHome()): string => join(workshopsDir(home), `${name}.json`)

export const newToken = (): string => randomBytes(18).toString('base64url')

export function newWorkshop(name: string, labs: number, scenario?: string, only?: string[]): Workshop {
  return {
    name,
    ...(scenario ? { scenario } : {}),
    ...(only ? { only } : {}),
    trainerToken: newToken(),
    observerTokens: [newToken()],
    labs: Array.from({ length: labs }, (_, i) => ({ lab: `${name}-${i + 1}`, studentToken: newToken() })),
  }
}

/** 1-based line of a character offset, for "line N" in errors */
const lineAt = (text: string, offset: number): number => text.slice(0, offset).split('\n').length

/** the line on which a JSON path's key appears (best effort: the first occurrence of its last key) */
function lineOfPath(text: string, path: (string | number)[]): number | undefined {
  const key = [...path].reverse().find((p) => typeof p === 'string')
  if (key === undefined) return undefined
  const i = text.indexOf(`"${key}"`)
  return i >= 0 ? lineAt(text, i) : undefined
}

export function parseWorkshop(text: string, file: string): Workshop {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message)
    throw new LabError('BAD_INPUT', `workshop file ${file}${m ? `, line ${lineAt(text, Number(m[1]))}` : ''}: not JSON: ${(e as Error).message}`)
  }
  const r = WorkshopSchema.safeParse(data)
  if (!r.success) {
    const issue = r.error.issues[0]!
    const line = lineOfPath(text, issue.path as (string | number)[])
    throw new LabError('BAD_INPUT', `workshop file ${file}${line ? `, line ${line}` : ''}: ${issue.path.join('.') || '(the whole file)'}: ${issue.message}`)
  }
  const w = r.data
  const tokens = [w.trainerToken, ...w.observerTokens, ...w.labs.map((l) => l.studentToken)]
  if (new Set(tokens).size !== tokens.length) throw new LabError('BAD_INPUT', `workshop file ${file}: a token is used twice; every role needs its own`)
  if (new Set(w.labs.map((l) => l.lab)).size !== w.labs.length) throw new LabError('BAD_INPUT', `workshop file ${file}: a lab is listed twice`)
  return w
}

export function loadWorkshop(name: string, home = stateHome()): Workshop {
  const file = workshopFile(name, home)
  if (!existsSync(file)) throw new LabError('NOT_FOUND', `no workshop "${name}" (${file}); racklab workshop create --labs N makes one`)
  return parseWorkshop(readFileSync(file, 'utf8'), file)
}

/** written whole (fsynced temp, then renamed over): a crash never leaves half a file; owner-only (tokens) */
export function saveWorkshop(w: Workshop, home = stateHome()): string {
  mkdirSync(workshopsDir(home), { recursive: true, mode: 0o700 })
  const file = workshopFile(w.name, home)
  writeFileAtomic(file, `${JSON.stringify(w, null, 2)}\n`, 0o600)
  return file
}
