// The narrow views of the lab that its parts work through (up, down, server control, the binding, probes,
// scenarios, consoles), so none of them needs the whole LabEngine and none imports it. LabEngine implements
// them all; tests can hand each part a small fake.
import type { EngineStatus, LabStatus, ServerStatus } from '@contract/status'
import type { Topology } from '@contract/topology'
import type { BootHealth } from './boot-health'
import type { ContainerInfo, DockerGateway } from '../docker/types'
import type { EventBus } from '../events/event-bus'
import type { Effects } from '../hardware/index'
import type { Journal } from '../journal/journal'
import type { HookContext } from '../roles/types'
import type { LabSshKeys } from '../ssh/lab-keys'
import type { ImageCatalog } from './images'
import type { Operations, StartedOp } from './operations'
import type { PlacedServer, roleSpec } from './plan'
import type { ProvisionRecord } from './provisioned'
import type { DownIntent } from './server-status'
import type { SubnetRecord } from './subnet-record'
import type { TakenSubnet } from './subnet-pool'

/** what every part may read: which lab, its plan, Docker, and the journal */
export interface LabBasics {
  readonly labId: string
  /** the topology as written (the UI's) */
  readonly topology: Topology
  /** the same with the subnets and addresses the lab really has on its engine (relocate.ts) */
  readonly relocated: Topology
  /** every server with its real (relocated) addresses */
  readonly servers: Map<string, PlacedServer>
  readonly gateway: DockerGateway
  readonly journal: Journal
}

/** the lab's containers as last seen */
export interface LabView extends LabBasics {
  container(server: string): ContainerInfo | undefined
  status(): LabStatus
  serverStatus(id: string): ServerStatus
  engineStatus(): EngineStatus
  requireEngine(): void
  refresh(): Promise<void>
  /** lab milliseconds since the lab started (0 without a hardware model) */
  labMs(): number
}

/** bringing servers up and down */
export interface LifecycleContext extends LabView {
  readonly images: ImageCatalog
  markBuilding(tag: string, on: boolean, built?: boolean): void
  setIntent(server: string, intent: DownIntent | undefined): void
  setMembers(ids: Iterable<string>, on: boolean): void
  hardwareAllows(server: string): { ok: boolean; why?: string }
  hookContext(server: string): HookContext
  /** the lab's SSH host keys and operator key, kept in its state dir (ssh/lab-keys.ts) */
  readonly sshKeys: LabSshKeys
  roleSpecOf(server: string): ReturnType<typeof roleSpec>
  syncHardware(): Promise<void>
  readonly hardware: { effects(): Effects } | undefined
  /** adopt or choose the lab's subnets on its engine and record them (before its networks are made);
   * `alsoTaken`: subnets Docker just refused that the engine's listing may not show yet */
  ensureSubnets(alsoTaken?: TakenSubnet[]): Promise<SubnetRecord>
  /** provisioning runs and their input hashes: `up` skips what is unchanged */
  readonly provisioned: ProvisionRecord
  /** health right after a start, before Docker's first check (boot-health.ts) */
  readonly bootHealth: Pick<BootHealth, 'watch' | 'view' | 'nextPass' | 'claim'>
}

/** the binding: Docker brought in line with the hardware model */
export interface BindingContext extends LifecycleContext {
  isMember(server: string): boolean
  afterBoot(server: string, containerId: string): void
}

/** consoles: a shell in a running server, its output on the bus */
export interface ConsoleContext extends LabView {
  readonly bus: EventBus
}

/** scenarios: actions, up, notes, run as the lab's operation */
export interface ScenarioContext extends LifecycleContext {
  readonly bus: EventBus
  readonly ops: Operations
  readonly stateDir: string
  act(target: string, action: string, args?: Record<string, string>): Promise<string>
  up(only?: string[], signal?: AbortSignal): StartedOp
}
