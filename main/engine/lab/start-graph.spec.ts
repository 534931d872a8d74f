import { describe, expect, it } from 'vitest'
import { runByDependencies, type StartSteps } from './start-graph'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** boot and ready as one step (the servers that wait for their dependencies), logged */
const whole = (run: (id: string) => Promise<void>): StartSteps => ({ boot: run, ready: async () => undefined })

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
      whole(async (id) => {
        log.push(`start ${id}`)
        await sleep(times[id]!)
        log.push(`end ${id}`)
      }),
    )
    // fe1 ran while the slow replica db2 was still starting
    expect(log.indexOf('end fe1')).toBeLessThan(log.indexOf('end db2'))
    expect(log.indexOf('start web1')).toBeGreaterThan(log.indexOf('end db1'))
    expect(log.indexOf('start fe1')).toBeGreaterThan(log.indexOf('end web1'))
  })

  it('boots a node that boots alone at once, and makes it ready only after its dependencies are ready', async () => {
    const log: string[] = []
    await runByDependencies(
      [
        { id: 'db1', dependsOn: [] },
        { id: 'mx1', dependsOn: ['db1'], bootsAlone: true },
        { id: 'edge', dependsOn: ['mx1'], bootsAlone: true },
        { id: 'db2', dependsOn: ['db1'] },
      ],
      {
        boot: async (id) => {
          log.push(`boot ${id}`)
          await sleep(id === 'db1' ? 60 : 10)
          log.push(`booted ${id}`)
        },
        ready: async (id) => {
          await sleep(5)
          log.push(`ready ${id}`)
        },
      },
    )
    // mx1 and edge booted while db1 was still booting; db2 waited for db1
    expect(log.indexOf('booted mx1')).toBeLessThan(log.indexOf('booted db1'))
    expect(log.indexOf('booted edge')).toBeLessThan(log.indexOf('booted db1'))
    expect(log.indexOf('boot db2')).toBeGreaterThan(log.indexOf('ready db1'))
    // readiness still follows dependsOn: db1, then mx1, then edge
    expect(log.indexOf('ready mx1')).toBeGreaterThan(log.indexOf('ready db1'))
    expect(log.indexOf('ready edge')).toBeGreaterThan(log.indexOf('ready mx1'))
    expect(log.filter((l) => l.startsWith('ready')).length).toBe(4)
  })

  it('makes a node that is ready alone ready right after its own boot, and counts it done only with its dependencies', async () => {
    const log: string[] = []
    await runByDependencies(
      [
        { id: 'mx1', dependsOn: [] },
        { id: 'edge', dependsOn: ['mx1'], bootsAlone: true, readyAlone: true },
        { id: 'watcher', dependsOn: ['edge'] },
      ],
      {
        boot: async (id) => {
          await sleep(id === 'mx1' ? 60 : 5)
          log.push(`booted ${id}`)
        },
        ready: async (id) => void log.push(`ready ${id}`),
      },
    )
    // the edge's provisioning ran while mx1 still booted; what depends on the edge still waited for mx1
    expect(log.indexOf('ready edge')).toBeLessThan(log.indexOf('booted mx1'))
    expect(log.indexOf('booted watcher')).toBeGreaterThan(log.indexOf('ready mx1'))
  })

  it('makes a node that is ready at start ready once its container runs and its dependencies are ready, beside its boot', async () => {
    const log: string[] = []
    await runByDependencies(
      [
        { id: 'db1', dependsOn: [] },
        { id: 'mx1', dependsOn: ['db1'], bootsAlone: true, readyAtStart: true },
        { id: 'edge', dependsOn: ['mx1'] },
      ],
      {
        boot: async (id, started) => {
          await sleep(5)
          started()
          log.push(`started ${id}`)
          await sleep(id === 'mx1' ? 80 : 20)
          log.push(`booted ${id}`)
        },
        ready: async (id) => void log.push(`ready ${id}`),
      },
    )
    // mx1's provisioning ran after db1 was ready and before its own boot ended; what depends on mx1 waited for both
    expect(log.indexOf('ready mx1')).toBeGreaterThan(log.indexOf('ready db1'))
    expect(log.indexOf('ready mx1')).toBeLessThan(log.indexOf('booted mx1'))
    expect(log.indexOf('started edge')).toBeGreaterThan(log.indexOf('booted mx1'))
  })

  it('never makes ready at start a node whose boot failed before its container ran', async () => {
    const ready: string[] = []
    const p = runByDependencies([{ id: 'mx1', dependsOn: [], readyAtStart: true }], {
      boot: async () => {
        await sleep(5)
        throw new Error('mx1 would not start')
      },
      ready: async (id) => void ready.push(id),
    })
    await expect(p).rejects.toThrow('mx1 would not start')
    await sleep(10)
    expect(ready).toEqual([])
  })

  it('ignores dependencies outside the graph', async () => {
    const ran: string[] = []
    await runByDependencies([{ id: 'db2', dependsOn: ['db1'] }], whole(async (id) => void ran.push(id)))
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
      whole(async (id) => {
        ran.push(id)
        if (id === 'a') throw new Error('a broke')
        await sleep(20)
        ran.push(`${id} done`)
      }),
    )
    await expect(p).rejects.toThrow('a broke')
    expect(ran).toEqual(['a', 'b'])
    await sleep(40)
    expect(ran).toEqual(['a', 'b', 'b done'])
  })

  it('never makes ready a node whose dependency failed, even one that booted alone', async () => {
    const ready: string[] = []
    const p = runByDependencies(
      [
        { id: 'db1', dependsOn: [] },
        { id: 'mx1', dependsOn: ['db1'], bootsAlone: true },
      ],
      {
        boot: async (id) => {
          await sleep(id === 'db1' ? 20 : 1)
          if (id === 'db1') throw new Error('db1 exited')
        },
        ready: async (id) => void ready.push(id),
      },
    )
    await expect(p).rejects.toThrow('db1 exited')
    await sleep(20)
    expect(ready).toEqual([])
  })

  it('names a cycle', async () => {
    await expect(runByDependencies([{ id: 'a', dependsOn: ['b'] }, { id: 'b', dependsOn: ['a'] }], whole(async () => undefined))).rejects.toThrow(/cycle/)
  })
})
