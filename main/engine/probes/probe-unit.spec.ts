import { describe, expect, it } from 'vitest'
import type { ProbeResult } from '@contract/status'
import { ManualTimers, settle } from '../monitor/test-timers'
import { runIsolated, unit } from './probe-unit'
import { runUnits } from './run-checks'

const ok = (id: string, target: string): ProbeResult => ({ id, target, ok: true, message: `${target} fine`, at: new Date(0).toISOString() })
const never = (): Promise<ProbeResult> => new Promise(() => undefined)

describe('runIsolated', () => {
  it('passes a result through', async () => {
    const t = new ManualTimers()
    expect(await runIsolated(unit('db.ping', 'db1', 1000, () => Promise.resolve(ok('db.ping', 'db1'))), t).result).toEqual([ok('db.ping', 'db1')])
  })

  it('turns a timeout into a failed result with the reason, and stays unsettled while the work runs', async () => {
    const t = new ManualTimers()
    let finish: (r: ProbeResult) => void = () => undefined
    const r = runIsolated(unit('smtp.accept', 'mx1', 15_000, () => new Promise<ProbeResult>((res) => (finish = res))), t)
    let settled = false
    void r.settled.then(() => (settled = true))
    await t.advance(15_000)
    expect(await r.result).toEqual([expect.objectContaining({ id: 'smtp.accept', target: 'mx1', ok: false, message: 'smtp.accept on mx1 did not answer within 15 s', values: { timeout: true } })])
    expect(settled).toBe(false)
    finish(ok('smtp.accept', 'mx1'))
    await settle()
    expect(settled).toBe(true)
  })

  it('turns a throw (sync or async) into a failed result naming the error', async () => {
    const t = new ManualTimers()
    const sync = runIsolated({ id: 'mx.queue', target: 'mx2', key: 'k', timeoutMs: 1000, run: () => { throw new Error('no such container') } }, t)
    expect((await sync.result)[0]).toMatchObject({ ok: false, message: 'mx.queue on mx2 could not run: no such container' })
    const async = runIsolated(unit('db.ping', 'db3', 1000, () => Promise.reject(new Error('exec failed'))), t)
    expect((await async.result)[0]).toMatchObject({ ok: false, message: 'db.ping on db3 could not run: exec failed', values: { error: true } })
  })
})

describe('runUnits', () => {
  it('a probe that hangs fails alone; the others still report, in plan order', async () => {
    const results = await runUnits([unit('smtp.accept', 'mx1', 30, never), unit('db.ping', 'db1', 1000, () => Promise.resolve(ok('db.ping', 'db1'))), unit('db.ping', 'db2', 1000, () => Promise.resolve(ok('db.ping', 'db2')))], 2)
    expect(results.map((r) => [r[0]?.target, r[0]?.ok])).toEqual([['mx1', false], ['db1', true], ['db2', true]])
    expect(results[0]?.[0]?.message).toMatch(/did not answer within/)
  })
})
