// Targets and their actions. A target is "kind:id" or "kind:id/sub" (circuit:nyi-1-a, psu:db1/1, disk:raid1/3).
// Every action says why it cannot run right now; running a refused action throws REFUSED and changes nothing.
import type { ActionInfo } from '@contract/status'
import { LabError } from '@contract/errors'
import type { Emit } from './events.ts'
import type { HwState } from './state.ts'

export interface ActionCtx {
  s: HwState
  emit: Emit
}

export interface ActionDef<R> {
  id: string
  label: string
  kind: ActionInfo['kind']
  /** why the action cannot run now, or undefined when it can */
  refuse(ctx: ActionCtx, ref: R): string | undefined
  /** does it and says what was done, in one sentence */
  run(ctx: ActionCtx, ref: R): string
}

interface BoundAction {
  info: Omit<ActionInfo, 'enabled' | 'reason'>
  refuse(): string | undefined
  run(): string
}

export interface TargetKind {
  prefix: string
  /** every target of this kind in the lab */
  list(s: HwState): string[]
  bind(ctx: ActionCtx, rest: string): BoundAction[] | undefined
}

export function defineTarget<R>(
  prefix: string,
  resolve: (s: HwState, rest: string) => R | undefined,
  list: (s: HwState) => string[],
  defs: readonly ActionDef<R>[],
): TargetKind {
  return {
    prefix,
    list: (s) => list(s).map((rest) => `${prefix}:${rest}`),
    bind(ctx, rest) {
      const ref = resolve(ctx.s, rest)
      if (ref === undefined) return undefined
      return defs.map((d) => ({ info: { id: d.id, label: d.label, kind: d.kind }, refuse: () => d.refuse(ctx, ref), run: () => d.run(ctx, ref) }))
    },
  }
}

/** Reuses actions written for one reference type on a target that resolves to another. */
export function mapRef<A, B>(defs: readonly ActionDef<A>[], to: (ctx: ActionCtx, b: B) => A): ActionDef<B>[] {
  return defs.map((d) => ({ ...d, refuse: (ctx, b) => d.refuse(ctx, to(ctx, b)), run: (ctx, b) => d.run(ctx, to(ctx, b)) }))
}

/** "a/b" → ["a", "b"]; undefined unless there are exactly two non-empty parts. */
export function splitPair(rest: string): [string, string] | undefined {
  const i = rest.indexOf('/')
  if (i <= 0 || i === rest.length - 1) return undefined
  return [rest.slice(0, i), rest.slice(i + 1)]
}

export class ActionRegistry {
  constructor(private readonly kinds: readonly TargetKind[]) {}

  targets(s: HwState): string[] {
    return this.kinds.flatMap((k) => k.list(s))
  }

  private bind(ctx: ActionCtx, target: string): BoundAction[] {
    const colon = target.indexOf(':')
    const prefix = colon < 0 ? target : target.slice(0, colon)
    const kind = this.kinds.find((k) => k.prefix === prefix)
    if (kind === undefined) {
      const known = this.kinds.map((k) => k.prefix).join(', ')
      throw new LabError('NOT_FOUND', `unknown target "${target}": a target looks like kind:id, with kind one of ${known}`)
    }
    const bound = colon < 0 ? undefined : kind.bind(ctx, target.slice(colon + 1))
    if (bound === undefined) throw new LabError('NOT_FOUND', `no ${prefix} "${target.slice(colon + 1)}" in this lab`)
    return bound
  }

  actionsFor(ctx: ActionCtx, target: string): ActionInfo[] {
    return this.bind(ctx, target).map((a) => {
      const reason = a.refuse()
      return reason === undefined ? { ...a.info, enabled: true } : { ...a.info, enabled: false, reason }
    })
  }

  /** Checks, then runs. Throws NOT_FOUND for an unknown target or action, REFUSED (state untouched) when impossible now. */
  run(ctx: ActionCtx, target: string, action: string): string {
    const bound = this.bind(ctx, target)
    const a = bound.find((x) => x.info.id === action)
    if (a === undefined) {
      throw new LabError('NOT_FOUND', `${target} has no action "${action}"; it has: ${bound.map((x) => x.info.id).join(', ')}`)
    }
    const reason = a.refuse()
    if (reason !== undefined) throw new LabError('REFUSED', `cannot ${action} ${target}: ${reason}`, { target, action, reason })
    return a.run()
  }
}
