// Network faults without netem, as actions of the book (family "network"): latency and jitter through the
// delay proxy, packet loss with the iptables statistic match, a bandwidth cap with tbf, and a partition
// between two racks on one network. Each is applied by the netfault sidecar inside the servers' own network
// namespaces (sidecar.ts), refused with the reason when this host lacks the mechanism (mechanisms.ts), and
// recorded only in the action ledger, with its inverse (active-faults.ts). A fault is never left half-applied:
// the watcher (check) re-applies a server's part after that server restarted, and ends a latency fault whose
// delay proxy died, which restores the link.
import { LabError } from '@contract/errors'
import type { ActionParam } from '@contract/status'
import type { LedgerRecord } from '../actions/action-ledger'
import type { ContainerInfo } from '../docker/types'
import type { PlacedServer } from '../topology/queries'
import { activeFaults, faultKey, type FaultKind } from './active-faults'
import { unavailable, type Mechanism, type Mechanisms } from './mechanisms'
import * as sh from './scripts'
import type { NetfaultSidecars } from './sidecar'

export interface NetFaultDeps {
  sidecars: Pick<NetfaultSidecars, 'mechanisms' | 'run' | 'current'>
  servers(): Map<string, PlacedServer>
  container(server: string): ContainerInfo | undefined
  ledger(): readonly LedgerRecord[]
}

export interface FaultAction {
  id: string
  label: string
  kind: 'break' | 'restore'
  params?: ActionParam[]
  refused?: string
  run(args: Record<string, string>): Promise<string>
}

/** one server's share of a fault: where it applies and the scripts that apply and remove it */
interface Part {
  server: string
  link: sh.LinkRef
  add(ipt: string): string
  remove(ipt: string): string
}

const NEEDS: Record<FaultKind, Mechanism[]> = {
  latency: ['iptables', 'redirect', 'ss-kill'],
  loss: ['iptables', 'statistic'],
  bandwidth: ['tbf'],
  partition: ['iptables', 'filter'],
}
const MS = ['0', '10', '50', '100', '200', '400', '800', '1500', '3000']
const JITTER = ['0', '5', '20', '50', '100', '200']
const PERCENT = ['1', '2', '5', '10', '25', '50', '100']
const KBIT = ['64', '256', '1024', '10240', '102400']
const param = (id: string, label: string, choices: string[], optional = false): ActionParam => ({ id, label, choices, optional })

export class NetFaults {
  constructor(private readonly d: NetFaultDeps) {}

  /** every target with network faults: each server's cables, and each rack */
  targets(): string[] {
    const cables = [...this.d.servers()].flatMap(([id, p]) => p.server.nics.map((n) => `cable:${id}/${n.network}`))
    const racks = [...new Set([...this.d.servers().values()].map((p) => p.rackId))].map((r) => `rack:${r}`)
    return [...cables, ...racks]
  }

  active(): ReturnType<typeof activeFaults> {
    return activeFaults(this.d.ledger())
  }

  /** the fault actions on a target, undefined when it is not a cable or rack of this lab */
  async actions(target: string): Promise<FaultAction[] | undefined> {
    const cable = /^cable:([^/]+)\/(.+)$/.exec(target)
    if (cable) {
      const p = this.d.servers().get(cable[1]!)
      if (!p?.server.nics.some((n) => n.network === cable[2])) return undefined
      return this.cableActions(target, cable[1]!, cable[2]!)
    }
    const rack = /^rack:(.+)$/.exec(target)
    if (rack && [...this.d.servers().values()].some((p) => p.rackId === rack[1])) return this.rackActions(target, rack[1]!)
    return undefined
  }

  private async why(kind: FaultKind): Promise<{ m?: Mechanisms; refused?: string }> {
    try {
      const m = await this.d.sidecars.mechanisms()
      const refused = unavailable(m, NEEDS[kind])
      return refused ? { m, refused } : { m }
    } catch (e) {
      return { refused: `network faults can't be checked on this host yet: ${(e as Error).message}` }
    }
  }

  private link(server: string, network: string): sh.LinkRef {
    const nics = this.d.servers().get(server)?.server.nics ?? []
    const index = nics.findIndex((n) => n.network === network)
    if (index < 0) throw new LabError('NOT_FOUND', `${server} has no ${network} cable`)
    return { network, ip: nics[index]!.ip, index }
  }

