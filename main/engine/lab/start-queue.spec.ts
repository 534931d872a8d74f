import { describe, expect, it } from 'vitest'
import { startQueue } from './start-queue'

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0))

/** a start that resolves when told to, recording when it began */
function starts(log: string[]) {
  const release = new Map<string, () => void>()
  const start = (name: string) => (): Promise<string> => {
    log.push(name)
    return new Promise((r) => release.set(name, () => r(name)))
  }
  return { start, release: (name: string) => release.get(name)!() }
}

describe('startQueue', () => {
  it('waits until every expected start is asked for, then runs the longest boots first, limit at a time', async () => {
    const log: string[] = []
    const s = starts(log)
    const q = startQueue({ limit: 2, expected: 4, gatherMs: 10_000 })
    const done = [q.run(1, s.start('db')), q.run(1, s.start('ns')), q.run(4, s.start('fe'))]
    await tick()
    expect(log).toEqual([]) // three of four asked: still gathering
    done.push(q.run(3.5, s.start('mx')))
    await tick()
    expect(log).toEqual(['fe', 'mx'])
    s.release('mx')
    await tick()
    // among equal boots, the order they were asked in
    expect(log).toEqual(['fe', 'mx', 'db'])
    s.release('fe')
    s.release('db')
    await tick()
    s.release('ns')
    expect(await Promise.all(done)).toEqual(['db', 'ns', 'fe', 'mx'])
  })

  it('begins after gatherMs when an expected start never comes', async () => {
    const log: string[] = []
    const s = starts(log)
    const q = startQueue({ limit: 3, expected: 5, gatherMs: 20 })
    const p = q.run(1, s.start('a'))
    await tick()
    expect(log).toEqual([])
    await new Promise((r) => setTimeout(r, 40))
    expect(log).toEqual(['a'])
    s.release('a')
    expect(await p).toBe('a')
  })

  it('frees the slot of a start that fails, and passes its error on', async () => {
    const q = startQueue({ limit: 1, expected: 2, gatherMs: 10_000 })
    const bad = q.run(2, () => Promise.reject(new Error('no such container')))
    const good = q.run(1, () => Promise.resolve('ok'))
    await expect(bad).rejects.toThrow('no such container')
    expect(await good).toBe('ok')
  })
})
