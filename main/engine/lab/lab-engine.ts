// The lab: topology + Docker, one writer of lab state. Transports and the CLI call it through the API handlers.
import { nightDue, nightFor, NightlyLedger } from './nightly'
import { join } from 'node:path'
import { LabError } from '@contract/errors'
import { engineErrorCode } from '@contract/lab-error'
import type { ActionInfo, Endpoint, EngineStatus, FirewallView, LabCa, LabStatus, ServerStatus } from '@contract/status'
import type { Topology } from '@contract/topology'
import type { EventBus } from '../events/event-bus'
import type { ContainerInfo, DockerGateway } from '../docker/types'
import { LABEL_SERVER } from '../docker/types'
import type { Journal } from '../journal/journal'
import type { ActionArgs } from './action-args'
import { ImageCatalog } from './images'
import { labCaInfo } from './lab-ca'
import { caScope } from '../tls/ca-scope'
import { LabCaKeeper, NO_CA_YET } from '../tls/ca-store'
import { LabSshKeys } from '../ssh/lab-keys'
import { Operations, type StartedOp } from './operations'
import { placeServers, roleContext, roleSpec, type PlacedServer } from './plan'
import { roles, type HookContext, type RoleAction } from '../roles/index'
import { containerName } from './naming'
import { loadSecrets, type LabSecrets } from './secrets'
import { serverStatus, type DownIntent } from './server-status'
import { runUp } from './up'
import { runDown } from './down'
import { waitHealthy } from './wait-healthy'
import { controlServer, type ServerOp } from './server-control'
import { loadMembers, saveMembers } from './members'
import { ensureStateDir } from '../state/state-dir'
import { HardwareRuntime } from '../binding/hardware-runtime'
import { AppliedEffects, reconcile, shouldRun } from '../binding/reconcile'
import type { HardwareEvent } from '../hardware/index'
import { fitsTopology, ownSubnets, relocateTopology, type Relocation } from '../topology/relocate'
import { BootHealth } from './boot-health'
import { withFtpBase } from './ftp-ports'
import { adoptedSubnets, chooseSubnets, engineSubnets, releaseSubnets } from './lab-subnets'
import { readSubnetRecord, type SubnetRecord } from './subnet-record'
import type { TakenSubnet } from './subnet-pool'
import { ActionLedger } from '../actions/action-ledger'
import { ActionBook, type TargetActions } from '../actions/book'
import { containerSource } from '../actions/container-source'
import { hardwareSource } from '../actions/hardware-source'
import { roleSource } from '../actions/role-source'
import { networkSource } from '../actions/network-source'
import { NetfaultSidecars } from '../netfault/sidecar'
import { NetFaults } from '../netfault/net-faults'
import { ProvisionRecord } from './provisioned'
import { FIREWALL_ACTIONS, firewallActions } from '../firewall/actions'
import { firewallView } from '../firewall/view'

export interface LabEngineOptions {
  gateway: DockerGateway
  topology: Topology
  bus: EventBus
  journal: Journal
  /** defaults to the topology's name */
  labId?: string
  /** where secrets and intents live, e.g. ~/.racklab/<labId> */
  stateDir: string
  imagesDir: string
  /** resources/hardware/catalog.yaml; without it the lab runs without a hardware model */
  catalogFile?: string
}

export type { ServerOp } from './server-control'

