import { describe, expect, it } from 'vitest'
import { buildsAtOnce, inTurns, longestFirst } from './build-images'

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 5))

describe('inTurns', () => {
  it('runs every task, never more than n at once', async () => {
    let running = 0
    let most = 0
    const done: number[] = []
    const tasks = [0, 1, 2, 3, 4, 5, 6].map((i) => async () => {
      running++
      most = Math.max(most, running)
      await tick()
      running--
      done.push(i)
    })
    await inTurns(tasks, 3)
    expect(done.sort()).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(most).toBe(3)
  })

  it('after a failure starts nothing new, lets the running tasks finish, then throws the first failure', async () => {
    const started: number[] = []
    const finished: number[] = []
    const tasks = [0, 1, 2, 3, 4].map((i) => async () => {
      started.push(i)
      if (i === 0) throw new Error('base of role 0 failed')
      await tick()
      finished.push(i)
    })
    await expect(inTurns(tasks, 2)).rejects.toThrow('base of role 0 failed')
    // task 1 was already running when 0 failed: it finished; nothing after it started
    expect(started).toEqual([0, 1])
    expect(finished).toEqual([1])
  })

  it('with no tasks resolves at once', async () => {
    await expect(inTurns([], 3)).resolves.toBeUndefined()
  })
})

describe('buildsAtOnce', () => {
  it('is 3 unless RACKLAB_BUILDS_AT_ONCE gives a whole number from 1 to 8', () => {
    expect(buildsAtOnce({})).toBe(3)
    expect(buildsAtOnce({ RACKLAB_BUILDS_AT_ONCE: '1' })).toBe(1)
    expect(buildsAtOnce({ RACKLAB_BUILDS_AT_ONCE: '0' })).toBe(3)
    expect(buildsAtOnce({ RACKLAB_BUILDS_AT_ONCE: 'two' })).toBe(3)
  })
})

describe('longestFirst', () => {
  it('puts the long builds first, longest first, and keeps the order of the rest', () => {
    const refs = ['file', 'db', 'dns', 'imap', 'backup', 'web', 'fe', 'edge', 'mx'].map((role) => ({ role }))
    expect(longestFirst(refs).map((r) => r.role)).toEqual(['mx', 'backup', 'db', 'imap', 'file', 'dns', 'web', 'fe', 'edge'])
  })

  it('leaves a list without long builds as it was, and does not change its input', () => {
    const refs = [{ role: 'web' }, { role: 'dns' }]
    expect(longestFirst(refs)).toEqual([{ role: 'web' }, { role: 'dns' }])
    const mixed = [{ role: 'dns' }, { role: 'mx' }]
    longestFirst(mixed)
    expect(mixed.map((r) => r.role)).toEqual(['dns', 'mx'])
  })
})
