import { describe, expect, it } from 'vitest'
import { runByDependencies } from './start-graph'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('runByDependencies', () => {
  it('starts a node when its own dependencies are done, not when its whole level is', async () => {
    const log: string[] = []
    const times: Record<string, number> = { db1: 10, db2: 80, web1: 10, fe1: 10 }
    await runByDependencies(
      [
        { id: 'db1', dependsOn: [] },
        { id: 'db2', dependsOn: ['db1'] },
        { id: 'web1', dependsOn: ['db1'] },
        { id: 'fe1', dependsOn: ['web1'] },
      ],
      async (id) => {
        log.push(`start ${id}`)
        await sleep(times[id]!)
        log.push(`end ${id}`)
      },
    )
    // fe1 ran while the slow replica db2 was still starting
    expect(log.indexOf('end fe1')).toBeLessThan(log.indexOf('end db2'))
    expect(log.indexOf('start web1')).toBeGreaterThan(log.indexOf('end db1'))
    expect(log.indexOf('start fe1')).toBeGreaterThan(log.indexOf('end web1'))
  })

  it('ignores dependencies outside the graph', async () => {
    const ran: string[] = []
    await runByDependencies([{ id: 'db2', dependsOn: ['db1'] }], async (id) => void ran.push(id))
    expect(ran).toEqual(['db2'])
  })

  it('rejects with the first error at once and starts nothing after it', async () => {
    const ran: string[] = []
    const p = runByDependencies(
      [
        { id: 'a', dependsOn: [] },
        { id: 'b', dependsOn: [] },
        { id: 'c', dependsOn: ['a'] },
      ],
      async (id) => {
        ran.push(id)
        if (id === 'a') throw new Error('a broke')
        await sleep(20)
        ran.push(`${id} done`)
      },
    )
    await expect(p).rejects.toThrow('a broke')
    expect(ran).toEqual(['a', 'b'])
    await sleep(40)
    expect(ran).toEqual(['a', 'b', 'b done'])
  })

  it('names a cycle', async () => {
    await expect(runByDependencies([{ id: 'a', dependsOn: ['b'] }, { id: 'b', dependsOn: ['a'] }], async () => undefined)).rejects.toThrow(/cycle/)
  })
})