export class LabEngine {
  readonly labId: string
  /** the topology as written: what the UI and the hardware model show */
  readonly topology: Topology
  private located: Topology
  /** the lab's passive FTP block (ftp-ports.ts), from its subnet record */
  private ftpBase: number | undefined
  private placed: Map<string, PlacedServer>
  readonly images: ImageCatalog
  readonly ops: Operations
  readonly secrets: LabSecrets
  private engine: EngineStatus = { state: 'error', message: 'not checked yet', host: '' }
  private containers = new Map<string, ContainerInfo>()
  private builtImages = new Set<string>()
  private readonly building = new Set<string>()
  private readonly intents = new Map<string, DownIntent>()
  private snapshot: LabStatus
  private stopWatching: (() => void) | undefined
  private refreshTimer: NodeJS.Timeout | undefined
  /** health right after a start, before Docker's first check: applied at each look, published on a pass */
  readonly bootHealth: BootHealth
  private refreshing: Promise<void> | undefined
  private adopted = false
  private imagesChecked = false
  readonly hardware: HardwareRuntime | undefined
  private readonly applied: AppliedEffects
  /** provisioning runs and their input hashes (provisioned.json): `up` skips what is unchanged */
  readonly provisioned: ProvisionRecord
  private readonly membersFile: string
  private members: Set<string>
  private ticker: NodeJS.Timeout | undefined
  private readonly nightly: NightlyLedger
  private nightlyRunning = false
  private netWatch: NodeJS.Timeout | undefined
  private netChecking = false
  private netCheckError = ''
  readonly netFaults: NetFaults
  private reconciling: Promise<void> = Promise.resolve()
  readonly actionLedger: ActionLedger
  readonly book: ActionBook
  private readonly caKeeper: LabCaKeeper
  readonly sshKeys: LabSshKeys

  constructor(private readonly o: LabEngineOptions) {
    this.topology = o.topology
    this.labId = o.labId ?? o.topology.name
    this.located = o.topology
    this.placed = placeServers(o.topology)
    this.bootHealth = new BootHealth(o.gateway, () => this.publish())
    this.images = new ImageCatalog(o.imagesDir, (r) => r in roles)
    this.ops = new Operations(o.bus)
    ensureStateDir(o.stateDir)
    // damaged state files never stop the lab from starting: each is set aside, replaced and journaled
    const report = (text: string): void => void o.journal.append({ kind: 'engine', text })
    // the subnets the lab had last (relocated when the topology's were taken); adopted from Docker in init()
    const record = readSubnetRecord(o.stateDir, report)
    this.ftpBase = record?.ftpPassiveBase
    const recorded = record?.networks
    if (recorded && fitsTopology(o.topology, recorded)) this.locate(recorded)
    else if (this.ftpBase !== undefined) this.locate(undefined)
    this.secrets = loadSecrets(join(o.stateDir, 'secrets.json'), report)
    this.hardware = o.catalogFile ? new HardwareRuntime(o.topology, o.stateDir, o.catalogFile) : undefined
    for (const p of this.hardware?.ledger.problems ?? []) report(p)
    this.applied = new AppliedEffects(join(o.stateDir, 'applied-effects.json'), report)
    this.provisioned = new ProvisionRecord(join(o.stateDir, 'provisioned.json'), report)
    this.membersFile = join(o.stateDir, 'members.json')
    this.nightly = new NightlyLedger(join(o.stateDir, 'nightly.json'), report)
    this.members = loadMembers(this.membersFile, report)
    this.actionLedger = new ActionLedger(join(o.stateDir, 'actions.jsonl'))
    for (const p of this.actionLedger.problems) report(p)
    this.netFaults = new NetFaults({
      sidecars: new NetfaultSidecars({ gateway: o.gateway, labId: this.labId, image: () => this.images.helper('netfault')?.tag }),
      servers: () => this.servers,
      container: (id) => this.container(id),
      ledger: () => this.actionLedger.list(),
    })
    this.book = this.makeBook()
    this.intentsFromLedger()
    // the CA's name constraints cover the lab's real (possibly relocated) subnets
    this.caKeeper = new LabCaKeeper(o.stateDir, this.labId, () => caScope(this.located), (ca, why) => {
      const replaced = why === NO_CA_YET ? '' : '; trust it where you trusted the previous one'
      this.journal.append({ kind: 'op', text: `made a lab CA (${why}), valid until ${ca.notAfter.toISOString()}, SHA-256 ${ca.cert.fingerprint256}${replaced}` })
    })
    this.sshKeys = new LabSshKeys(o.stateDir, (problem) => this.journal.append({ kind: 'op', text: `ssh: ${problem}` }))
    this.snapshot = this.compose()
  }

