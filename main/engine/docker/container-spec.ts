// Pure translation between our ContainerSpec/ContainerInfo and Docker's create/inspect shapes.
import type Docker from 'dockerode'
import type { ContainerInfo, ContainerSpec } from './types'

/** The PID limit of a container whose spec names none (roles name their own: roles/capabilities.ts). */
export const DEFAULT_PIDS_LIMIT = 128

/** Ports are only ever published on loopback (network rule: nothing listens on outside addresses). */
export const PUBLISH_HOST_IP = '127.0.0.1'

export function toCreateOptions(spec: ContainerSpec): Docker.ContainerCreateOptions {
  const [first] = spec.networks
  const publish = Object.entries(spec.publish ?? {})
  const hostConfig: Docker.HostConfig = {
    // tini as PID 1: reaps zombies and forwards signals, so `stop` is a clean SIGTERM
    Init: true,
    Binds: Object.entries(spec.volumes).map(([name, path]) => `${name}:${path}`),
    Tmpfs: Object.fromEntries((spec.tmpfs ?? []).map((p) => [p, ''])),
    PortBindings: Object.fromEntries(publish.map(([port, host]) => [port, [{ HostIp: PUBLISH_HOST_IP, HostPort: host > 0 ? String(host) : '' }]])),
    // the first network replaces docker's default bridge; none when the server has no cable
    NetworkMode: spec.networkMode ?? (first ? first.name : 'none'),
    RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
  }
  // least privilege: no capability unless the spec adds it back, no setuid/setcap binary can gain any, and no
  // container without a PID limit (a fork bomb in one server must not take the engine's host down)
  hostConfig.CapDrop = ['ALL']
  hostConfig.SecurityOpt = ['no-new-privileges:true']
  if (spec.capAdd?.length) hostConfig.CapAdd = spec.capAdd
  hostConfig.PidsLimit = spec.pidsLimit ?? DEFAULT_PIDS_LIMIT
  if (spec.dns?.length) hostConfig.Dns = spec.dns
  if (spec.nanoCpus) hostConfig.NanoCpus = spec.nanoCpus
  if (spec.memoryBytes) hostConfig.Memory = spec.memoryBytes
  const opts: Docker.ContainerCreateOptions = {
    name: spec.name,
    Image: spec.image,
    // Docker refuses a hostname of its own in another container's network namespace
    ...(spec.networkMode ? {} : { Hostname: spec.hostname }),
    Labels: spec.labels,
    Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
    ExposedPorts: Object.fromEntries(publish.map(([port]) => [port, {}])),
    HostConfig: hostConfig,
  }
  if (spec.cmd) opts.Cmd = spec.cmd
  if (spec.stopTimeout !== undefined) opts.StopTimeout = spec.stopTimeout
  // only the cadence: Docker keeps the image's test (and timeout, start period) for fields left at zero
  if (spec.healthcheck) {
    const h = spec.healthcheck
    opts.Healthcheck = { Interval: h.intervalSeconds * 1e9, Retries: h.retries, ...(h.timeoutSeconds ? { Timeout: h.timeoutSeconds * 1e9 } : {}) }
  }
  if (first) opts.NetworkingConfig = { EndpointsConfig: { [first.name]: endpointConfig(first.ip, first.aliases) } }
  return opts
}

export function endpointConfig(ip: string, aliases?: string[]): Docker.EndpointSettings {
  const ep: Docker.EndpointSettings = { IPAMConfig: { IPv4Address: ip } }
  if (aliases?.length) ep.Aliases = aliases
  return ep
}

const ZERO_TIME = '0001-01-01T00:00:00Z'
const HEALTH = new Set(['starting', 'healthy', 'unhealthy'])

/** The host port docker bound for a container port, on loopback (or any address when only that exists). */
function hostPort(bindings: { HostIp?: string; HostPort?: string }[] | null | undefined): number | undefined {
  if (!bindings?.length) return undefined
  const b = bindings.find((x) => x.HostIp === PUBLISH_HOST_IP) ?? bindings[0]
  const n = Number(b?.HostPort)
  return Number.isInteger(n) && n > 0 ? n : undefined
}

export function toContainerInfo(i: Docker.ContainerInspectInfo): ContainerInfo {
  const state = i.State
  const info: ContainerInfo = {
    id: i.Id,
    name: i.Name.replace(/^\//, ''),
    image: i.Config.Image,
    labels: i.Config.Labels ?? {},
    status: state.Status,
    running: state.Running,
    exitCode: state.ExitCode,
    oomKilled: state.OOMKilled,
    ips: {},
    ports: {},
  }
  const health = state.Health?.Status
  if (health && HEALTH.has(health)) info.health = health as ContainerInfo['health']
  const test = i.Config.Healthcheck?.Test
  if (test?.length && test[0] !== 'NONE') info.healthTest = test
  if (state.StartedAt && state.StartedAt !== ZERO_TIME) info.startedAt = state.StartedAt
  if (state.FinishedAt && state.FinishedAt !== ZERO_TIME) info.finishedAt = state.FinishedAt
  for (const [net, ep] of Object.entries(i.NetworkSettings.Networks ?? {})) {
    // a stopped container has no IPAddress; its configured static IP still says where it belongs
    const ip = ep.IPAddress || ep.IPAMConfig?.IPv4Address
    if (ip) info.ips[net] = ip
  }
  const live = (i.NetworkSettings.Ports ?? {}) as Record<string, { HostIp?: string; HostPort?: string }[] | null>
  const configured = (i.HostConfig.PortBindings ?? {}) as Record<string, { HostIp?: string; HostPort?: string }[] | null>
  for (const port of new Set([...Object.keys(live), ...Object.keys(configured)])) {
    const p = hostPort(live[port]) ?? hostPort(configured[port])
    if (p !== undefined) info.ports[port] = p
  }
  return info
}
