// DockerGateway on dockerode: the only module that talks to Docker. Every failure leaves as a
// LabError (engine codes from errors.ts); only objects labelled racklab.lab=<labId> are listed.
import { randomUUID } from 'node:crypto'
import type Docker from 'dockerode'
import { LabError } from '@contract/errors'
import type { EngineStatus } from '@contract/status'
import { ensureBaseImage, imageExists } from './base-image'
import { buildContext } from './build'
import { connectDocker, type DockerHost } from './connect'
import { endpointConfig, toContainerInfo, toCreateOptions } from './container-spec'
import { apiVersionBelow, classifyDockerError, isNotFound, isNotModified, statusFromError, tooOldError } from './errors'
import { watchLabEvents } from './events'
import { runExec } from './exec'
import { openTtyExec } from './exec-tty'
import { followLogLines, readLogs } from './logs'
import { readStats } from './stats'
import { LABEL_INSTANCE, LABEL_LAB, type ContainerInfo, type ContainerSummary, type DockerGateway } from './types'

const STATUS_TIMEOUT_MS = 5_000

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(Object.assign(new Error(`no answer in ${ms} ms`), { code: 'ETIMEDOUT', syscall: 'connect' })), ms)
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e)),
    )
  })
}

/** one lab's objects, or (no id) every lab's: objects without our label are never listed */
const labFilter = (labId?: string): { label: string[] } => ({ label: [labId === undefined ? LABEL_LAB : `${LABEL_LAB}=${labId}`] })

export interface GatewayOptions {
  docker?: Docker
  host?: DockerHost
}

