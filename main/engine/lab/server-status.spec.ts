import { describe, expect, it } from 'vitest'
import { serverStatus } from './server-status'
import type { PlacedServer } from './plan'
import type { ContainerInfo } from '../docker/types'
import type { ServerEffects } from '../hardware/index'

const placed = { server: { id: 'ns1', kind: 'server', role: 'dns', model: 'polywell-1u', u: 18, power: ['nyi-1-pdu-a'], nics: [{ network: 'int', ip: '10.231.0.71' }] }, siteId: 'nyi', rackId: 'nyi-1' } as unknown as PlacedServer
const killed: ContainerInfo = { id: 'c1', name: 'racklab-qa-ns1', image: 'racklab/dns', labels: {}, status: 'exited', running: false, exitCode: 137, oomKilled: false, ips: {}, ports: {} }
const off = (fx: Partial<ServerEffects>): ServerEffects => ({ powered: false, booting: false, dataVolume: 'ok', dataEpoch: 0, slowdown: 1, networks: {}, ...fx })

describe('serverStatus of a server the hardware turned off', () => {
  it('after a power loss it says the server stays off and how to power it on (the circuit may be back already)', () => {
    const s = serverStatus(placed, 'racklab/dns', 'built', killed, undefined, off({ offCause: 'power-loss' }))
    expect(s).toMatchObject({ state: 'powered-off', detail: 'lost power; it stays off until powered on (racklab act server:ns1 power-on)' })
  })

  it('names a shutdown and a held power button as such', () => {
    expect(serverStatus(placed, 'racklab/dns', 'built', killed, undefined, off({ offCause: 'shutdown' })).detail).toBe('shut down')
    expect(serverStatus(placed, 'racklab/dns', 'built', killed, undefined, off({ offCause: 'hard-off' })).detail).toBe('off (power button held)')
  })
})
