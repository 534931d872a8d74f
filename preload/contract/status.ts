// Plain-data snapshots the engine publishes. Nothing here is computed by the renderer.
import type { HardwareStatus } from './hardware'

export type EngineState = 'connected' | 'absent' | 'denied' | 'stopped' | 'too-old' | 'error'
export interface EngineStatus {
  state: EngineState
  /** one sentence a person can act on */
  message: string
  /** where we looked: a unix socket path or tcp://host:port */
  host: string
  version?: string
  apiVersion?: string
}

/** images: built; missing = can be built; no-image = the role has no image yet ("not built yet" in the UI) */
export type ImageState = 'built' | 'missing' | 'building' | 'no-image'

/** what the container is doing, as Docker sees it, refined by what the model knows (powered-off vs crashed) */
export type ServerState = 'absent' | 'created' | 'running' | 'paused' | 'restarting' | 'stopped' | 'crashed' | 'powered-off'
export type Health = 'healthy' | 'unhealthy' | 'starting' | 'unknown'

export interface ServerStatus {
  id: string
  role: string
  site: string
  rack: string
  model: string
  image: string
  imageState: ImageState
  state: ServerState
  health: Health
  /** why it is unhealthy or not running, when known */
  detail?: string
  containerId?: string
  exitCode?: number
  ips: Record<string, string>
}

export interface LabStatus {
  labId: string
  topology: string
  engine: EngineStatus
  servers: ServerStatus[]
  /** network id → the subnet the lab really has on its engine (relocated when the topology's were taken) */
  subnets?: Record<string, string>
  /** the operation that holds the lab, if any */
  op?: { opId: string; kind: OpKind }
  /** physical state (circuits, PSUs, arrays, cables), when the lab runs its hardware model */
  hardware?: HardwareStatus
}

export type OpKind = 'up' | 'down' | 'build' | 'scenario'
export interface OpProgress {
  opId: string
  kind: OpKind
  phase: 'base' | 'build' | 'network' | 'volume' | 'start' | 'health' | 'stop' | 'remove' | 'done' | 'step'
  /** steps done so far and the total; max = -1 when unknown */
  current: number
  max: number
  text: string
  server?: string
  /** phase 'step': one scenario step, as it finished */
  step?: ScenarioStepResult
}

/** One step of a scenario run (the CLI's --json report has the same rows). */
export interface ScenarioStepResult {
  /** history: the end-of-run checks over what a workload sent (mail) */
  section: 'steps' | 'cleanup' | 'history'
  /** 1-based within its section; 0 for the `up` before the steps */
  n: number
  text: string
  /** null: not run, because an earlier step failed */
  ok: boolean | null
  ms: number
  detail?: string
  /** measured numbers (a history check's counts and latency percentiles) */
  values?: Record<string, number>
}

/** A scenario the app ships (resources/scenarios), as the UI lists it. */
export interface ScenarioInfo {
  /** file name without .yaml; what scenario.run takes */
  id: string
  name: string
  description?: string
  up?: string[]
  steps: string[]
  cleanup: string[]
  /** the file does not load against this lab's topology (then it can't run) */
  error?: string
}
/** one timed piece of an operation (`racklab up --timings`); spans of parallel servers overlap */
export interface PhaseTiming {
  phase: string
  server?: string
  /** dependency level of the server (0 = depends on nothing) */
  level?: number
  /** from the start of the operation */
  startMs: number
  ms: number
}

export interface OpDone {
  opId: string
  kind: OpKind
  status: 'succeeded' | 'failed' | 'cancelled'
  error?: { code: string; message: string }
  /** what the person should know though the operation succeeded (e.g. a network Docker would not remove) */
  warnings?: string[]
  /** wall time of each phase, in the order they started */
  timings?: PhaseTiming[]
}

export interface ProbeResult {
  id: string
  /** the server or service the probe checks */
  target: string
  ok: boolean
  message: string
  /** numbers the probe measured, e.g. { lagSeconds: 0 } */
  values?: Record<string, number | string | boolean>
  at: string
  /** how old the result was when it was handed out (lab.check from the monitor), ms */
  ageMs?: number
}

export interface Endpoint {
  service: string
  host: '127.0.0.1'
  port: number
  server: string
  url?: string
}

/** every kind of journal line; the journal's reader accepts exactly these (one list, so a new kind can't be dropped on reopen) */
export const JOURNAL_KINDS = ['action', 'state', 'probe', 'op', 'engine', 'alert'] as const

export interface JournalEntry {
  seq: number
  /** wall-clock ISO time and lab-clock milliseconds */
  at: string
  labMs: number
  kind: (typeof JOURNAL_KINDS)[number]
  target?: string
  text: string
  data?: unknown
}

/** The lab's own certificate authority: trust it and the lab's HTTPS is valid in a browser. Its name constraints
 *  limit it to the lab: a certificate it signed for any other name or address fails verification. */
export interface LabCa {
  /** the certificate (PEM), what a browser or OS imports */
  pem: string
  subject: string
  /** SHA-256 fingerprint as openssl prints it (AB:CD:…), to compare after import */
  sha256: string
  notBefore: string
  /** it is good for a year at most; the engine makes a new one after that (trust the new one) */
  notAfter: string
  /** what it may vouch for: DNS names (each with every name under it) and IPv4 networks (CIDR) */
  permits: { dns: string[]; ip: string[] }
}

/** A value an action takes, picked from choices the engine lists (e.g. which user to resync). */
export interface ActionParam {
  id: string
  label: string
  choices: string[]
  /** may be left out: the action then covers every choice */
  optional: boolean
}

/** A server's kernel firewall (nftables, loaded by the engine at each start): what gets in, and what is blocked now. */
export interface FirewallView {
  server: string
  /** everything not listed here is dropped */
  policy: 'drop'
  /** always let in: loopback, replies to its own connections, ICMP (and VRRP between frontends) */
  always: string[]
  /** what the role serves, each with who may reach it: the lab's subnets, or anyone (the edge's public side) */
  allowed: { proto: 'tcp' | 'udp'; ports: string; from: 'lab' | 'any'; what: string }[]
  /** TCP ports a firewall-block action closes now; or why the running firewall can't be read */
  blocked: number[] | { error: string }
}

export interface ActionInfo {
  id: string
  label: string
  /** operate, break or restore */
  kind: 'operate' | 'break' | 'restore'
  enabled: boolean
  /** why it is disabled */
  reason?: string
  /** values it takes (`racklab act TARGET ACTION name=value`); none when absent */
  params?: ActionParam[]
  /** which part of the lab it acts on: the hardware model, the server's role, or its container */
  family?: 'hardware' | 'role' | 'container' | 'network'
}
