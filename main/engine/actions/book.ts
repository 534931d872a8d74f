// The action book: every family's actions behind one list/run/undo. Actions run one at a time within their
// lane, each checked when its turn comes, so two clients racing get one success and one refusal with its reason,
// and the ledger stays in order. Each action is in the ledger before it runs.
// Two lanes: the physical one (power, disks, cables, network faults, container start/stop: seconds each) and the
// service one (role actions: a backup, a restore, a promote, which can take minutes). A cable pulled or a circuit
// tripped while a backup runs happens at once, as it would in the room, instead of waiting for the backup (the
// nightly one too) to end; the backup then meets the fault, which is what a restore drill is for. Undo, the
// resume after an engine restart and exclusive work (provisioning) wait for both lanes and hold both.
import { LabError } from '@contract/lab-error'
import type { ActionInfo } from '@contract/status'
import { checkActionArgs } from '../lab/action-args'
import type { ActionLedger, LedgerRecord } from './action-ledger'
import { resolveInverse } from './inverses'
import type { ActionSource, ActionSpec } from './types'

/** target listings at once in targets() */
const LISTING_CONCURRENCY = 4

export interface BookDeps {
  sources: ActionSource[]
  ledger: ActionLedger
  labMs(): number
  /** one line in the journal for a finished action */
  journal(rec: LedgerRecord, text: string, ok: boolean): void
  /** fault injection for the crash tests: wait this long between ledgering an action and running it */
  holdAfterBeginMs?: number
}

export interface TargetActions {
  target: string
  actions: ActionInfo[]
}

export const info = (a: ActionSpec, family?: ActionInfo['family']): ActionInfo => ({
  id: a.id,
  label: a.label,
  kind: a.kind,
  enabled: !a.refused,
  ...(a.refused ? { reason: a.refused } : {}),
  ...(a.params ? { params: a.params } : {}),
  ...(family ? { family } : {}),
})

type Lane = 'physical' | 'service'
const PHYSICAL_FAMILIES: ReadonlySet<ActionSource['family']> = new Set(['hardware', 'network', 'container'])
const ALL_LANES: readonly Lane[] = ['physical', 'service']

export class ActionBook {
  private readonly queues: Record<Lane, Promise<unknown>> = { physical: Promise.resolve(), service: Promise.resolve() }
  /** lanes are chosen one request at a time, in the order they came (inTurn) */
  private arrival: Promise<unknown> = Promise.resolve()

  constructor(private readonly d: BookDeps) {}

  /** every family's actions on the target (with `want`, sources may list only that one); NOT_FOUND when no
   *  family knows it. The sources are asked at once (a role's listing is docker execs; in the sources' order
   *  they were round trips in a row before every act) and their lists kept in the sources' order. */
  async specs(target: string, want?: string): Promise<{ family: ActionSource['family']; spec: ActionSpec }[]> {
    const out: { family: ActionSource['family']; spec: ActionSpec }[] = []
    let firstError: unknown
    let known = false
    const lists = await Promise.allSettled(this.d.sources.map((src) => src.actions(target, want)))
    lists.forEach((r, i) => {
      if (r.status === 'rejected') firstError ??= r.reason
      else if (r.value) {
        known = true
        out.push(...r.value.map((spec) => ({ family: this.d.sources[i]!.family, spec })))
      }
    })
    if (!known) throw firstError ?? new LabError('NOT_FOUND', `unknown target "${target}" (racklab targets lists them)`)
    return out
  }

  async list(target: string): Promise<ActionInfo[]> {
    return (await this.specs(target)).map((x) => info(x.spec, x.family))
  }

  /** every target's actions, in the sources' order. Listed a few at a time: one after the other, the servers' role
   *  listings (each docker exec round trips, seconds apiece under load) added up to the palette's 45 s wait on a
   *  loaded machine; all at once would be an exec storm */
  async targets(): Promise<TargetActions[]> {
    const names = [...new Set(this.d.sources.flatMap((s) => s.targets()))]
    const out: TargetActions[] = new Array(names.length)
    let next = 0
    const worker = async (): Promise<void> => {
      for (let i = next++; i < names.length; i = next++) out[i] = { target: names[i]!, actions: await this.list(names[i]!).catch(() => []) }
    }
    await Promise.all(Array.from({ length: Math.min(LISTING_CONCURRENCY, names.length) }, worker))
    return out
  }

  /** check, ledger, run, close the ledger entry; serialised with every other action of its lane */
  run(target: string, action: string, args: Record<string, string> = {}, undoes?: number): Promise<{ seq: number; text: string }> {
    return this.inTurn(async () => [await this.laneOf(target, action)], () => this.runNow(target, action, args, undoes))
  }

  /** The lane of the family that runs it (runNow takes the first source listing it, in the same order). The role
   *  source is not asked: its listing reads the servers (seconds under load) and its targets are servers, on which
   *  no network fault lives; an action no physical source lists is a service one. */
  private async laneOf(target: string, action: string): Promise<Lane> {
    for (const src of this.d.sources) {
      if (!PHYSICAL_FAMILIES.has(src.family)) continue
      const list = await src.actions(target, action).catch(() => undefined)
      if (list?.some((a) => a.id === action)) return 'physical'
    }
    return 'service'
  }

