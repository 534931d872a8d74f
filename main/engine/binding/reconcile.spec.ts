// The binding on a recording Docker stand-in: each physical change becomes exactly the Docker call it should.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { EventBus } from '../events/event-bus'
import type { ContainerInfo, DockerGateway } from '../docker/types'
import { Journal } from '../journal/journal'
import { LabEngine } from '../lab/lab-engine'
import { appRoot, imagesDir } from '../paths'
import { loadTopology } from '../topology/loader'
import { catalogPath } from './hardware-runtime'
import { cpuQuota } from './reconcile'
import { recordingGateway } from './recording-gateway'

describe('hardware → Docker binding', () => {
  let calls: string[]
  let lab: LabEngine
  let containers: Map<string, ContainerInfo>
  let gateway: DockerGateway

  beforeEach(async () => {
    calls = []
    const { topology } = await loadTopology()
    const stateDir = mkdtempSync(join(tmpdir(), 'racklab-bind-'))
    containers = new Map()
    for (const id of ['db1', 'db2', 'db3', 'imap1', 'backup1'])
      containers.set(id, { id: `c-${id}`, name: id, image: 'x', labels: { 'racklab.lab': 't', 'racklab.server': id }, status: 'running', running: true, exitCode: 0, oomKilled: false, ips: {}, ports: {} })
    gateway = recordingGateway(calls, containers)
    lab = new LabEngine({ gateway, topology, bus: new EventBus(), journal: new Journal(undefined), labId: 't', stateDir, imagesDir: imagesDir(), catalogFile: catalogPath(appRoot()) })
    lab.setMembers(['db1', 'db2', 'db3', 'imap1', 'backup1'], true)
    await lab.initOnce()
    // listing a cable's actions runs the network-fault detection once (a throwaway container): not the binding's doing
    await lab.actionsFor('cable:db2/int')
    calls.length = 0
  })

  it('a pulled cable detaches exactly that network; plugging it back re-attaches it', async () => {
    await lab.act('cable:db2/int', 'unplug')
    expect(calls).toEqual(['disconnect racklab-t-int c-db2'])
    calls.length = 0
    await lab.act('cable:db2/int', 'plug')
    expect(calls).toEqual(['connect racklab-t-int c-db2 10.231.0.12'])
  })

  it('a dark rack kills its servers hard (not a graceful stop) and shows them powered off', async () => {
    await lab.act('circuit:nyi-1-a', 'trip')
    expect(calls.filter((c) => c.startsWith('kill'))).toEqual([])
    await lab.act('circuit:nyi-1-b', 'trip')
    expect(calls).toContain('kill c-db1')
    expect(calls).toContain('kill c-imap1')
    expect(calls.some((c) => c.startsWith('stop'))).toBe(false)
    expect(lab.status().servers.find((s) => s.id === 'db1')?.state).toBe('powered-off')
    const action = await lab.actionsFor('server:db1')
    expect(action.find((a) => a.id === 'power-on')).toMatchObject({ enabled: false })
  })

  it('a graceful power-off stops the container; power-on boots it on the lab clock', async () => {
    await lab.act('server:db2', 'power-off')
    expect(calls).toContain('stop c-db2')
    await expect(lab.control('db2', 'start')).rejects.toThrow(/no power/)
    await lab.act('server:db2', 'power-on')
    expect(lab.status().servers.find((s) => s.id === 'db2')?.detail).toBe('booting')
  })

  it('an array failed beyond redundancy removes the container and its data volumes', async () => {
    for (const bay of [1, 2, 3]) await lab.act(`disk:raid1/${bay}`, 'fail')
    expect(calls).toContain('kill c-imap1')
    expect(calls).toContain('remove c-imap1')
    expect(calls.filter((c) => c.startsWith('removeVolume')).length).toBeGreaterThan(0)
    expect(lab.status().servers.find((s) => s.id === 'imap1')).toMatchObject({ state: 'crashed' })
  })

  it('backup1 losing both boot-mirror disks is killed with its OS, its pool and volume kept; a new boot disk starts it again', async () => {
    await lab.act('disk:backup1/1', 'fail')
    expect(calls.filter((c) => c.startsWith('kill'))).toEqual([])
    await lab.act('disk:backup1/2', 'fail')
    expect(calls).toEqual(['kill c-backup1'])
    expect(lab.status().servers.find((s) => s.id === 'backup1')).toMatchObject({ state: 'crashed', detail: expect.stringMatching(/no OS/) })
    calls.length = 0
    await lab.act('disk:backup1/1', 'replace')
    expect(calls.some((c) => c.startsWith('start c-backup1') || c.startsWith('create'))).toBe(true)
    // the data volume (the pool) stays: the container may be made anew, its volume never
    expect(calls.some((c) => c.startsWith('removeVolume'))).toBe(false)
  })

  it('a server coming back whose new image is not built yet (the checkout changed under the lab) keeps its container', async () => {
    // the containers here carry an image ('x') that is not the role's current tag: with that tag built, the
    // container would be made anew (the test above); without it, removing the old one would lose the server
    gateway.imageExists = async () => false
    await lab.act('disk:backup1/1', 'fail')
    await lab.act('disk:backup1/2', 'fail')
    calls.length = 0
    await lab.act('disk:backup1/1', 'replace')
    expect(calls).toContain('start c-backup1')
    expect(calls.filter((c) => c.startsWith('remove') || c.startsWith('create'))).toEqual([])
    expect(containers.get('backup1')?.id).toBe('c-backup1')
    expect(lab.journal.list().map((e) => e.text)).toContainEqual(expect.stringMatching(/^backup1: kept its container, built from an older image \(x\): racklab up builds racklab\/backup:/))
  })

  it('a degraded array cuts the CPU quota; refused actions change nothing', async () => {
    await lab.act('disk:raid1/1', 'fail')
    expect(calls.some((c) => c.startsWith('update c-imap1'))).toBe(true)
    calls.length = 0
    await expect(lab.act('circuit:nyi-1-a', 'reset')).rejects.toThrow(/not tripped/)
    expect(calls).toEqual([])
  })

  it('cpuQuota scales the host’s CPUs and never reaches zero', () => {
    expect(cpuQuota(1, 2)).toBe(2e9)
    expect(cpuQuota(0.5, 2)).toBe(1e9)
    expect(cpuQuota(0, 2)).toBe(0.1e9)
  })
})