  /** the topology with the subnets and addresses the lab really has on this engine (relocate.ts) */
  get relocated(): Topology {
    return this.located
  }
  /** every server, placed, with its real (relocated) addresses */
  get servers(): Map<string, PlacedServer> {
    return this.placed
  }
  /** network id → the subnet the lab's Docker network has (or will have) */
  subnets(): Relocation {
    return ownSubnets(this.located)
  }
  setSubnets(rel: Relocation): void {
    this.locate(rel)
    this.publish()
  }
  /** the lab's topology as it is on this engine: its subnets (relocate.ts) and its passive FTP ports (ftp-ports.ts) */
  private locate(rel: Relocation | undefined): void {
    this.located = withFtpBase(rel ? relocateTopology(this.topology, rel) : this.topology, this.ftpBase)
    this.placed = placeServers(this.located)
  }
  /** `up`: adopt or choose the lab's subnets on this engine and record them */
  async ensureSubnets(alsoTaken: TakenSubnet[] = []): Promise<SubnetRecord> {
    const r = await chooseSubnets(this.topology, this.gateway, this.labId, this.o.stateDir, alsoTaken)
    this.ftpBase = r.ftpPassiveBase
    this.setSubnets(r.networks)
    return r
  }
  /** a lab that runs adopts the subnets of its networks, whatever the record says */
  private async adoptSubnets(): Promise<void> {
    const adopted = adoptedSubnets(this.topology, (await engineSubnets(this.gateway, this.labId)).own)
    if (adopted && JSON.stringify(adopted) !== JSON.stringify(this.subnets())) this.setSubnets(adopted)
  }

  private makeBook(): ActionBook {
    const ids = (): string[] => [...this.servers.keys()]
    const hw = this.hardware
    return new ActionBook({
      ledger: this.actionLedger,
      labMs: () => this.hardware?.labMs() ?? 0,
      // the kill-mid-action tests hold an action open between its ledger entry and its effect
      holdAfterBeginMs: Number(process.env.RACKLAB_FAULT_HOLD_ACTION_MS ?? 0),
      // the entry is written when the action ends (its labMs); startLabMs is when it began (the ledger's), so a
      // recording can tell the idle gap between two actions from the time the first one took
      journal: (rec, text, ok) => {
        const given = Object.entries(rec.args).map(([k, v]) => ` ${k}=${v}`).join('')
        this.journal.append({ kind: 'action', target: rec.target, text: `${rec.action}${given} ${rec.target}${ok ? '' : ' FAILED'}: ${text}`, data: { action: rec.action, args: rec.args, seq: rec.seq, family: rec.family, inverse: rec.inverse, ok, startLabMs: rec.labMs, ...(rec.undoes ? { undoes: rec.undoes } : {}) } })
      },
      sources: [
        hardwareSource(hw && { targets: () => hw.model.targets(), actionsFor: (t) => hw.actionsFor(t), apply: (t, a) => this.applyHardware(t, a) }),
        containerSource({
          servers: ids,
          status: (id) => this.snapshot?.servers.find((x) => x.id === id),
          hardwareAllows: (id) => this.hardwareAllows(id),
          control: async (id, op) => void (await controlServer(this, id, op)),
        }),
        roleSource({ servers: ids, actionsOf: (id, want) => this.roleActions(`server:${id}`, want) }),
        networkSource(this.netFaults),
      ],
    })
  }

  /** who stopped what survives a restart: the newest container action per server says whether it was a person */
  private intentsFromLedger(): void {
    for (const r of this.actionLedger.list()) {
      if (r.family !== 'container' || !r.result?.ok) continue
      const server = r.target.replace(/^server:/, '')
      if (r.action === 'stop' || r.action === 'kill') this.intents.set(server, 'stopped')
      else if (r.action === 'start' || r.action === 'restart') this.intents.delete(server)
    }
  }

