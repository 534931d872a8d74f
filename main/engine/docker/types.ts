// What the engine needs from Docker. gateway.ts implements it on dockerode; nothing else talks to Docker.
import type { EngineStatus } from '@contract/status'

/** Labels every Racklab object carries; only objects with racklab.lab=<labId> are ever touched. */
export const LABEL_LAB = 'racklab.lab'
export const LABEL_SERVER = 'racklab.server'
export const LABEL_ROLE = 'racklab.role'
export const LABEL_NETWORK = 'racklab.network'
export const LABEL_VOLUME = 'racklab.volume'
/** set by each lab-images/<name>/Dockerfile (LABEL racklab.image=<name>): an image we built */
export const LABEL_IMAGE = 'racklab.image'
/** a random id given to a volume when it is made: the same name made again (lost array, down --volumes) differs */
export const LABEL_INSTANCE = 'racklab.instance'
/** a hash of a container's settings (all but its image and labels): `up` makes a container anew when they changed */
export const LABEL_SPEC = 'racklab.spec'

export interface NetworkSpec {
  /** docker name, e.g. racklab-nyi-2007-int */
  name: string
  subnet: string
  internal: boolean
  labels: Record<string, string>
}

export interface NetworkEndpoint {
  key: string
  endpointId: string
  name: string
}

export interface VolumeSpec {
  name: string
  labels: Record<string, string>
}

export interface ContainerSpec {
  name: string
  image: string
  hostname: string
  labels: Record<string, string>
  env: Record<string, string>
  /** first network gets attached at create time, the rest connected before start */
  networks: { name: string; ip: string; aliases?: string[] }[]
  /** volume name → mount path */
  volumes: Record<string, string>
  /** tmpfs mount paths (e.g. /run so pid files don't survive a kill) */
  tmpfs?: string[]
  /** container port "25/tcp" → host port on 127.0.0.1 (0 = any free port) */
  publish?: Record<string, number>
  /** capabilities added back: every container drops ALL first and runs with no-new-privileges */
  capAdd?: string[]
  /** most processes + threads in the container */
  pidsLimit?: number
  dns?: string[]
  cmd?: string[]
  /** seconds docker waits on stop before SIGKILL */
  stopTimeout?: number
  nanoCpus?: number
  memoryBytes?: number
  /** Docker's health check cadence, overriding the image's (its test stays the image's) */
  healthcheck?: { intervalSeconds: number; retries: number; timeoutSeconds?: number }
  /** join another container's network namespace ("container:<id>"): a sidecar such as the netfault helper;
   *  networks, hostname and published ports then belong to that container and must be empty here */
  networkMode?: string
}

export interface ContainerInfo {
  id: string
  name: string
  image: string
  labels: Record<string, string>
  /** docker's State.Status: created, running, paused, restarting, removing, exited, dead */
  status: string
  running: boolean
  exitCode: number
  /** true when the container was stopped by OOM */
  oomKilled: boolean
  health?: 'starting' | 'healthy' | 'unhealthy'
  /** the image's health check command (Docker's Config.Healthcheck.Test: ["CMD", …] or ["CMD-SHELL", "…"]) */
  healthTest?: string[]
  startedAt?: string
  finishedAt?: string
  /** network name → IP */
  ips: Record<string, string>
  /** "25/tcp" → host port */
  ports: Record<string, number>
}

/** a container as Docker's listing has it, with no inspect of its own: enough to stop and remove it */
export interface ContainerSummary {
  id: string
  name: string
  labels: Record<string, string>
  /** docker's State: created, running, paused, restarting, removing, exited, dead */
  status: string
  running: boolean
}

export interface ExecResult {
  exitCode: number
  stdout: string
  stderr: string
}

export interface ExecSession {
  write(data: string): void
  resize(cols: number, rows: number): Promise<void>
  close(): void
  onData(fn: (chunk: string) => void): void
  onExit(fn: (code: number | null) => void): void
}

/** A Docker event that concerns the lab (containers, networks, volumes with our label). */
export interface LabDockerEvent {
  type: 'container' | 'network' | 'volume' | 'resync'
  action: string
  id: string
  labels: Record<string, string>
  time: number
}

export interface BuildProgress {
  image: string
  /** "Step 3/9" → 3 and 9 when docker says; -1 when unknown */
  step: number
  steps: number
  text: string
}

