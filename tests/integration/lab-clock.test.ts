// The lab clock after a `down` that keeps the volumes (main/engine/binding/lab-time.ts): it goes on from where it
// was, so backups and journal lines named by lab time after it sort after those before. With --volumes it starts
// again at 0. On the real engine, with one server (db1). Run alone:
// RACKLAB_TEST_LAB=it-clock npx vitest run --project integration tests/integration/lab-clock.test.ts
import { afterAll, describe, expect, it } from 'vitest'
import { racklab } from './helpers'

/** the lab clock as `racklab status` has it, and the wall time halfway through the call that read it */
async function labNow(): Promise<{ labMs: number; wallMs: number }> {
  const t0 = Date.now()
  const r = await racklab(['status', '--json'])
  const wallMs = (t0 + Date.now()) / 2
  const labMs = (JSON.parse(r.stdout) as { hardware?: { labMs?: number } }).hardware?.labMs
  if (typeof labMs !== 'number') throw new Error(`racklab status --json gave no hardware.labMs: ${r.stdout.slice(0, 300)}${r.stderr}`)
  return { labMs, wallMs }
}

const must = async (args: string[]): Promise<void> => {
  const r = await racklab(args)
  if (r.code !== 0) throw new Error(`racklab ${args.join(' ')} exited ${r.code}: ${r.stderr.slice(-800)}`)
}

describe('the lab clock across down and up', () => {
  afterAll(async () => {
    await racklab(['down', '--volumes'])
  }, 300_000)

  it('goes on from where it was after a down that keeps the volumes, and starts again at 0 after down --volumes', async () => {
    await must(['down', '--volumes'])
    await must(['up', '--only', 'db1'])
    const before = await labNow()
    // lab time runs at the topology's clock speed (lab ms per wall ms): measured, not assumed. Over 10 s, not 3: the
    // status reads the clock as of the engine's last tick, so 3 s measured 34x for a 60x clock (a fresh-clone run)
    await new Promise((r) => setTimeout(r, 10_000))
    const later = await labNow()
    const speed = (later.labMs - before.labMs) / (later.wallMs - before.wallMs)
    expect(speed).toBeGreaterThan(0)

    await must(['down'])
    await must(['up', '--only', 'db1'])
    const after = await labNow()
    // on from where it was: the wall time between the two readings at the same speed (the clock runs through the
    // down, as a site's clock does), give or take the two calls' own time. Started again at 0 it would read only
    // the wall time since the down, short of `later` by everything the lab had run before it.
    const expected = later.labMs + (after.wallMs - later.wallMs) * speed
    // the calls' own time, plus a quarter of the advance for the measured speed's error; a clock started again at 0
    // would be short by the whole first run and its 10 s wait (over 600 s of lab time at 60x), far outside this
    const slack = 3000 * speed + 0.25 * (after.wallMs - later.wallMs) * speed
    console.log(`lab clock: ${later.labMs} ms before the down, ${after.labMs} after the up (${Math.round(expected)} expected, speed ${speed.toFixed(1)})`)
    expect(after.labMs).toBeGreaterThan(later.labMs)
    expect(Math.abs(after.labMs - expected), `lab ${after.labMs} ms, expected about ${Math.round(expected)} (speed ${speed.toFixed(1)})`).toBeLessThan(slack)

    // --volumes: nothing named on the old clock is left, and the clock starts again at 0
    await must(['down', '--volumes'])
    await must(['up', '--only', 'db1'])
    const fresh = await labNow()
    expect(fresh.labMs).toBeLessThan(after.labMs)
    expect(fresh.labMs).toBeLessThan((fresh.wallMs - after.wallMs) * speed + slack)
  }, 300_000)
})
