// Which recorded actions are still in effect at the end of a stretch: an action is cancelled by a later one
// that undid it (`racklab undo`, which names it) or that is its inverse done by hand (the same target, the
// inverse's action with the inverse's args: a cable unplugged and later plugged back with `act … plug`).
// A recording's cleanup puts back only what is still in effect; both halves of a cancelled pair stay steps.
import type { Inverse } from '../actions/types'

export interface EffectAction {
  target: string
  action: string
  args: Record<string, string>
  inverse: Inverse
  /** the ledger's number, and the one this action undid */
  ledgerSeq?: number
  undoes?: number
}

const sameArgs = (a: Record<string, string>, b: Record<string, string>): boolean => {
  const ka = Object.keys(a)
  return ka.length === Object.keys(b).length && ka.every((k) => k in b && a[k] === b[k])
}

/** does `later` put `earlier` back? An undo only ever cancels the action it names. */
export function cancels(later: EffectAction, earlier: EffectAction): boolean {
  if (later.undoes !== undefined) return earlier.ledgerSeq === later.undoes
  return later.target === earlier.target && 'action' in earlier.inverse && earlier.inverse.action === later.action && sameArgs(earlier.inverse.args ?? {}, later.args)
}

/** the actions still in effect after all of them ran, oldest first. Each action cancels the newest earlier one
 *  still in effect that it puts back; one that cancels nothing is itself in effect (an undo of an action from
 *  before the stretch changed the lab the stretch started from, so its own inverse is the way back). */
export function stillInEffect<T extends EffectAction>(actions: readonly T[]): T[] {
  const open: T[] = []
  for (const a of actions) {
    let i = open.length - 1
    while (i >= 0 && !cancels(a, open[i]!)) i--
    if (i >= 0) open.splice(i, 1)
    else open.push(a)
  }
  return open
}
