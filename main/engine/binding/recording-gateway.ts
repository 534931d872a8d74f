// A Docker stand-in for unit tests of the binding: containers in a map, every call recorded as one line.
import type { EngineStatus } from '@contract/status'
import type { ContainerInfo, DockerGateway } from '../docker/types'

const connected: EngineStatus = { state: 'connected', message: 'ok', host: 'test' }

/** Containers db1..db3 exist and run; every call is recorded. */
export function recordingGateway(calls: string[], containers: Map<string, ContainerInfo>): DockerGateway {
  const rec =
    (name: string) =>
    async (...args: unknown[]): Promise<void> => {
      calls.push(`${name} ${args.filter((a) => typeof a === 'string').join(' ')}`.trim())
      const c = [...containers.values()].find((x) => x.id === args[0] || x.id === args[1])
      if (c && (name === 'kill' || name === 'stop')) Object.assign(c, { running: false, status: 'exited', exitCode: name === 'kill' ? 137 : 0 })
      if (c && name === 'start') Object.assign(c, { running: true, status: 'running' })
    }
  const gw: Partial<DockerGateway> = {
    status: async () => connected,
    imageExists: async () => true,
    listContainers: async () => [...containers.values()],
    listContainerSummaries: async () => [...containers.values()].map(({ id, name, labels, status, running }) => ({ id, name, labels, status, running })),
    inspectContainer: async (id) => [...containers.values()].find((c) => c.id === id),
    killContainer: rec('kill'),
    stopContainer: rec('stop'),
    startContainer: rec('start'),
    removeContainer: async (id) => {
      calls.push(`remove ${id}`)
      for (const [k, c] of containers) if (c.id === id) containers.delete(k)
    },
    removeVolume: rec('removeVolume'),
    ensureVolume: async () => '2026-01-01T00:00:00Z',
    connectNetwork: rec('connect'),
    disconnectNetwork: rec('disconnect'),
    updateResources: async (id, r) => void calls.push(`update ${id} ${r.nanoCpus}`),
    createContainer: async (spec) => {
      calls.push(`create ${spec.name}`)
      const id = `new-${spec.hostname}`
      containers.set(spec.hostname, { id, name: spec.name, image: spec.image, labels: spec.labels, status: 'created', running: false, exitCode: 0, oomKilled: false, ips: {}, ports: {} })
      return id
    },
    watchEvents: () => () => undefined,
  }
  return gw as DockerGateway
}
