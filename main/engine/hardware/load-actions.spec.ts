// run-hot / run-idle: a server's load is physical state, changed by actions so the ledger can replay it.
import { describe, expect, it } from 'vitest'
import { loadTopology } from '../topology/loader'
import { ManualClock } from './clock'
import { loadCatalog } from './catalog'
import { HardwareModel } from './model'

describe('load actions', () => {
  it('running hot raises the circuit draw, idling restores it, and a switch refuses both', async () => {
    const { topology } = await loadTopology()
    const m = new HardwareModel(topology, loadCatalog(), { clock: new ManualClock() })
    const amps = (): number => m.status().circuits.filter((c) => c.id.startsWith('nyi-1')).reduce((a, c) => a + c.amps, 0)
    const idle = amps()
    m.apply({ target: 'server:db1', action: 'run-hot' })
    const hot = amps()
    expect(hot).toBeGreaterThan(idle)
    expect(m.actionsFor('server:db1').find((a) => a.id === 'run-hot')).toMatchObject({ enabled: false, reason: 'db1 already runs at full load' })
    m.apply({ target: 'server:db1', action: 'run-idle' })
    expect(amps()).toBeCloseTo(idle, 6)
    expect(() => m.apply({ target: 'switch:sw-int1', action: 'run-hot' })).toThrow()
  })
})
