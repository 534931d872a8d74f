// The gateway removes a volume only when its racklab.lab label names the lab asking: a computed name alone
// could be another lab's volume, or someone's own.
import type Docker from 'dockerode'
import { describe, expect, it } from 'vitest'
import { createDockerGateway } from './gateway'

function fakeDocker(volumes: Record<string, Record<string, string> | undefined>, removed: string[]): Docker {
  const docker = {
    getVolume: (name: string) => ({
      inspect: async () => {
        if (!(name in volumes)) throw Object.assign(new Error(`no such volume: ${name}`), { statusCode: 404 })
        return { Name: name, Labels: volumes[name] ?? null }
      },
      remove: async () => void removed.push(name),
    }),
  }
  return docker as unknown as Docker
}
const host = { kind: 'unix', socketPath: '/nonexistent.sock', label: 'fake' } as const

describe('gateway removeVolume', () => {
  const removed: string[] = []
  const gw = createDockerGateway({
    docker: fakeDocker({ 'racklab-t-db1-data': { 'racklab.lab': 't' }, 'racklab-t-db2-data': { 'racklab.lab': 'other' }, 'racklab-t-db3-data': undefined }, removed),
    host,
  })

  it('removes a volume labelled with this lab', async () => {
    await gw.removeVolume('racklab-t-db1-data', 't')
    expect(removed).toEqual(['racklab-t-db1-data'])
  })

  it("refuses another lab's volume and an unlabelled one with the same computed name", async () => {
    await expect(gw.removeVolume('racklab-t-db2-data', 't')).rejects.toMatchObject({ code: 'REFUSED', message: expect.stringMatching(/racklab-t-db2-data: it belongs to lab other .* not to lab t/) })
    await expect(gw.removeVolume('racklab-t-db3-data', 't')).rejects.toMatchObject({ code: 'REFUSED', message: expect.stringMatching(/belongs to no Racklab lab/) })
    expect(removed).toEqual(['racklab-t-db1-data'])
  })

  it('a volume that is already gone is fine', async () => {
    await expect(gw.removeVolume('racklab-t-gone', 't')).resolves.toBeUndefined()
  })
})
