// Small, contract-typed data for renderer tests: two racks at one site, three servers.
import type { EngineStatus, LabStatus, ServerStatus } from '@contract/status'
import type { Topology } from '@contract/topology'

export const engineOk: EngineStatus = { state: 'connected', message: 'Docker 20.10.24 answers', host: '/var/run/docker.sock', version: '20.10.24', apiVersion: '1.41' }

export function server(id: string, over: Partial<ServerStatus> = {}): ServerStatus {
  return {
    id,
    role: 'web',
    site: 'nyi',
    rack: 'nyi-1',
    model: 'x346',
    image: `racklab/${id}:test`,
    imageState: 'built',
    state: 'running',
    health: 'healthy',
    ips: { int: '10.231.1.11' },
    ...over,
  }
}

export function labStatus(servers: ServerStatus[], over: Partial<LabStatus> = {}): LabStatus {
  return { labId: 'test', topology: 'mini', engine: engineOk, servers, ...over }
}

export const miniTopology: Topology = {
  name: 'mini',
  domain: 'example.test',
  seed: 1,
  clock: { speed: 1 },
  files: { copies: 2, capacityMB: 1024, ftpPassivePorts: 4 },
  backup: { retentionNights: 7 },
  networks: [{ id: 'int', subnet: '10.231.1.0/24', internal: true }],
  users: [],
  sites: [
    {
      id: 'nyi',
      name: 'NYI',
      racks: [
        {
          id: 'nyi-1',
          height: 42,
          circuits: [],
          pdus: [],
          units: [
            { kind: 'server', id: 'web1', model: 'x346', u: 10, power: [], role: 'web', nics: [{ network: 'int', ip: '10.231.1.11' }], dependsOn: [] },
            { kind: 'switch', id: 'sw-int1', model: 'catalyst-2960', u: 40, power: [], network: 'int', ports: 24 },
            { kind: 'server', id: 'db1', model: 'x346', u: 5, power: [], role: 'db', nics: [{ network: 'int', ip: '10.231.1.21' }], dependsOn: [] },
          ],
        },
        {
          id: 'nyi-2',
          label: 'NYI rack 2',
          height: 42,
          circuits: [],
          pdus: [],
          units: [{ kind: 'server', id: 'mx2', model: 'x346', u: 8, power: [], role: 'mx', nics: [{ network: 'int', ip: '10.231.1.32' }], dependsOn: [] }],
        },
      ],
    },
  ],
}
