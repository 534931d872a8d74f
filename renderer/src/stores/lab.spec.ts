import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { ClientError } from '../client/client-error'
import { createFakeClient } from '../testing/fake-client'
import { labStatus, miniTopology, server } from '../testing/fixtures'
import { flush } from '../testing/flush'
import { useLabStore } from './lab'
import { useOpsStore } from './ops'

beforeEach(() => setActivePinia(createPinia()))

function boundLab() {
  const client = createFakeClient()
  client.answer('lab.status', () => labStatus([server('web1'), server('db1', { role: 'db' }), server('mx2', { rack: 'nyi-2', role: 'mx' })]))
  client.answer('lab.topology', () => miniTopology)
  const lab = useLabStore()
  const off = lab.bind(client)
  return { client, lab, off }
}

describe('lab store', () => {
  it('loads status and topology on bind, then follows lab.changed', async () => {
    const { client, lab } = boundLab()
    await flush()
    expect(lab.serverById.get('web1')?.state).toBe('running')
    client.emit('lab.changed', labStatus([server('web1', { state: 'crashed', health: 'unknown', exitCode: 137 }), server('db1')]))
    expect(lab.serverById.get('web1')).toMatchObject({ state: 'crashed', exitCode: 137 })
    expect(lab.servers).toHaveLength(2)
  })

  it('lays units out per site and rack, top to bottom, with statuses joined', async () => {
    const { lab } = boundLab()
    await flush()
    const [nyi] = lab.sites
    expect(nyi?.racks.map((r) => r.label)).toEqual(['nyi-1', 'NYI rack 2'])
    expect(nyi?.racks[0]?.units.map((u) => `${u.id}@${u.u}`)).toEqual(['sw-int1@40', 'web1@10', 'db1@5'])
    expect(nyi?.racks[0]?.units[0]?.note).toBe('network int · 24 ports')
    expect(nyi?.racks[0]?.units[1]?.server?.state).toBe('running')
    expect(lab.serversByRack.get('nyi-2')?.map((s) => s.id)).toEqual(['mx2'])
  })

  it('still lists servers by their reported rack when the topology cannot be loaded', async () => {
    const client = createFakeClient()
    client.answer('lab.status', () => labStatus([server('web1'), server('mx2', { rack: 'nyi-2' })]))
    client.answer('lab.topology', () => Promise.reject(new ClientError('TOPOLOGY_INVALID', 'line 4: bad id')))
    const lab = useLabStore()
    lab.bind(client)
    await flush()
    expect(lab.loadError).toBe('TOPOLOGY_INVALID: line 4: bad id')
    expect(lab.sites.flatMap((s) => s.racks.map((r) => `${r.id}:${r.units.map((u) => u.id).join(',')}`))).toEqual(['nyi-1:web1', 'nyi-2:mx2'])
  })

  it('server.control sends {server, op}, patches the row with the reply and reports refusals', async () => {
    const { client, lab } = boundLab()
    await flush()
    client.answer('server.control', (arg) => {
      if (arg?.op === 'kill') throw new ClientError('REFUSED', 'db1 is not running')
      return server('web1', { state: 'stopped', health: 'unknown' })
    })
    const stopping = lab.control('web1', 'stop')
    expect(lab.pending).toEqual({ web1: 'stop' })
    await stopping
    expect(client.callsOf('server.control')).toEqual([{ server: 'web1', op: 'stop' }])
    expect(lab.serverById.get('web1')?.state).toBe('stopped')
    expect(lab.pending).toEqual({})
    await lab.control('db1', 'kill')
    expect(useOpsStore().lastError).toMatchObject({ code: 'REFUSED', message: 'db1 is not running', context: 'kill db1' })
  })

  it('reloads the snapshot after a reconnect and stops listening once unbound', async () => {
    const { client, lab, off } = boundLab()
    await flush()
    client.setConnection({ state: 'closed', reason: 'connection lost' })
    client.setConnection({ state: 'connecting' })
    client.setConnection({ state: 'open' })
    await flush()
    expect(client.callsOf('lab.status')).toHaveLength(2)
    off()
    client.emit('lab.changed', labStatus([]))
    expect(lab.servers).toHaveLength(3)
  })
})