  /** at 02:00 lab time: the backup server's backup-now, once per lab night (nightly.ts) */
  private nightlyBackup(): void {
    const night = nightDue(this.labMs(), this.nightly.last())
    if (night === undefined || this.nightlyRunning) return
    const b = [...this.servers.values()].find((p) => p.server.role === 'backup')?.server.id
    const s = b ? this.snapshot?.servers.find((x) => x.id === b) : undefined
    const op = this.ops.active()?.kind
    const what = nightFor(b ? { member: this.isMember(b), state: s?.state, health: s?.health, settling: op === 'up' || op === 'down' || op === 'build' } : undefined)
    if (what === 'wait') return
    this.nightly.mark(night)
    if (what === 'none' || !b) return
    if (what === 'missed') {
      this.journal.append({ kind: 'engine', target: `server:${b}`, text: `night ${night + 1}: ${b} is not running, so the nightly backup is missed (the next night catches up)` })
      return
    }
    this.nightlyRunning = true
    this.book
      .run(`server:${b}`, 'backup-now', {})
      .catch((e: unknown) => void this.journal.append({ kind: 'engine', target: `server:${b}`, text: `night ${night + 1}: the nightly backup failed: ${(e as Error).message}` }))
      .finally(() => (this.nightlyRunning = false))
  }

  labMs(): number {
    return this.hardware?.labMs() ?? 0
  }

  get stateDir(): string {
    return this.o.stateDir
  }
  get gateway(): DockerGateway {
    return this.o.gateway
  }
  get bus(): EventBus {
    return this.o.bus
  }
  get journal(): Journal {
    return this.o.journal
  }

  /** Connect to the engine, adopt whatever of this lab is running, and follow Docker events. */
  async init(): Promise<void> {
    this.engine = await this.gateway.status()
    this.bus.emit('engine.changed', this.engine)
    if (this.engine.state === 'connected') await this.adoptSubnets().catch((e: unknown) => this.journal.append({ kind: 'engine', text: `subnets: ${(e as Error).message}` }))
    if (this.engine.state === 'connected') await this.refresh()
    await this.syncHardware()
    // network faults are undone after the interrupted actions are finished (one of those may be a fault)
    await this.resumeInterrupted(() => this.endNetFaultsAtStart())
    this.ticker = setInterval(() => {
      void this.syncHardware()
      this.nightlyBackup()
    }, 500)
    this.netWatch = setInterval(() => void this.watchNetFaults(), 3000)
    this.stopWatching = this.gateway.watchEvents(
      this.labId,
      () => this.scheduleRefresh(),
      (s) => {
        const changed = s.state !== this.engine.state
        this.engine = s
        if (changed) {
          this.imagesChecked = false
          this.bus.emit('engine.changed', s)
          this.journal.append({ kind: 'engine', text: `Docker engine: ${s.message}` })
          this.scheduleRefresh()
        }
      },
    )
  }

  /** Connect and adopt once, without following events (one-shot CLI commands). */
  async initOnce(): Promise<void> {
    this.engine = await this.gateway.status()
    if (this.engine.state === 'connected') await this.adoptSubnets().catch((e: unknown) => this.journal.append({ kind: 'engine', text: `subnets: ${(e as Error).message}` }))
    if (this.engine.state === 'connected') await this.refresh()
    await this.syncHardware()
    await this.resumeInterrupted()
  }

  /** actions a killed engine left halfway: finished now, so the lab converges to its ledger */
  private resumeInterrupted(then?: () => void): Promise<void> {
    if (this.engine.state !== 'connected') return Promise.resolve()
    if (!this.actionLedger.interrupted().length) {
      then?.()
      return Promise.resolve()
    }
    // in the background, in the action queue: the engine answers clients meanwhile (a role action can take a minute)
    void this.book
      .resumeInterrupted()
      .then(() => this.refresh())
      .catch((e: unknown) => void this.journal.append({ kind: 'engine', text: `finishing interrupted actions failed: ${(e as Error).message}` }))
      .then(() => then?.())
    return Promise.resolve()
  }

