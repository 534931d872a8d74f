// A role is what a server runs (db, imap, mx…). Each role lives in its own module and says what it needs
// from Docker beyond the topology, and what to do once its container is healthy.
import type { PoolStatus } from '@contract/hardware'
import type { ActionParam } from '@contract/status'
import type { ServerUnit, Topology } from '@contract/topology'
import type { ExecResult } from '../docker/types'
import type { LabSecrets } from '../lab/secrets'
import type { LabAuthority } from '../tls/authority'
import type { Capabilities } from './capabilities'

export interface RoleContext {
  topology: Topology
  server: ServerUnit
  secrets: LabSecrets
  labId: string
  /** IP of another server as seen from this one (its address on the first network they share) */
  ipOf(serverId: string): string
  /** ids of every server of a role, in topology order */
  serversOf(role: ServerUnit['role']): string[]
}

export interface RoleSpec {
  /** volume purpose → mount path; volumes survive `down` unless --volumes */
  volumes: Record<string, string>
  env: Record<string, string>
  tmpfs?: string[]
  /** container port ("25/tcp") → service name listed by `racklab endpoints` (published on 127.0.0.1) */
  publish?: Record<string, string>
  /** container ports published on the SAME host port of 127.0.0.1 (FTP passive ports: the reply names them) */
  fixedPorts?: number[]
  /** the Linux capabilities it keeps after CapDrop ALL, each with why (roles/capabilities.ts) */
  capabilities: Capabilities
  /** most processes + threads the container may run (a fork bomb or a leak stops there, not at the host) */
  pidsLimit: number
  /** DNS servers (IPs) for the container, e.g. the lab's ns1/ns2 */
  dns?: string[]
  stopTimeout?: number
}

/** What a role's provisioning inputs may read: the topology, and where another server's state is kept. */
export interface ProvisionContext extends HookContext {
  /** identity of the data volumes of a server brought up by this run (their instance ids); '' otherwise */
  keptIdentity(server: string): string
}

/** What a hook may do to the running lab: run commands in its servers. */
export interface HookContext extends RoleContext {
  exec(server: string, cmd: string[], opts?: { stdin?: string; timeoutMs?: number }): Promise<ExecResult>
  /** the lab CA, kept by the engine in the lab's state dir (made on first use); its key never enters a container */
  labCa(): Promise<LabAuthority>
  /** lab milliseconds since the lab started (the lab clock; 0 without a hardware model) */
  labMs?(): number
  /** a server's container log lines since a wall-clock time (what its daemons logged: Postfix's deliveries) */
  logsSince?(server: string, sinceMs: number): Promise<string>
  /** the server's own ZFS pool as the hardware model has it (undefined: no pool, or no hardware model) */
  pool?(server: string): PoolStatus | undefined
  /** a step of a long action (a rebuild, a restore) as it happens: journaled on the server at once */
  progress?(text: string): void
  /** the lab's state dir, where a long action records its phase before it starts (a killed engine finds it) */
  stateDir?: string
  /** its container was started by the operation that runs this hook (an `up`): its /run, a tmpfs, began empty */
  startedNow?: boolean
}

/** A service-level action on a server of this role (promote a replica, resync, stop nginx…). */
export interface RoleAction {
  id: string
  label: string
  kind: 'operate' | 'break' | 'restore'
  /** why it can't run now; undefined = enabled */
  refused?: string
  /** values it takes; the engine checks them against their choices before `run` */
  params?: ActionParam[]
  /** does it; returns one sentence for the journal. Must be journaled with its inverse by naming it. */
  run(args: Record<string, string>): Promise<string>
}

export interface RoleDefinition {
  /** actions on `server:<id>` beyond the hardware's (power, PSUs); computed fresh each time. `want`: the one action
   *  about to run, when the listing is for running it (a role may skip reading what only its other actions need) */
  actions?(c: HookContext, want?: string): Promise<RoleAction[]>
  spec(c: RoleContext): RoleSpec
  /** provisioning that must go through the running daemon (idempotent: it runs on every `up` unless `provision` says
   *  its inputs are unchanged) */
  afterHealthy?(c: HookContext): Promise<void>
  /** what afterHealthy depends on, so `up` can skip it while unchanged (lab/provisioned.ts). keptIn: where its
   *  result lives — the server's data 'volumes' (survives down) or its 'container' (a new one runs it again).
   *  The server's image tag and env are part of the inputs already. */
  provision?: { keptIn: 'volumes' | 'container'; inputs(c: ProvisionContext): unknown }
  /** what `up` waits for, after provisioning (run or skipped), on a server whose container it started: a state
   *  that Docker's health check of this one server cannot see, such as a replica connected to its primary and
   *  caught up. Throws (a LabError) when the server does not get there. */
  settled?(c: HookContext): Promise<void>
  /** its boot and its health check need no other server (it reaches them per request and says when they are
   *  down), so `up` boots it at once, in parallel with what it dependsOn, and only its afterHealthy waits for
   *  them (lab/start-graph.ts). Leave it unset when the first boot reads another server (a replica clones its
   *  primary). */
  bootsAlone?: boolean
  /** seconds from Docker's start to healthy when it boots alone on a quiet 2-core machine (unset: about 1): `up`
   *  asks Docker to start the longest boots first (lab/start-queue.ts) */
  bootS?: number
  /** its afterHealthy needs no other server either (it reads only the engine and its own container), so `up` runs
   *  it right after its own health instead of after what it dependsOn; the server still counts as ready for its
   *  dependants only once those are (lab/start-graph.ts readyAlone) */
  provisionsAlone?: boolean
  /** its afterHealthy needs its container running, not its daemons answering (it writes a file they read per
   *  request), so `up` runs it once the container has started and what it dependsOn is ready, beside the boot */
  provisionsAtStart?: boolean
}
