import { afterAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Journal } from '../journal/journal'
import { buildsAtOnce, gatedTurns, inBuildOrder, inTurns, startBuilds } from './build-images'
import type { ImageRef } from './images'
import type { LifecycleContext } from './lab-context'
import type { Op } from './operations'
import { Timings } from './timings'

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

describe('inBuildOrder', () => {
  it('puts the long builds at the roots of the start chain first, then backup, the web chain and the leaves', () => {
    const refs = ['file', 'db', 'dns', 'imap', 'backup', 'web', 'fe', 'edge', 'mx'].map((role) => ({ role }))
    expect(inBuildOrder(refs).map((r) => r.role)).toEqual(['mx', 'db', 'imap', 'backup', 'web', 'fe', 'dns', 'file', 'edge'])
  })

  it('puts roles it does not name last, in their own order, and does not change its input', () => {
    const refs = [{ role: 'zeta' }, { role: 'alpha' }, { role: 'dns' }]
    expect(inBuildOrder(refs).map((r) => r.role)).toEqual(['dns', 'zeta', 'alpha'])
    const mixed = [{ role: 'dns' }, { role: 'mx' }]
    inBuildOrder(mixed)
    expect(mixed.map((r) => r.role)).toEqual(['dns', 'mx'])
  })
})

describe('gatedTurns', () => {
  it("settles each key's gate when its own task ends, while later tasks still run", async () => {
    const order: string[] = []
    let releaseB!: () => void
    const b = new Promise<void>((r) => (releaseB = r))
    const turns = gatedTurns(
      [
        { key: 'a', run: async () => { await tick(); order.push('a ran') } },
        { key: 'b', run: () => b.then(() => { order.push('b ran') }) },
      ],
      2,
    )
    await turns.ready('a')
    order.push('a ready')
    releaseB()
    await turns.ready('b')
    order.push('b ready')
    await turns.done
    expect(order).toEqual(['a ran', 'a ready', 'b ran', 'b ready'])
  })

  it('a key with no task (its image was there already) is ready at once', async () => {
    const turns = gatedTurns([{ key: 'x', run: () => new Promise<void>(() => undefined) }], 1)
    await expect(turns.ready('present')).resolves.toBeUndefined()
  })

  it("a failed task rejects its own gate and, once the running ones end, the gates of the tasks that never started", async () => {
    const ran: string[] = []
    const turns = gatedTurns(
      [
        { key: 'mx', run: async () => { ran.push('mx'); throw new Error('mx: apt failed') } },
        { key: 'db', run: async () => { ran.push('db'); await tick() } },
        { key: 'web', run: async () => { ran.push('web') } },
      ],
      2,
    )
    await expect(turns.ready('mx')).rejects.toThrow('mx: apt failed')
    // db was running when mx failed: it finishes and its gate opens; web never starts and fails with mx's error
    await expect(turns.ready('db')).resolves.toBeUndefined()
    await expect(turns.ready('web')).rejects.toThrow('mx: apt failed')
    await expect(turns.done).rejects.toThrow('mx: apt failed')
    expect(ran).toEqual(['mx', 'db'])
  })

  it('leaves no unhandled rejection behind for gates nobody waits for', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (e: unknown): void => void unhandled.push(e)
    process.on('unhandledRejection', onUnhandled)
    try {
      const turns = gatedTurns([{ key: 'a', run: async () => { throw new Error('boom') } }, { key: 'b', run: async () => undefined }], 1)
      await turns.done.catch(() => undefined)
      await tick()
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})

describe('startBuilds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'racklab-build-spec-'))
  for (const d of ['base', 'perl', 'mx', 'db', 'web']) mkdirSync(join(dir, d), { recursive: true })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const ref = (role: string): ImageRef => ({ role, dir: join(dir, role), tag: `racklab/${role}:1` })

  /** a lab whose image builds end when the test says so */
  function fakeLab() {
    const log: string[] = []
    const pending = new Map<string, { resolve: () => void; reject: (e: Error) => void }>()
    const gateway = {
      buildImage: (_dir: string, tag: string) =>
        new Promise<void>((resolve, reject) => {
          log.push(`build ${tag}`)
          pending.set(tag, { resolve, reject })
        }),
    }
    const images = { sharedPerlDir: () => join(dir, 'perl'), base: () => ref('base'), helper: () => undefined }
    const lab = { gateway, images, journal: new Journal(undefined), markBuilding: () => undefined } as unknown as LifecycleContext
    const finish = async (tag: string, e?: Error): Promise<void> => {
      for (let i = 0; i < 50 && !pending.has(tag); i++) await tick()
      const p = pending.get(tag)
      if (!p) throw new Error(`${tag} was never built`)
      if (e) p.reject(e)
      else p.resolve()
    }
    return { lab, log, finish }
  }
  const op = { timings: new Timings(), progress: () => undefined, checkpoint: () => undefined, signal: new AbortController().signal } as unknown as Op

  it('builds the base before anything else, then gives each role image as soon as its own build ends', async () => {
    const { lab, log, finish } = fakeLab()
    const started = startBuilds(lab, op, [ref('base'), ref('mx'), ref('db'), ref('web')], [false, false, false, true])
    await finish('racklab/base:1')
    const builds = await started
    expect(log.slice(0, 1)).toEqual(['build racklab/base:1'])
    // web's image was there already: ready at once, while mx and db build
    await expect(builds.ready('racklab/web:1')).resolves.toBeUndefined()
    await finish('racklab/db:1')
    await builds.ready('racklab/db:1')
    expect(log).toContain('build racklab/mx:1') // still building: db's servers can boot meanwhile
    let mxReady = false
    void builds.ready('racklab/mx:1').then(() => (mxReady = true))
    await tick()
    expect(mxReady).toBe(false)
    await finish('racklab/mx:1')
    await expect(builds.done).resolves.toBe(3)
    expect(mxReady).toBe(true)
  })

  it("a failed role build fails that image's servers and the whole, and waits for the builds already running", async () => {
    const { lab, finish } = fakeLab()
    const started = startBuilds(lab, op, [ref('base'), ref('mx'), ref('db')], [true, false, false])
    const builds = await started
    await finish('racklab/mx:1', new Error('mx: apt-get failed'))
    await expect(builds.ready('racklab/mx:1')).rejects.toThrow('mx: apt-get failed')
    let settled = false
    void builds.done.catch(() => (settled = true))
    await tick()
    expect(settled).toBe(false) // db's build still runs: done waits for it
    await finish('racklab/db:1')
    await expect(builds.done).rejects.toThrow('mx: apt-get failed')
  })
})