  /** Network faults don't outlive the engine that watches them (a delay proxy nobody checks could die
   *  unnoticed): whatever a previous engine left in place is undone now, each through its ledgered inverse. */
  private endNetFaultsAtStart(): void {
    if (this.engine.state !== 'connected') return
    for (const rec of this.netFaults.active().values()) {
      this.journal.append({ kind: 'engine', target: rec.target, text: `the engine restarted with ${rec.action} ${rec.target} (action ${rec.seq}) in place: undoing it` })
      void this.book.undo(rec.seq).catch((e: unknown) => void this.journal.append({ kind: 'engine', target: rec.target, text: `could not undo ${rec.action} ${rec.target} (action ${rec.seq}): ${(e as Error).message}` }))
    }
  }

  /** every 3 s while faults are in place: a server that restarted gets its part again; a dead delay proxy
   *  ends its fault through the book (the link is restored, the ledger says why) */
  private async watchNetFaults(): Promise<void> {
    if (this.netChecking || this.engine.state !== 'connected') return
    this.netChecking = true
    try {
      await this.netFaults.check(
        async (rec, why) => {
          this.journal.append({ kind: 'engine', target: rec.target, text: `${why}: ending ${rec.action} ${rec.target} (action ${rec.seq}); the link goes back to normal` })
          await this.book.undo(rec.seq)
        },
        (text) => void this.journal.append({ kind: 'engine', text }),
      )
      this.netCheckError = ''
    } catch (e) {
      // said once per distinct failure, not every 3 s
      const text = `checking network faults failed: ${(e as Error).message}`
      if (text !== this.netCheckError) this.journal.append({ kind: 'engine', text })
      this.netCheckError = text
      return
    } finally {
      this.netChecking = false
    }
  }

  close(): void {
    this.bootHealth.stop()
    clearInterval(this.ticker)
    clearInterval(this.netWatch)
    this.stopWatching?.()
    clearTimeout(this.refreshTimer)
  }

  engineStatus(): EngineStatus {
    return this.engine
  }

  status(): LabStatus {
    return this.snapshot
  }

  serverStatus(id: string): ServerStatus {
    const s = this.snapshot.servers.find((x) => x.id === id)
    if (!s) throw new LabError('NOT_FOUND', `no server "${id}" in topology ${this.topology.name}`)
    return s
  }

  requireEngine(): void {
    if (this.engine.state !== 'connected') throw new LabError(engineErrorCode(this.engine.state), this.engine.message)
  }

  /** Re-read containers from Docker (and images, once per engine connection) and publish what changed. */
  async refresh(): Promise<void> {
    if (this.refreshing) return this.refreshing
    this.refreshing = (async () => {
      try {
        const list = (await this.gateway.listContainers(this.labId)).filter((c) => c.labels[LABEL_SERVER])
        this.bootHealth.keepOnly(list.map((c) => c.id))
        this.bootHealth.watch(list)
        this.containers = new Map(list.map((c) => [c.labels[LABEL_SERVER]!, c]))
        // refresh runs on every container event; images change only through our builds (markBuilding)
        if (!this.imagesChecked) {
          await this.refreshImages()
          this.imagesChecked = true
        }
        this.publish()
      } catch (e) {
        this.engine = await this.gateway.status()
        this.bus.emit('engine.changed', this.engine)
        if (this.engine.state === 'connected') throw e
      } finally {
        this.refreshing = undefined
      }
    })()
    return this.refreshing
  }

  scheduleRefresh(delayMs = 20): void {
    clearTimeout(this.refreshTimer)
    this.refreshTimer = setTimeout(() => void this.refresh().catch(() => undefined), delayMs)
  }

