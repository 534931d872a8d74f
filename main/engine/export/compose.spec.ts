import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import type { ContainerSpec } from '../docker/types'
import { composeDocument, composeYaml } from './compose'

const db1: ContainerSpec = {
  name: 'racklab-lab1-db1',
  image: 'racklab/db:abc',
  hostname: 'db1',
  labels: { 'racklab.lab': 'lab1', 'racklab.server': 'db1' },
  env: { SERVER: 'db1', ROLE: 'db' },
  networks: [
    { name: 'racklab-lab1-int', ip: '10.231.0.11', aliases: ['db1', 'db1.fastmail.test'] },
    { name: 'racklab-lab1-wan', ip: '10.231.2.11' },
  ],
  volumes: { 'racklab-lab1-db1-data': '/var/lib/mysql' },
  tmpfs: ['/run'],
  publish: { '25/tcp': 0, '21/tcp': 21, '53/udp': 0 },
  capAdd: ['NET_ADMIN'],
  stopTimeout: 20,
  nanoCpus: 1e9,
}
const input = {
  labId: 'lab1',
  networks: [
    { name: 'racklab-lab1-int', subnet: '10.231.0.0/24', internal: true, labels: { 'racklab.lab': 'lab1' } },
    { name: 'racklab-lab1-wan', subnet: '10.231.2.0/24', internal: false, labels: { 'racklab.lab': 'lab1' } },
  ],
  volumes: [{ name: 'racklab-lab1-db1-data', labels: { 'racklab.lab': 'lab1' } }],
  containers: [db1, { ...db1, name: 'racklab-lab1-ns9', hostname: 'ns9', networks: [], volumes: {}, publish: {}, capAdd: [], tmpfs: [] }],
}

describe('composeDocument', () => {
  it('keeps Docker names, static addresses, subnets, volumes, caps and loopback-only ports', () => {
    const d = composeDocument(input) as { services: Record<string, Record<string, unknown>>; networks: Record<string, unknown>; volumes: Record<string, unknown> }
    expect(d.networks.int).toEqual({ name: 'racklab-lab1-int', internal: true, labels: { 'racklab.lab': 'lab1' }, ipam: { driver: 'default', config: [{ subnet: '10.231.0.0/24' }] } })
    expect(d.volumes['db1-data']).toEqual({ name: 'racklab-lab1-db1-data', labels: { 'racklab.lab': 'lab1' } })
    expect(d.services.db1).toMatchObject({
      image: 'racklab/db:abc',
      container_name: 'racklab-lab1-db1',
      init: true,
      networks: { int: { ipv4_address: '10.231.0.11', aliases: ['db1', 'db1.fastmail.test'] }, wan: { ipv4_address: '10.231.2.11' } },
      volumes: ['db1-data:/var/lib/mysql'],
      tmpfs: ['/run'],
      ports: ['127.0.0.1::25', '127.0.0.1:21:21', '127.0.0.1::53/udp'],
      cap_add: ['NET_ADMIN'],
      stop_grace_period: '20s',
      cpus: 1,
    })
    // a server with no cable has no network at all, as the engine makes it
    expect(d.services.ns9).toMatchObject({ network_mode: 'none' })
    expect(d.services.ns9).not.toHaveProperty('networks')
  })

  it('writes YAML that reads back to the same document, after a commented header', () => {
    const text = composeYaml(input, ['line one', ''])
    expect(text.startsWith('# line one\n#\n')).toBe(true)
    expect(parse(text)).toEqual(composeDocument(input))
  })
})
