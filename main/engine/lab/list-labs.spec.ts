import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ContainerInfo } from '../docker/types'
import { labStateDirs, summarizeLabs } from './list-labs'
import { writeSubnetRecord } from './subnet-record'

const container = (lab: string, server: string, running: boolean): ContainerInfo => ({
  id: `${lab}-${server}`, name: `racklab-${lab}-${server}`, image: 'racklab/db:x', labels: { 'racklab.lab': lab, 'racklab.server': server },
  status: running ? 'running' : 'exited', running, exitCode: 0, oomKilled: false, ips: {}, ports: {},
})
const net = (lab: string, id: string, subnet: string): { labels: Record<string, string>; subnets: string[] } => ({ labels: { 'racklab.lab': lab, 'racklab.network': id }, subnets: [subnet] })

describe('racklab labs', () => {
  it('lists labs from labels and state dirs, with servers running, live or last subnets, and memory', () => {
    const home = mkdtempSync(join(tmpdir(), 'racklab-labs-'))
    mkdirSync(join(home, 'old'))
    writeSubnetRecord(join(home, 'old'), { networks: { int: '10.201.0.0/24' }, from: 'pool', allocatedAt: 'x', releasedAt: 'y' })
    mkdirSync(join(home, 'not-a-lab'))
    writeFileSync(join(home, 'stray.txt'), '')
    const records = labStateDirs(home)
    expect([...records.keys()]).toEqual(['old'])
    const labs = summarizeLabs({
      containers: [container('a', 'db1', true), container('a', 'db2', true), container('b', 'db1', true), container('b', 'db2', false)],
      networks: [net('a', 'int', '10.231.0.0/24'), net('b', 'int', '10.200.0.0/24'), net('b', 'wan', '10.200.2.0/24')],
      records,
      memory: new Map([['a', 300 * 2 ** 20], ['b', 100 * 2 ** 20]]),
    })
    expect(labs).toEqual([
      { lab: 'a', state: 'running', servers: { running: 2, total: 2 }, subnets: { int: '10.231.0.0/24' }, subnetsFrom: 'engine', memoryBytes: 300 * 2 ** 20 },
      { lab: 'b', state: 'partial', servers: { running: 1, total: 2 }, subnets: { int: '10.200.0.0/24', wan: '10.200.2.0/24' }, subnetsFrom: 'engine', memoryBytes: 100 * 2 ** 20 },
      { lab: 'old', state: 'down', servers: { running: 0, total: 0 }, subnets: { int: '10.201.0.0/24' }, subnetsFrom: 'record', stateDir: join(home, 'old') },
    ])
  })
})