export function createDockerGateway(o: GatewayOptions = {}): DockerGateway & { readonly host: DockerHost } {
  const connected = o.docker && o.host ? { docker: o.docker, host: o.host } : connectDocker()
  const { docker, host } = connected

  /** Run a Docker call; connection failures and HTTP errors become LabErrors. */
  const call = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f()
    } catch (e) {
      throw classifyDockerError(e, host)
    }
  }
  /** Like call, but a 304 (already in that state) counts as success. */
  const idempotent = (f: () => Promise<unknown>): Promise<void> =>
    call(async () => {
      try {
        await f()
      } catch (e) {
        if (!isNotModified(e)) throw e
      }
    })
  const c = (id: string): Docker.Container => docker.getContainer(id)

  const status = async (): Promise<EngineStatus> => {
    try {
      await withTimeout(docker.ping(), STATUS_TIMEOUT_MS)
      const v = await withTimeout(docker.version(), STATUS_TIMEOUT_MS)
      if (apiVersionBelow(v.ApiVersion)) return { ...statusFromError(tooOldError(v.Version, v.ApiVersion, host), host), version: v.Version, apiVersion: v.ApiVersion }
      return { state: 'connected', message: `Docker ${v.Version} (API ${v.ApiVersion}) at ${host.label}`, host: host.label, version: v.Version, apiVersion: v.ApiVersion }
    } catch (e) {
      return statusFromError(e, host)
    }
  }

  /** the lab's containers as Docker's listing has them (no inspect each) */
  const summaries = async (labId?: string): Promise<ContainerSummary[]> =>
    (await docker.listContainers({ all: true, filters: labFilter(labId) })).map((x) => ({
      id: x.Id,
      name: (x.Names[0] ?? x.Id).replace(/^\//, ''),
      labels: x.Labels ?? {},
      status: x.State,
      running: x.State === 'running' || x.State === 'paused' || x.State === 'restarting',
    }))
  const inspectContainer = async (id: string): Promise<ContainerInfo | undefined> =>
    call(async () => {
      try {
        return toContainerInfo(await c(id).inspect())
      } catch (e) {
        if (isNotFound(e)) return undefined
        throw e
      }
    })

  const gateway: DockerGateway & { readonly host: DockerHost } = {
    host,
    status,
    imageExists: (ref) => call(() => imageExists(docker, ref)),
    listImageTags: (repo) =>
      call(async () =>
        (await docker.listImages({ filters: { reference: [`${repo}:*`] } })).flatMap((i) => (i.RepoTags ?? []).filter((t) => t.startsWith(`${repo}:`)).map((tag) => ({ tag, labels: i.Labels ?? {} }))),
      ),
    removeImage: (ref) =>
      call(async () => {
        try {
          await docker.getImage(ref).remove()
          return true
        } catch (e) {
          // 409: a container (even a stopped one) still uses it
          if ((e as { statusCode?: number }).statusCode === 409) return false
          throw e
        }
      }),
    buildImage: (dir, tag, onProgress, signal, buildArgs) => call(() => buildContext(docker, dir, tag, onProgress, signal, buildArgs)),
    ensureBaseImage: (onProgress, signal) => call(() => ensureBaseImage(docker, onProgress, signal)),

    listContainers: (labId) =>
      call(async () => {
        const infos = await Promise.all((await summaries(labId)).map((x) => inspectContainer(x.id)))
        // a container removed between list and inspect is simply gone
        return infos.filter((i): i is ContainerInfo => i !== undefined)
      }),
    listContainerSummaries: (labId) => call(() => summaries(labId)),
    inspectContainer,
    createContainer: (spec) =>
      call(async () => {
        const created = await docker.createContainer(toCreateOptions(spec))
        try {
          for (const n of spec.networks.slice(1)) await docker.getNetwork(n.name).connect({ Container: created.id, EndpointConfig: endpointConfig(n.ip, n.aliases) })
        } catch (e) {
          // half-wired containers would start with missing cables; remove it and say why
          await created.remove({ force: true, v: true }).catch(() => undefined)
          throw e
        }
        return created.id
      }),
    startContainer: (id) => idempotent(() => c(id).start()),
    stopContainer: (id, t) => idempotent(() => c(id).stop(t === undefined ? {} : { t })),
    killContainer: (id, signal) => call(() => c(id).kill(signal ? { signal } : {})),
    pauseContainer: (id) => call(() => c(id).pause()),
    unpauseContainer: (id) => call(() => c(id).unpause()),
    restartContainer: (id) => call(() => c(id).restart()),
    removeContainer: (id) =>
      call(async () => {
        try {
          await c(id).remove({ force: true, v: true })
        } catch (e) {
          if (!isNotFound(e)) throw e
        }
      }),
    updateResources: (id, r) =>
      call(async () => {
        const u: Record<string, number> = {}
        if (r.nanoCpus !== undefined) u.NanoCpus = r.nanoCpus
        // Memory alone fails when it exceeds the existing swap limit; -1 = unlimited swap
        if (r.memoryBytes !== undefined) Object.assign(u, { Memory: r.memoryBytes, MemorySwap: -1 })
        await c(id).update(u)
      }),

    ensureNetwork: (spec) =>
      call(async () => {
        const existing = await docker.listNetworks({ filters: { name: [spec.name] } })
        const same = existing.find((n) => n.Name === spec.name)
        if (same) {
          if (same.Labels?.[LABEL_LAB] !== spec.labels[LABEL_LAB])
            throw new LabError('REFUSED', `A Docker network named ${spec.name} exists but does not belong to this lab; remove or rename it.`)
          return
        }
        await docker.createNetwork({
          Name: spec.name,
          Driver: 'bridge',
          Internal: spec.internal,
          CheckDuplicate: true,
          Labels: spec.labels,
          IPAM: { Driver: 'default', Config: [{ Subnet: spec.subnet }] },
        })
      }),
    listNetworks: (labId) =>
      call(async () => (await docker.listNetworks({ filters: labFilter(labId) })).map((n) => ({ id: n.Id, name: n.Name, labels: n.Labels ?? {} }))),
    listNetworkSubnets: () =>
      call(async () =>
        (await docker.listNetworks()).map((n) => ({
          name: n.Name,
          labels: n.Labels ?? {},
          // IPv4 only: the lab's networks are IPv4, and an IPv6 pool can't collide with them
          subnets: (n.IPAM?.Config ?? []).map((cfg) => cfg.Subnet ?? '').filter((x) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(x)),
        })),
      ),
    removeNetwork: (name) =>
      call(async () => {
        try {
          await docker.getNetwork(name).remove()
        } catch (e) {
          if (!isNotFound(e)) throw e
        }
      }),
    networkEndpoints: (name) =>
      call(async () => {
        try {
          const i = (await docker.getNetwork(name).inspect()) as { Containers?: Record<string, { Name?: string; EndpointID?: string }> }
          return Object.entries(i.Containers ?? {}).map(([key, e]) => ({ key, endpointId: e.EndpointID ?? '', name: e.Name ?? '' }))
        } catch (e) {
          if (isNotFound(e)) return []
          throw e
        }
      }),
    connectNetwork: (network, container, ip, aliases) => call(() => docker.getNetwork(network).connect({ Container: container, EndpointConfig: endpointConfig(ip, aliases) })),
    disconnectNetwork: (network, container) => call(() => docker.getNetwork(network).disconnect({ Container: container, Force: true })),

    ensureVolume: (spec) =>
      call(async () => {
        try {
          const v = (await docker.getVolume(spec.name).inspect()) as { Labels?: Record<string, string> }
          if (v.Labels?.[LABEL_LAB] !== spec.labels[LABEL_LAB])
            throw new LabError('REFUSED', `A Docker volume named ${spec.name} exists but does not belong to this lab; remove or rename it.`)
          // volumes made before instances were labelled are one instance until they are made again
          return v.Labels?.[LABEL_INSTANCE] ?? 'unlabelled'
        } catch (e) {
          if (!isNotFound(e)) throw e
          // Docker's CreatedAt of a local volume is its directory's mtime, which moves when a container mounts it
          const instance = randomUUID()
          await docker.createVolume({ Name: spec.name, Labels: { ...spec.labels, [LABEL_INSTANCE]: instance } })
          return instance
        }
      }),
    listVolumes: (labId) =>
      call(async () => ((await docker.listVolumes({ filters: labFilter(labId) })).Volumes ?? []).map((v) => ({ name: v.Name, labels: v.Labels ?? {} }))),
    removeVolume: (name, labId) =>
      call(async () => {
        try {
          // a computed name is not proof of ownership: a volume of another lab, or not ours at all, may carry it
          const owner = (await docker.getVolume(name).inspect()).Labels?.[LABEL_LAB]
          if (owner !== labId)
            throw new LabError('REFUSED', `not removing Docker volume ${name}: it belongs to ${owner ? `lab ${owner}` : 'no Racklab lab'} (label ${LABEL_LAB}), not to lab ${labId}`)
          await docker.getVolume(name).remove()
        } catch (e) {
          if (!isNotFound(e)) throw e
        }
      }),

    exec: (container, cmd, opts) => call(() => runExec(docker, container, cmd, opts)),
    execTty: (container, cmd, cols, rows) => call(() => openTtyExec(docker, container, cmd, cols, rows)),
    logs: (container, tail, sinceMs) => call(() => readLogs(docker, container, tail, sinceMs)),
    followLogs: (container, onLine) => call(() => followLogLines(docker, container, onLine)),
    stats: (container) => call(() => readStats(docker, container)),

    watchEvents: (labId, onEvent, onEngine) =>
      watchLabEvents(
        {
          docker,
          status,
          listOwned: async (id) => {
            const owned = new Map<string, Record<string, string>>()
            for (const n of await gateway.listNetworks(id)) owned.set(n.id, n.labels)
            for (const v of await gateway.listVolumes(id)) owned.set(v.name, v.labels)
            return owned
          },
          labelsOf: async (type, id) => {
            try {
              const i = type === 'network' ? await docker.getNetwork(id).inspect() : await docker.getVolume(id).inspect()
              return (i as { Labels?: Record<string, string> }).Labels ?? {}
            } catch {
              return undefined
            }
          },
        },
        labId,
        onEvent,
        onEngine,
      ),
  }
  return gateway
}
