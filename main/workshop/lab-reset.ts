// A trainer's "Reset": the lab put back to where the student started. Every recorded action is undone (the
// exercise's break and whatever the student did), then the exercise's steps run again, so the student has the
// broken lab back, and the score and timer start from the moment it is broken. Without the second half a reset
// lab was healthy, and its objectives were reached at once: full marks for nothing.
import type { LabCaller } from './lab-room'

export interface ResetResult {
  undone: string[]
  /** how the exercise's run went when the workshop has one: "passed in 21.3 s", or why not */
  exercise?: string
}

export interface ResetDeps {
  sleep?: (ms: number) => Promise<void>
  /** how long the exercise may take to break the lab again */
  timeoutMs?: number
}

/** undo every recorded action of the lab, newest first, until nothing is left to put back */
async function undoAll(c: LabCaller): Promise<string[]> {
  const undone: string[] = []
  for (let i = 0; i < 100; i++) {
    try {
      undone.push((await c.call('actions.undo', {})).text)
    } catch {
      break // REFUSED: nothing (more) to put back
    }
  }
  return undone
}

/** run the exercise again and wait for its end: the journal line every run ends with (a scenario does not hold
 *  the lab's status as up and down do), after the newest entry before it started */
async function breakAgain(c: LabCaller, exercise: string, d: Required<ResetDeps>): Promise<string> {
  const before = (await c.call('journal.list', { since: 0, limit: 1 })).at(-1)?.seq ?? 0
  await c.call('scenario.run', { id: exercise })
  const ended = new RegExp(`^scenario ${exercise}: ((?:passed|FAILED|interrupted) in .*)$`)
  for (const end = Date.now() + d.timeoutMs; ; await d.sleep(1000)) {
    for (const e of await c.call('journal.list', { since: before, limit: 5000 })) {
      const m = ended.exec(e.text)
      if (m) return m[1]!
    }
    if (Date.now() > end) return `still running after ${Math.round(d.timeoutMs / 1000)} s`
  }
}

export async function resetLab(c: LabCaller, exercise: string | undefined, deps: ResetDeps = {}): Promise<ResetResult> {
  const d: Required<ResetDeps> = { sleep: (ms) => new Promise((r) => setTimeout(r, ms)), timeoutMs: 15 * 60_000, ...deps }
  const undone = await undoAll(c)
  return exercise ? { undone, exercise: await breakAgain(c, exercise, d) } : { undone }
}
