// The live hardware model of one lab: rebuilt from the ledger, advanced by the lab clock, changed by actions.
import { join } from 'node:path'
import type { ActionInfo } from '@contract/status'
import type { Topology } from '@contract/topology'
import { HardwareModel, loadCatalog, type Catalog, type Effects, type HardwareEvent, type HardwareStatus, type LabClock } from '../hardware/index'
import { labTimeAt, siteHeaderAfterDown } from './lab-time'
import { Ledger, type LedgerHeader } from './ledger'

/** Lab time from the ledger's epoch, or a fixed time while the ledger is replayed. */
class LedgerClock implements LabClock {
  replayAt: number | undefined
  constructor(private readonly ledger: Ledger) {}
  now(): number {
    if (this.replayAt !== undefined) return this.replayAt
    return labTimeAt(this.ledger.header, Date.now())
  }
}

export class HardwareRuntime {
  readonly ledger: Ledger
  private readonly clock: LedgerClock
  private readonly catalog: Catalog
  model!: HardwareModel

  constructor(
    private readonly topology: Topology,
    stateDir: string,
    catalogFile: string,
  ) {
    this.catalog = loadCatalog(catalogFile)
    this.ledger = new Ledger(join(stateDir, 'hardware-ledger.jsonl'), () => this.freshHeader())
    this.clock = new LedgerClock(this.ledger)
    this.rebuild()
  }

  /** Replay the ledger from the site's start (lab time 0, or where a `down` keeping volumes left the clock): the
   *  same actions at the same lab times give the same state. */
  rebuild(): void {
    this.clock.replayAt = this.ledger.header.startLabMs ?? 0
    const model = new HardwareModel(this.topology, this.catalog, { clock: this.clock, seed: this.ledger.header.seed })
    for (const e of this.ledger.entries) {
      this.clock.replayAt = e.labMs
      model.tick(e.labMs)
      try {
        model.apply({ target: e.target, action: e.action })
      } catch {
        // an entry the model refuses now (e.g. a topology edited since) is skipped, not fatal
      }
    }
    this.clock.replayAt = undefined
    model.tick()
    this.model = model
  }

  /** Another process (the CLI) acted on this lab: pick its actions up. Returns true when it did. */
  reloadIfChanged(): boolean {
    if (!this.ledger.changedOnDisk()) return false
    this.ledger.read()
    this.rebuild()
    return true
  }

  labMs(): number {
    return this.model.labMs
  }

  tick(): HardwareEvent[] {
    return this.model.tick()
  }

  apply(target: string, action: string): { text: string; events: HardwareEvent[] } {
    this.reloadIfChanged()
    const r = this.model.apply({ target, action })
    this.ledger.append({ labMs: this.model.labMs, target, action })
    return { text: r.text, events: r.events }
  }

  actionsFor(target: string): ActionInfo[] {
    this.reloadIfChanged()
    return this.model.actionsFor(target)
  }

  status(): HardwareStatus {
    return this.model.status()
  }

  effects(): Effects {
    return this.model.effects()
  }

  /** A fresh site: everything powered, no actions (after `down`). `keepTime` (the data volumes were kept): the lab
   *  clock goes on from where it is, so backups taken after it sort after those taken before. */
  reset(keepTime = false): void {
    // the header on disk: another process (the CLI) may have started a site since this one read it
    this.reloadIfChanged()
    this.ledger.reset(siteHeaderAfterDown(this.ledger.header, Date.now(), { speed: this.topology.clock.speed, seed: this.topology.seed, keepTime }))
    this.rebuild()
  }

  private freshHeader(): LedgerHeader {
    return { epochWall: Date.now(), speed: this.topology.clock.speed, seed: this.topology.seed }
  }
}

export const catalogPath = (root: string): string => join(root, 'resources/hardware/catalog.yaml')