  /** on: a build of tag started; off: it ended, with the image there or not */
  markBuilding(tag: string, on: boolean, built = false): void {
    if (on) this.building.add(tag)
    else {
      this.building.delete(tag)
      if (built) this.builtImages.add(tag)
    }
    this.publish()
  }

  setIntent(server: string, intent: DownIntent | undefined): void {
    if (intent) this.intents.set(server, intent)
    else this.intents.delete(server)
  }

  container(server: string): ContainerInfo | undefined {
    const c = this.containers.get(server)
    // read at each look, not at refresh: a start the engine's own check passed is healthy from that moment
    return c && this.bootHealth.view(c)
  }

  roleSpecOf(server: string): ReturnType<typeof roleSpec> {
    return roleSpec(this.located, this.placed, server, this.secrets, this.labId)
  }

  hookContext(server: string): HookContext {
    const c = roleContext(this.located, this.placed, server, this.secrets, this.labId)
    return { ...c, exec: (s, cmd, opts) => this.gateway.exec(containerName(this.labId, s), cmd, opts), labCa: () => this.caKeeper.get(), labMs: () => this.hardware?.labMs() ?? 0, logsSince: (s, sinceMs) => this.gateway.logs(containerName(this.labId, s), 100_000, sinceMs), pool: (s) => this.hardware?.status().pools.find((p) => p.server === s), progress: (text) => void this.journal.append({ kind: 'engine', target: `server:${server}`, text }), stateDir: this.o.stateDir }
  }

  /** After the hardware boots a server (or gives it a new, empty array): wait for health, then run the role's
   *  provisioning, as `up` would. In the background, so the tick loop never waits on a slow daemon; the
   *  provisioning itself takes its turn among the lab's actions. */
  afterBoot(server: string, containerId: string): void {
    const role = this.servers.get(server)?.server.role
    const hook = role ? roles[role]?.afterHealthy : undefined
    void waitHealthy(this.gateway, containerId, server, new AbortController().signal, undefined, this.bootHealth)
      // in the action queue: a resync or promote asked for meanwhile runs after it, never in the middle of it
      .then(() => hook && this.book.exclusive(() => hook(this.hookContext(server))))
      .catch((e: unknown) => this.journal.append({ kind: 'engine', target: `server:${server}`, text: `${server} did not come back healthy after boot: ${(e as Error).message}` }))
  }

  isMember(server: string): boolean {
    return this.members.has(server)
  }

  setMembers(ids: Iterable<string>, on: boolean): void {
    for (const id of ids) if (on) this.members.add(id); else this.members.delete(id)
    saveMembers(this.membersFile, this.members)
  }

  /** whether the hardware lets this server run (power, boot, data array) */
  hardwareAllows(server: string): { ok: boolean; why?: string } {
    const fx = this.hardware?.effects()[server]
    if (!fx || shouldRun(fx)) return { ok: true }
    const why = !fx.powered ? 'it has no power' : fx.booting ? 'it is still booting' : `its data array is ${fx.dataVolume}`
    return { ok: false, why }
  }

  /** Advance the physical model to now, journal what happened, and bring Docker in line. Serialised. */
  syncHardware(): Promise<void> {
    const hw = this.hardware
    if (!hw) return Promise.resolve()
    this.reconciling = this.reconciling.then(async () => {
      const reloaded = hw.reloadIfChanged()
      this.recordHardware(hw.tick())
      await this.applyEffects()
      if (reloaded) this.publish()
      else this.publishHardware()
    }).catch((e: unknown) => void this.journal.append({ kind: 'engine', text: `hardware sync failed: ${(e as Error).message}` }))
    return this.reconciling
  }

  /** every family's actions on the target (hardware, container, role), with why each is unavailable */
  actionsFor(target: string): Promise<ActionInfo[]> {
    return this.book.list(target)
  }

