import { describe, expect, it } from 'vitest'
import type { LabCaller } from './lab-room'
import { resetLab } from './lab-reset'

/** a lab with `actions` to undo, whose exercise journals its end after `rounds` reads of the journal */
function fakeLab(actions: string[], rounds: number, result = 'passed in 21.3 s'): LabCaller & { calls: string[] } {
  const calls: string[] = []
  let reads = 0
  const old = [{ seq: 4, text: 'scenario db2-replication-exercise: FAILED in 3.0 s' }]
  const lab = {
    calls,
    call: async (cmd: string, arg?: unknown): Promise<unknown> => {
      calls.push(cmd)
      if (cmd === 'actions.undo') {
        const a = actions.pop()
        if (!a) throw Object.assign(new Error('nothing to undo'), { code: 'REFUSED' })
        return { seq: 9, undid: 1, text: `undid ${a}` }
      }
      if (cmd === 'scenario.run') return (expect(arg).toEqual({ id: 'db2-replication-exercise' }), { opId: 'op-7' })
      if (cmd === 'journal.list') {
        const { since, limit } = arg as { since: number; limit: number }
        if (limit === 1) return old
        // only what came after the newest entry before the run: the older FAILED line is never read as this run's end
        expect(since).toBe(4)
        const started = [{ seq: 5, text: 'scenario db2-replication-exercise: started — db2 stopped replicating' }]
        return reads++ < rounds ? started : [...started, { seq: 6, text: `scenario db2-replication-exercise: ${result}` }]
      }
      throw new Error(`unexpected ${cmd}`)
    },
  }
  return lab as unknown as LabCaller & { calls: string[] }
}

describe('a trainer resets a lab', () => {
  it('undoes every action, newest first, then runs the exercise again and waits for its end', async () => {
    const lab = fakeLab(['unplug', 'run-hot', 'plug'], 3)
    const r = await resetLab(lab, 'db2-replication-exercise', { sleep: async () => undefined })
    expect(r).toEqual({ undone: ['undid plug', 'undid run-hot', 'undid unplug'], exercise: 'passed in 21.3 s' })
    // the exercise starts only once nothing is left to undo, and its end is read after the op is gone
    expect(lab.calls.indexOf('scenario.run')).toBeGreaterThan(lab.calls.lastIndexOf('actions.undo'))
    expect(lab.calls.filter((c) => c === 'journal.list')).toHaveLength(5)
  })

  it('a workshop without an exercise only undoes', async () => {
    const lab = fakeLab(['run-hot'], 0)
    expect(await resetLab(lab, undefined)).toEqual({ undone: ['undid run-hot'] })
    expect(lab.calls).not.toContain('scenario.run')
  })

  it('an exercise that does not end in time is said so, not waited on for ever', async () => {
    let t = 0
    const now = Date.now
    Date.now = () => now() + t
    try {
      const r = await resetLab(fakeLab([], 1e9), 'db2-replication-exercise', { sleep: async (ms) => void (t += ms), timeoutMs: 5000 })
      expect(r.exercise).toBe('still running after 5 s')
    } finally {
      Date.now = now
    }
  })
})