export interface DockerGateway {
  /** ping + version; never throws: failures become a status with a message */
  status(): Promise<EngineStatus>
  imageExists(ref: string): Promise<boolean>
  /** tags of one repository with their image's labels, e.g. racklab/db → [{ tag: 'racklab/db:3eae33f2a6ac', labels }, …] */
  listImageTags(repo: string): Promise<{ tag: string; labels: Record<string, string> }[]>
  /** removes a tag (never forced: an image a container uses stays); false when Docker refused */
  removeImage(ref: string): Promise<boolean>
  /** build lab-images/<dir> into tag; rejects with LabError BUILD_FAILED on in-stream errors */
  buildImage(
    contextDir: string,
    tag: string,
    onProgress: (p: BuildProgress) => void,
    signal?: AbortSignal,
    /** Dockerfile ARGs, e.g. { BASE: 'racklab/base:<hash>' } */
    buildArgs?: Record<string, string>,
  ): Promise<void>
  /** debian:bookworm-slim: pull, else debootstrap + import; progress lines to onProgress */
  ensureBaseImage(onProgress: (text: string) => void, signal?: AbortSignal): Promise<void>

  /** one lab's containers; without an id, every container of every lab (racklab labs) */
  listContainers(labId?: string): Promise<ContainerInfo[]>
  /** one lab's containers from the listing alone (listContainers inspects each one: 18 inspects took 0.3 s on a
   *  quiet engine and 1.5 s during a busy one, the slowest part of a `down` before anything stopped) */
  listContainerSummaries(labId: string): Promise<ContainerSummary[]>
  inspectContainer(nameOrId: string): Promise<ContainerInfo | undefined>
  createContainer(spec: ContainerSpec): Promise<string>
  startContainer(id: string): Promise<void>
  stopContainer(id: string, timeoutSeconds?: number): Promise<void>
  killContainer(id: string, signal?: string): Promise<void>
  pauseContainer(id: string): Promise<void>
  unpauseContainer(id: string): Promise<void>
  restartContainer(id: string): Promise<void>
  /** removes the container and its anonymous volumes */
  removeContainer(id: string): Promise<void>
  updateResources(id: string, r: { nanoCpus?: number; memoryBytes?: number }): Promise<void>

  ensureNetwork(spec: NetworkSpec): Promise<void>
  listNetworks(labId: string): Promise<{ id: string; name: string; labels: Record<string, string> }[]>
  /** every network on the engine (any owner) with its IPv4 subnets: what a lab's subnets must not overlap */
  listNetworkSubnets(): Promise<{ name: string; subnets: string[]; labels: Record<string, string> }[]>
  removeNetwork(name: string): Promise<void>
  /** endpoints Docker lists on a network: key is the container id, or "ep-<endpoint id>" for an endpoint whose
   *  container Docker no longer knows (a stale endpoint); name is the container name Docker recorded */
  networkEndpoints(name: string): Promise<NetworkEndpoint[]>
  connectNetwork(network: string, container: string, ip: string, aliases?: string[]): Promise<void>
  /** forced: also removes a stale endpoint when given the container name Docker recorded for it */
  disconnectNetwork(network: string, container: string): Promise<void>

  /** returns the volume's instance id (LABEL_INSTANCE): a volume made anew (lost array, down --volumes) has a new one */
  ensureVolume(spec: VolumeSpec): Promise<string>
  listVolumes(labId: string): Promise<{ name: string; labels: Record<string, string> }[]>
  /** removes a volume only when its racklab.lab label is labId (REFUSED otherwise); a missing one is fine */
  removeVolume(name: string, labId: string): Promise<void>

  exec(container: string, cmd: string[], opts?: { stdin?: string; user?: string; env?: Record<string, string>; timeoutMs?: number }): Promise<ExecResult>
  execTty(container: string, cmd: string[], cols: number, rows: number): Promise<ExecSession>
  /** the last `tail` lines; only those logged at or after `sinceMs` (wall clock) when given */
  logs(container: string, tail: number, sinceMs?: number): Promise<string>
  followLogs(container: string, onLine: (line: string) => void): Promise<() => void>
  stats(container: string): Promise<{ cpuPercent: number; memoryBytes: number }>

  /** lab-labelled events; reconnects with backoff and emits {type:'resync'} after a gap. Returns stop. */
  watchEvents(labId: string, onEvent: (e: LabDockerEvent) => void, onEngine: (s: EngineStatus) => void): () => void
}