  /** every target with its actions (`racklab targets`) */
  targets(): Promise<TargetActions[]> {
    return this.book.targets()
  }

  private async roleActions(target: string, want?: string): Promise<RoleAction[]> {
    const m = /^server:(.+)$/.exec(target)
    const placed = m ? this.servers.get(m[1]!) : undefined
    const def = placed && roles[placed.server.role]
    if (!placed || !def || this.engine.state !== 'connected') return []
    const c = this.hookContext(placed.server.id)
    // every server has a firewall (firewall/): its block/unblock come after the role's own actions
    // a firewall that can't be read must not hide the role's own actions (a stopped imap1 still has fail-back, refused)
    // asked together: each is docker exec round trips, and every act lists its target's actions first
    // an act of another kind does not read the ruleset (an nft exec)
    const [own, firewall] = await Promise.all([
      def.actions ? def.actions(c, want) : [],
      want !== undefined && !FIREWALL_ACTIONS.includes(want) ? [] : firewallActions(c).catch(() => []),
    ])
    return [...own, ...firewall]
  }

  /** any action on any target, through the book: checked, ledgered with its inverse, journaled */
  async act(target: string, action: string, args: ActionArgs = {}): Promise<string> {
    const r = await this.book.run(target, action, args)
    await this.refresh()
    return r.text
  }

  /** the recorded inverse of action `seq` (default: the newest one that has one) */
  async undo(seq?: number): Promise<{ seq: number; undid: number; text: string }> {
    const r = await this.book.undo(seq)
    await this.refresh()
    return r
  }

  /** a hardware action on the model, then Docker brought in line; serialised with the clock's ticks */
  private async applyHardware(target: string, action: string): Promise<string> {
    const hw = this.hardware
    if (!hw) throw new LabError('NOT_FOUND', 'this lab runs without a hardware model (no catalogue)')
    let text = ''
    this.reconciling = this.reconciling.then(async () => {
      const r = hw.apply(target, action)
      text = r.text
      this.recordHardware(r.events.filter((e) => e.kind !== 'action'))
      await this.applyEffects()
      this.publish()
    })
    await this.reconciling
    return text
  }

  private recordHardware(events: HardwareEvent[]): void {
    for (const e of events) this.journal.append({ kind: 'state', target: e.target, text: e.text, labMs: e.labMs, ...(e.data === undefined ? {} : { data: e.data }) })
  }

  private async applyEffects(): Promise<void> {
    if (!this.hardware || this.engine.state !== 'connected') return
    const now = this.hardware.effects()
    const before = this.applied.before(now)
    if (await reconcile(this, before, now)) this.publish()
    this.applied.save(now)
  }

  private lastHardwarePublish = 0
  private publishHardware(): void {
    // rebuild %, amps: publish at most every 2 s when nothing discrete happened
    if (Date.now() - this.lastHardwarePublish < 2000) return
    this.lastHardwarePublish = Date.now()
    this.publish()
  }

  up(only?: string[], signal?: AbortSignal): StartedOp {
    this.requireEngine()
    for (const id of only ?? []) if (!this.servers.has(id)) throw new LabError('NOT_FOUND', `no server "${id}" in topology ${this.topology.name}`)
    return this.ops.start('up', (op) => runUp(this, op, only), signal)
  }

  down(volumes: boolean, signal?: AbortSignal): StartedOp {
    this.requireEngine()
    return this.ops.start('down', async (op) => {
      const networksLeft = await runDown(this, op, volumes)
      releaseSubnets(this.o.stateDir)
      // a lab that is down has no physical history: the next up finds a fresh, fully powered site
      this.setMembers([...this.members], false)
      this.actionLedger.clear()
      this.intents.clear()
      // kept volumes keep backup1's backups, named by lab time: the clock and the nights counted on it go on
      this.hardware?.reset(!volumes)
      if (volumes) this.nightly.reset()
      if (this.hardware) this.applied.save(this.hardware.effects())
      this.publish()
      // its containers are gone; what is left (a network Docker would not remove) is said with how to clear it
      if (networksLeft) throw networksLeft
    }, signal)
  }

