// `down --volumes` removes only volumes labelled with this lab, and tells the gateway which lab asks.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EventBus } from '../events/event-bus'
import { recordingGateway } from '../binding/recording-gateway'
import type { DockerGateway } from '../docker/types'
import { Journal } from '../journal/journal'
import { imagesDir } from '../paths'
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
