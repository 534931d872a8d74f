// `down --volumes` removes only volumes labelled with this lab, and tells the gateway which lab asks; a `down`
// keeping them keeps the lab clock.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { EventBus } from '../events/event-bus'
import { catalogPath } from '../binding/hardware-runtime'
import { recordingGateway } from '../binding/recording-gateway'
import type { DockerGateway } from '../docker/types'
import { Journal } from '../journal/journal'
import { appRoot, imagesDir } from '../paths'
import { stampOf } from '../roles/backup-db'
import { loadTopology } from '../topology/loader'
import { runDown } from './down'
import { LabEngine } from './lab-engine'
import type { Op } from './operations'
import { Timings } from './timings'

describe('down --volumes', () => {
  it("removes the lab's volumes and skips one that another lab's label slipped into the list", async () => {
    const { topology } = await loadTopology()
    const removed: string[][] = []
    const gw: DockerGateway = {
      ...recordingGateway([], new Map()),
      listNetworks: async () => [],
      // a listing is filtered by label in Docker; the check must not rest on that filter alone
      listVolumes: async () => [
        { name: 'racklab-t-db1-data', labels: { 'racklab.lab': 't' } },
        { name: 'racklab-t-db2-data', labels: { 'racklab.lab': 'other' } },
      ],
      removeVolume: async (name, labId) => void removed.push([name, labId]),
    }
    const lab = new LabEngine({ gateway: gw, topology, bus: new EventBus(), journal: new Journal(undefined), labId: 't', stateDir: mkdtempSync(join(tmpdir(), 'racklab-down-')), imagesDir: imagesDir() })
    const op = { progress: () => undefined, checkpoint: () => undefined, timings: new Timings() } as unknown as Op
    await runDown(lab, op, true)
    expect(removed).toEqual([['racklab-t-db1-data', 't']])
  })
})

describe('the lab clock across down', () => {
  afterEach(() => vi.useRealTimers())

  it('a down keeping volumes keeps lab time (backups named by it sort after the older ones); down --volumes starts at 0', async () => {
    const { topology } = await loadTopology()
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(1_700_000_000_000)
    const gw: DockerGateway = { ...recordingGateway([], new Map()), listNetworks: async () => [], listVolumes: async () => [] }
    const stateDir = mkdtempSync(join(tmpdir(), 'racklab-down-'))
    const lab = new LabEngine({ gateway: gw, topology, bus: new EventBus(), journal: new Journal(undefined), labId: 't', stateDir, imagesDir: imagesDir(), catalogFile: catalogPath(appRoot()) })
    await lab.initOnce()
    vi.setSystemTime(1_700_000_000_000 + 20 * 60_000)
    await lab.syncHardware()
    const before = lab.labMs()
    expect(before).toBe(20 * 60_000 * topology.clock.speed)
    expect((await lab.down(false).done).status).toBe('succeeded')
    vi.setSystemTime(1_700_000_000_000 + 21 * 60_000)
    await lab.syncHardware()
    expect(lab.labMs()).toBe(before + 60_000 * topology.clock.speed)
    expect(stampOf(lab.labMs()) > stampOf(before)).toBe(true)
    expect((await lab.down(true).done).status).toBe('succeeded')
    expect(lab.labMs()).toBe(0)
  })
})

describe('a network Docker miscounted', () => {
  it('does not fail the down: the done event and the journal say which network stayed and how to clear it', async () => {
    const { topology } = await loadTopology()
    const journal = new Journal(undefined)
    // Docker 20.10 after containers started and stopped at once: "has active endpoints", yet none listed
    const gw: DockerGateway = {
      ...recordingGateway([], new Map()),
      listNetworks: async () => [{ id: 'n1', name: 'racklab-t-int', labels: { 'racklab.lab': 't' } }],
      networkEndpoints: async () => [],
      removeNetwork: async (name) => {
        throw new Error(`error while removing network: network ${name} id n1 has active endpoints`)
      },
      listVolumes: async () => [],
    }
    const lab = new LabEngine({ gateway: gw, topology, bus: new EventBus(), journal, labId: 't', stateDir: mkdtempSync(join(tmpdir(), 'racklab-down-')), imagesDir: imagesDir() })
    await lab.initOnce()
    const done = await lab.down(true).done
    expect(done.status).toBe('succeeded')
    expect(done.warnings).toHaveLength(1)
    expect(done.warnings![0]).toMatch(/^network racklab-t-int left behind: .*lists none and no container is attached.*To remove it: sudo systemctl restart docker/)
    const said = journal.list(0).map((e) => e.text)
    expect(said.some((t) => /network racklab-t-int left behind/.test(t))).toBe(true)
    expect(said.some((t) => /^down: removed 0 containers and 0 networks/.test(t))).toBe(true)
  })
})