  /** fn runs once every lane it names is free, and each of them waits for it. Lanes are chosen in arrival order
   *  (one after the other, each a quick look), so work asked for first is queued first in every lane it shares. */
  private inTurn<T>(lanes: readonly Lane[] | (() => Promise<readonly Lane[]>), fn: () => Promise<T>): Promise<T> {
    const queued = this.arrival.then(async () => {
      const ls = typeof lanes === 'function' ? await lanes() : lanes
      const turn = Promise.all(ls.map((l) => this.queues[l])).then(fn)
      for (const l of ls) this.queues[l] = turn.catch(() => undefined)
      // wrapped: the arrival chain waits for the queueing, never for the work
      return { turn }
    })
    this.arrival = queued.then(() => undefined, () => undefined)
    return queued.then((q) => q.turn)
  }

  private async runNow(target: string, action: string, args: Record<string, string>, undoes?: number): Promise<{ seq: number; text: string }> {
    const found = (await this.specs(target, action)).find((x) => x.spec.id === action)
    if (!found) {
      // the whole list, for a message that names what there is
      const all = await this.specs(target)
      throw new LabError('NOT_FOUND', `${target} has no action "${action}"; it has: ${all.map((x) => x.spec.id).join(', ')}`)
    }
    const { spec, family } = found
    checkActionArgs(`${action} ${target}`, spec.params ?? [], args)
    if (spec.refused) throw new LabError('REFUSED', `cannot ${action} ${target}: ${spec.refused}`, { target, action, reason: spec.refused })
    const rec = this.d.ledger.begin({ labMs: this.d.labMs(), target, action, args, family, inverse: resolveInverse(spec.inverse, args), ...(undoes ? { undoes } : {}) })
    if (this.d.holdAfterBeginMs) await new Promise((r) => setTimeout(r, this.d.holdAfterBeginMs))
    try {
      const text = await spec.run(args)
      this.d.ledger.end(rec, true, text)
      this.d.journal(rec, text, true)
      return { seq: rec.seq, text }
    } catch (e) {
      const text = (e as Error).message
      this.d.ledger.end(rec, false, text)
      this.d.journal(rec, text, false)
      throw e
    }
  }

  /** Work that must not interleave with actions (a role's provisioning after a boot switches Cyrus roles, as
   *  promote and resync do): it waits for the action running now, and the next action waits for it. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.inTurn(ALL_LANES, fn)
  }

  /** apply the recorded inverse of action `seq` (default: the newest action not yet undone that has one). It
   *  is chosen in its turn, once the actions before it have ended: an action still running (or being finished
   *  after an engine restart) is the one a bare undo means, not an older one. */
  undo(seq?: number): Promise<{ seq: number; undid: number; text: string }> {
    return this.inTurn(ALL_LANES, async () => {
      const recs = this.d.ledger.list()
      const undone = new Set(recs.map((r) => r.undoes).filter((n): n is number => n !== undefined))
      const rec =
        seq !== undefined
          ? recs.find((r) => r.seq === seq)
          : [...recs].reverse().find((r) => r.result?.ok && r.undoes === undefined && !undone.has(r.seq) && 'action' in r.inverse)
      if (!rec) throw new LabError('NOT_FOUND', seq !== undefined ? `no action ${seq} in the ledger (racklab journal lists actions)` : 'nothing to undo: no action with a way back since the lab came up')
      if (!rec.result?.ok) throw new LabError('REFUSED', `action ${rec.seq} (${rec.action} ${rec.target}) did not succeed; there is nothing to undo`)
      if (undone.has(rec.seq)) throw new LabError('REFUSED', `action ${rec.seq} (${rec.action} ${rec.target}) was already undone`)
      if ('none' in rec.inverse) throw new LabError('REFUSED', `${rec.action} ${rec.target} has no inverse: ${rec.inverse.none}`)
      const r = await this.runNow(rec.target, rec.inverse.action, rec.inverse.args ?? {}, rec.seq)
      return { seq: r.seq, undid: rec.seq, text: r.text }
    })
  }

  /** Actions the engine was running when it died: run each again (they are idempotent or refuse when already
   *  done), and close their entries, so the lab converges to what the ledger says was asked. */
  resumeInterrupted(): Promise<string[]> {
    // in the queue like any action: one a client asks for meanwhile waits until these are finished
    return this.inTurn(ALL_LANES, () => this.finishInterrupted())
  }

  private async finishInterrupted(): Promise<string[]> {
    const out: string[] = []
    for (const rec of this.d.ledger.interrupted()) {
      let text: string
      let ok = true
      try {
        const spec = (await this.specs(rec.target, rec.action)).find((x) => x.spec.id === rec.action)?.spec
        if (!spec) text = `${rec.action} no longer exists on ${rec.target}`
        else if (spec.refused) text = `already in place (${spec.refused})`
        else text = await spec.run(rec.args)
      } catch (e) {
        ok = false
        text = (e as Error).message
      }
      this.d.ledger.end(rec, ok, `resumed after an engine restart: ${text}`)
      this.d.journal(rec, `resumed after an engine restart: ${text}`, ok)
      out.push(`${rec.action} ${rec.target}: ${text}`)
    }
    return out
  }
}