  private async cableActions(target: string, server: string, network: string): Promise<FaultAction[]> {
    const on = this.active()
    const c = this.d.container(server)
    const down = c?.running ? undefined : `${server} is not running: a network fault lives in its running container's network namespace`
    const out: FaultAction[] = []
    const defs: { kind: FaultKind; add: string; remove: string; label: string; unlabel: string; params: ActionParam[] }[] = [
      { kind: 'latency', add: 'add-latency', remove: 'remove-latency', label: `Delay the TCP connections ${server} opens over this cable (ms each way, + jitter), through the delay proxy`, unlabel: 'Remove the delay', params: [param('ms', 'added delay each way (ms)', MS), param('jitter', 'extra random delay up to (ms)', JITTER, true)] },
      { kind: 'loss', add: 'add-loss', remove: 'remove-loss', label: `Drop packets at random on this cable, each way (iptables statistic)`, unlabel: 'Stop dropping packets', params: [param('percent', 'share of packets dropped (%)', PERCENT)] },
      { kind: 'bandwidth', add: 'limit-bandwidth', remove: 'unlimit-bandwidth', label: `Limit what ${server} sends over this cable (tbf)`, unlabel: 'Remove the bandwidth limit', params: [param('kbit', 'rate (kbit/s)', KBIT)] },
    ]
    for (const def of defs) {
      const { m, refused } = await this.why(def.kind)
      const existing = on.get(faultKey(target, def.kind, {}))
      const parts = (args: Record<string, string>): Part[] => [this.cablePart(def.kind, server, this.link(server, network), args)]
      const addRefused = refused ?? down ?? (existing ? `already in place since action ${existing.seq} (${existing.action}${fmt(existing.args)}): remove it first` : undefined)
      out.push({
        id: def.add,
        label: def.label,
        kind: 'break',
        params: def.params,
        ...(addRefused ? { refused: addRefused } : {}),
        run: async (args) => `${describe(def.kind, target, args)}: ${await this.applyParts(parts(args), m!)}`,
      })
      out.push({
        id: def.remove,
        label: def.unlabel,
        kind: 'restore',
        ...(refused ? { refused } : existing ? {} : { refused: `no ${def.kind} fault on ${target}` }),
        run: async () => `back to normal: ${await this.removeParts(parts(existing?.args ?? {}), m!)}`,
      })
    }
    return out
  }

  private cablePart(kind: FaultKind, server: string, link: sh.LinkRef, args: Record<string, string>): Part {
    const n = (k: string, dflt?: number): number => {
      const v = args[k] ?? (dflt !== undefined ? String(dflt) : undefined)
      if (v === undefined || !/^\d+$/.test(v)) throw new LabError('BAD_INPUT', `${k}=${v ?? ''} is not a whole number`)
      return Number(v)
    }
    switch (kind) {
      case 'latency':
        return { server, link, add: (ipt) => sh.addLatency(ipt, link, n('ms'), n('jitter', 0)), remove: (ipt) => sh.removeLatency(ipt, link) }
      case 'loss':
        return { server, link, add: (ipt) => sh.addLoss(ipt, link, n('percent')), remove: (ipt) => sh.removeLoss(ipt, link) }
      case 'bandwidth':
        return { server, link, add: () => sh.addBandwidth(link, n('kbit')), remove: () => sh.removeBandwidth(link) }
      default:
        throw new LabError('BAD_INPUT', `${kind} is not a cable fault`)
    }
  }

  private rackActions(target: string, rack: string): FaultAction[] | Promise<FaultAction[]> {
    return (async () => {
      const { m, refused } = await this.why('partition')
      const servers = this.d.servers()
      const others = [...new Set([...servers.values()].map((p) => p.rackId))].filter((r) => r !== rack)
      const nets = [...new Set([...servers.values()].filter((p) => p.rackId === rack).flatMap((p) => p.server.nics.map((n) => n.network)))]
      const params = [param('from', 'the other side', others), param('network', 'on which network', nets)]
      const existing = (args: Record<string, string>): LedgerRecord | undefined => this.active().get(faultKey(target, 'partition', args))
      const anyActive = [...this.active().values()].filter((r) => r.kind === 'partition' && (r.target === target || r.args.from === rack))
      return [
        {
          id: 'partition',
          label: `Partition rack ${rack} from another rack on one network (each side keeps working inside)`,
          kind: 'break',
          params,
          ...(refused ? { refused } : {}),
          run: async (args) => {
            const was = existing(args)
            if (was) throw new LabError('REFUSED', `already partitioned by action ${was.seq}: heal it first`)
            return `partitioned ${rack} from ${args.from} on ${args.network}: ${await this.applyParts(this.partitionParts(rack, args), m!)}`
          },
        },
        {
          id: 'heal-partition',
          label: 'Heal a partition between this rack and another',
          kind: 'restore',
          params,
          ...(refused ? { refused } : anyActive.length ? {} : { refused: `rack ${rack} is not partitioned` }),
          run: async (args) => {
            if (!existing(args)) throw new LabError('REFUSED', `${rack} and ${args.from} are not partitioned on ${args.network}`)
            return `healed the partition between ${rack} and ${args.from} on ${args.network}: ${await this.removeParts(this.partitionParts(rack, args), m!)}`
          },
        },
      ]
    })()
  }