  /** Start/Stop/Kill…: container actions of the book (ledgered like every other action) */
  async control(server: string, op: ServerOp): Promise<ServerStatus> {
    this.requireEngine()
    this.serverStatus(server)
    await this.act(`server:${server}`, op)
    return this.serverStatus(server)
  }

  /** the server's firewall: what its role lets in, and the ports blocked now (read live while it runs) */
  async firewall(server: string): Promise<FirewallView> {
    const s = this.serverStatus(server)
    return firewallView(this.hookContext(server), this.engine.state === 'connected' && s.state === 'running')
  }

  async logs(server: string, tail: number): Promise<string> {
    this.requireEngine()
    this.serverStatus(server)
    const c = this.containers.get(server)
    if (!c) throw new LabError('REFUSED', `${server} has no container yet: run up first`)
    return this.gateway.logs(c.id, tail)
  }

  /** the lab CA's certificate, from the engine's state (made now if the lab has none yet) */
  async labCa(): Promise<LabCa> {
    return labCaInfo(await this.caKeeper.get())
  }

  endpoints(): Endpoint[] {
    const out: Endpoint[] = []
    for (const [id, c] of this.containers) {
      const spec = this.roleSpecOf(id)
      for (const [port, service] of Object.entries(spec?.publish ?? {})) {
        const hostPort = c.ports[port]
        if (hostPort) out.push({ service, host: '127.0.0.1', port: hostPort, server: id })
      }
    }
    return out.sort((a, b) => a.service.localeCompare(b.service) || a.server.localeCompare(b.server))
  }

  private async refreshImages(): Promise<void> {
    const tags = new Set<string>()
    for (const p of this.servers.values()) {
      const ref = this.images.role(p.server.role)
      if (ref) tags.add(ref.tag)
    }
    const built = new Set<string>()
    await Promise.all([...tags].map(async (t) => (await this.gateway.imageExists(t)) && built.add(t)))
    this.builtImages = built
  }

  private publish(): void {
    const next = this.compose()
    if (JSON.stringify(next) === JSON.stringify(this.snapshot)) return
    // the first look after start is adoption, not a change of state
    const before = new Map(this.adopted ? this.snapshot.servers.map((s) => [s.id, s]) : [])
    this.adopted = true
    this.snapshot = next
    for (const s of next.servers) {
      const b = before.get(s.id)
      if (b && (b.state !== s.state || b.health !== s.health))
        this.journal.append({ kind: 'state', target: `server:${s.id}`, text: `${s.id}: ${b.state}/${b.health} → ${s.state}/${s.health}`, data: { state: s.state, health: s.health } })
    }
    this.bus.emit('lab.changed', next)
  }

  private compose(): LabStatus {
    const servers: ServerStatus[] = []
    const fx = this.hardware?.effects() ?? {}
    for (const p of this.servers.values()) {
      const ref = this.images.role(p.server.role)
      const imageState = !ref ? 'no-image' : this.building.has(ref.tag) ? 'building' : this.builtImages.has(ref.tag) ? 'built' : 'missing'
      servers.push(serverStatus(p, ref?.tag ?? `racklab/${p.server.role}`, imageState, this.container(p.server.id), this.intents.get(p.server.id), fx[p.server.id]))
    }
    // without an engine we know the plan, not the state: say so rather than show "absent"
    if (this.engine.state !== 'connected') for (const x of servers) if (x.imageState !== 'no-image') x.detail = `state unknown: ${this.engine.message}`
    const op = this.ops.active()
    return { labId: this.labId, topology: this.topology.name, engine: this.engine, servers, subnets: this.subnets(), ...(op ? { op } : {}), ...(this.hardware ? { hardware: this.hardware.status() } : {}) }
  }
}
