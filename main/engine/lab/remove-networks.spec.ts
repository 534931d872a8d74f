// Network removal on a Docker stand-in that behaves like 20.10 after cable replugs: a stale endpoint that only a
// forced disconnect by the recorded container name clears.
import { describe, expect, it } from 'vitest'
import { LabError } from '@contract/errors'
import type { ContainerInfo, DockerGateway, NetworkEndpoint } from '../docker/types'
import { removeLabNetworks } from './remove-networks'

/** miscounted: networks Docker refuses to remove with no endpoint listed (20.10's endpoint count gone wrong) */
function fakeDocker(endpoints: Record<string, NetworkEndpoint[]>, containers: Record<string, Partial<ContainerInfo>> = {}, stubborn = false, miscounted: string[] = []) {
  const calls: string[] = []
  const nets = new Set(Object.keys(endpoints))
  const gw: Partial<DockerGateway> = {
    listNetworks: async () => [...nets].map((name) => ({ id: name, name, labels: { 'racklab.lab': 'lab' } })),
    removeNetwork: async (name) => {
      calls.push(`rm ${name}`)
      if (endpoints[name]!.length || miscounted.includes(name)) throw new LabError('ENGINE_ERROR', `Docker said: error while removing network: network ${name} id 123 has active endpoints`)
      nets.delete(name)
    },
    networkEndpoints: async (name) => endpoints[name] ?? [],
    inspectContainer: async (id) => (containers[id] ? ({ id, name: id, labels: {}, ...containers[id] } as ContainerInfo) : undefined),
    disconnectNetwork: async (network, who) => {
      calls.push(`disconnect -f ${network} ${who}`)
      const eps = endpoints[network]!
      // Docker finds a stale endpoint by the container name it recorded, never by the "ep-" key
      const i = eps.findIndex((e) => e.name === who || (e.key === who && !who.startsWith('ep-')))
      if (i < 0) throw new LabError('NOT_FOUND', `No such container: ${who}`)
      if (!stubborn) eps.splice(i, 1)
    },
  }
  return { gw: gw as DockerGateway, calls, nets }
}

const stale = (name: string): NetworkEndpoint => ({ key: 'ep-9f8e7d6c5b4a3210', endpointId: '9f8e7d6c5b4a3210ffff', name })

describe('removeLabNetworks', () => {
  it('removes networks with no endpoints at once', async () => {
    const d = fakeDocker({ 'lab-int': [], 'lab-ext': [] })
    expect(await removeLabNetworks(d.gw, 'lab', () => undefined)).toEqual({ removed: 2, miscounted: [] })
    expect(d.nets.size).toBe(0)
    expect(d.calls.filter((c) => c.startsWith('disconnect'))).toEqual([])
  })

  it('force-disconnects a stale endpoint by its recorded name and retries the removal', async () => {
    const notes: string[] = []
    const d = fakeDocker({ 'lab-int': [stale('lab-db2')] })
    await removeLabNetworks(d.gw, 'lab', (t) => notes.push(t))
    expect(d.calls).toEqual(['rm lab-int', 'disconnect -f lab-int lab-db2', 'rm lab-int'])
    expect(notes.join()).toMatch(/stale endpoint lab-db2/)
    expect(d.nets.size).toBe(0)
  })

  it('an endpoint of a container that no longer exists counts as stale', async () => {
    const d = fakeDocker({ 'lab-int': [{ key: 'abc123', endpointId: 'e1', name: 'lab-db1' }] })
    await removeLabNetworks(d.gw, 'lab', () => undefined)
    expect(d.nets.size).toBe(0)
  })

  it('never disconnects a container of another owner: it names it and the commands to run', async () => {
    const d = fakeDocker({ 'lab-int': [{ key: 'c0ffee', endpointId: 'e2', name: 'someone-else' }] }, { c0ffee: { name: 'someone-else', labels: {} } })
    const e = await removeLabNetworks(d.gw, 'lab', () => undefined).catch((x: unknown) => x as LabError)
    expect(e).toBeInstanceOf(LabError)
    expect((e as LabError).code).toBe('REFUSED')
    expect((e as LabError).message).toMatch(/not part of lab lab are attached to it: someone-else/)
    expect((e as LabError).message).toMatch(/run: docker network disconnect lab-int someone-else/)
    expect(d.calls.filter((c) => c.startsWith('disconnect'))).toEqual([])
  })

  it('when the endpoint survives the forced disconnect, says exactly what to do', async () => {
    const d = fakeDocker({ 'lab-int': [stale('lab-db2')], 'lab-ext': [] }, {}, true)
    const e = (await removeLabNetworks(d.gw, 'lab', () => undefined).catch((x: unknown) => x)) as LabError
    expect(e.code).toBe('REFUSED')
    expect(e.message).toMatch(/could not remove network lab-int/)
    expect(e.message).toMatch(/has active endpoints \(endpoints still listed: lab-db2 9f8e7d6c5b4a\)/)
    expect(e.message).toMatch(/run: docker network disconnect -f lab-int lab-db2\n {2}run: docker network rm lab-int/)
    expect(e.message).toMatch(/systemctl restart docker/)
    expect(d.nets.has('lab-ext')).toBe(false)
  })

  it('a network Docker miscounted (refused, no endpoint listed) does not fail the down: it is returned with how to clear it', async () => {
    const d = fakeDocker({ 'lab-int': [], 'lab-ext': [] }, {}, false, ['lab-int'])
    const r = await removeLabNetworks(d.gw, 'lab', () => undefined)
    expect(r.removed).toBe(1)
    expect(r.miscounted).toHaveLength(1)
    expect(r.miscounted[0]!.network).toBe('lab-int')
    expect(r.miscounted[0]!.why).toMatch(/lists none and no container is attached.*only a restart of dockerd/)
    expect(r.miscounted[0]!.fix.join('\n')).toMatch(/restart docker[\s\S]*racklab down/)
    // it was tried again before giving up, and nothing was force-disconnected (there was nothing to disconnect)
    expect(d.calls.filter((c) => c === 'rm lab-int').length).toBeGreaterThan(1)
    expect(d.calls.filter((c) => c.startsWith('disconnect'))).toEqual([])
    expect(d.nets.has('lab-ext')).toBe(false)
  })

  it('a miscounted network beside one truly held still fails the down, naming only the held one', async () => {
    const d = fakeDocker({ 'lab-int': [], 'lab-ext': [{ key: 'c0ffee', endpointId: 'e2', name: 'someone-else' }] }, { c0ffee: { name: 'someone-else', labels: {} } }, false, ['lab-int'])
    const e = (await removeLabNetworks(d.gw, 'lab', () => undefined).catch((x: unknown) => x)) as LabError
    expect(e.code).toBe('REFUSED')
    expect(e.message).toMatch(/could not remove network lab-ext;/)
    expect(e.message).not.toMatch(/lab-int/)
  })
})