  /** every server of both racks on the network drops the other side's addresses: a server that is down
   *  now is still cut off by the other side's rules when it comes back */
  private partitionParts(rack: string, args: Record<string, string>): Part[] {
    const network = args.network ?? ''
    const from = args.from ?? ''
    if (from === rack) throw new LabError('BAD_INPUT', `a rack can't be partitioned from itself (from=${from})`)
    const on = (r: string): { id: string; ip: string }[] =>
      [...this.d.servers()].filter(([, p]) => p.rackId === r).flatMap(([id, p]) => p.server.nics.filter((n) => n.network === network).map((n) => ({ id, ip: n.ip })))
    const a = on(rack)
    const b = on(from)
    if (!a.length || !b.length) throw new LabError('REFUSED', `${!a.length ? rack : from} has no server on network ${network}`)
    const part = (s: { id: string }, peers: { ip: string }[]): Part => {
      const link = this.link(s.id, network)
      return { server: s.id, link, add: (ipt) => sh.addPartition(ipt, link, peers.map((x) => x.ip)), remove: (ipt) => sh.removePartition(ipt, link) }
    }
    return [...a.map((s) => part(s, b)), ...b.map((s) => part(s, a))]
  }

  /** apply on every running server (each first cleared of any leftover of the same fault); a failure removes
   *  what was applied, so the fault is all there or not at all */
  private async applyParts(parts: Part[], m: Mechanisms): Promise<string> {
    const ipt = m.iptables ?? 'iptables'
    const running = parts.filter((p) => this.d.container(p.server)?.running)
    if (!running.length) throw new LabError('REFUSED', `none of ${parts.map((p) => p.server).join(', ')} is running`)
    const done: Part[] = []
    try {
      const ifs = await Promise.all(
        running.map(async (p) => {
          const r = await this.d.sidecars.run(p.server, this.d.container(p.server)!, `${p.remove(ipt)}\nset -e\n${p.add(ipt)}`)
          done.push(p)
          return `${p.server} ${r.stdout.trim().split('\n').pop() ?? ''}`
        }),
      )
      const skipped = parts.filter((p) => !running.includes(p)).map((p) => p.server)
      return `applied on ${ifs.join(', ')}${skipped.length ? `; not running, so not applied: ${skipped.join(', ')}` : ''}`
    } catch (e) {
      await this.removeParts(done, m).catch(() => undefined)
      throw e
    }
  }

  private async removeParts(parts: Part[], m: Mechanisms): Promise<string> {
    const ipt = m.iptables ?? 'iptables'
    const running = parts.filter((p) => this.d.container(p.server)?.running)
    await Promise.all(running.map((p) => this.d.sidecars.run(p.server, this.d.container(p.server)!, p.remove(ipt))))
    return running.length ? `removed on ${running.map((p) => p.server).join(', ')}` : 'nothing running held it'
  }

  /** The watcher's round: what broke and what was re-applied. `end` is called for a fault that must end
   *  (its delay proxy died): the caller undoes it through the book, so the ledger records the way back. */
  async check(end: (rec: LedgerRecord, why: string) => Promise<void>, note: (text: string) => void): Promise<void> {
    const on = [...this.active().values()]
    if (!on.length) return
    const m = await this.d.sidecars.mechanisms().catch(() => undefined)
    if (!m) return
    const ipt = m.iptables ?? 'iptables'
    for (const rec of on) {
      const parts = rec.kind === 'partition' ? this.partitionParts(rec.target.replace(/^rack:/, ''), rec.args) : [this.cablePartOf(rec)]
      for (const p of parts) {
        const c = this.d.container(p.server)
        if (!c?.running) continue
        if (!(await this.d.sidecars.current(p.server, c))) {
          await this.d.sidecars.run(p.server, c, `${p.remove(ipt)}\nset -e\n${p.add(ipt)}`)
          note(`${p.server} came back with a fresh network namespace: re-applied ${rec.action}${fmt(rec.args)} ${rec.target} (action ${rec.seq})`)
          continue
        }
        if (rec.kind === 'latency') {
          const r = await this.d.sidecars.run(p.server, c, sh.latencyAlive(p.link))
          if (r.stdout.trim() !== 'alive') await end(rec, `the delay proxy on ${p.server} (${p.link.network}) died`)
        }
      }
    }
  }

  private cablePartOf(rec: LedgerRecord & { kind: FaultKind }): Part {
    const m = /^cable:([^/]+)\/(.+)$/.exec(rec.target)
    if (!m) throw new LabError('BAD_INPUT', `${rec.target} is not a cable`)
    return this.cablePart(rec.kind, m[1]!, this.link(m[1]!, m[2]!), rec.args)
  }
}

const fmt = (args: Record<string, string>): string => Object.entries(args).map(([k, v]) => ` ${k}=${v}`).join('')

function describe(kind: FaultKind, target: string, args: Record<string, string>): string {
  switch (kind) {
    case 'latency':
      return `${target} delayed ${args.ms} ms each way${args.jitter && args.jitter !== '0' ? ` (+ up to ${args.jitter} ms jitter)` : ''}`
    case 'loss':
      return `${target} drops ${args.percent} % of packets each way`
    case 'bandwidth':
      return `${target} sends at most ${args.kbit} kbit/s`
    default:
      return target
  }
}
