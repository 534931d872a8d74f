// One action model for every target: hardware (power, disks, cables), role (promote, stop nginx) and container
// (start, stop, kill). Each family is a source; the book lists, checks, ledgers and runs them the same way.
import type { ActionInfo, ActionParam } from '@contract/status'

export type ActionFamily = 'hardware' | 'role' | 'container' | 'network'

/** how to put an action back: another action (with its args), or why there is none */
export type Inverse = { action: string; args?: Record<string, string> } | { none: string }
/** an inverse as a source states it: sameArgs = run it with the args the action was given (the port it blocked) */
export type InverseRule = Inverse | { action: string; sameArgs: true }

export interface ActionSpec {
  id: string
  label: string
  kind: ActionInfo['kind']
  params?: ActionParam[]
  /** why it can't run now; undefined when it can */
  refused?: string
  /** the way back: fixed, the same action's args (firewall-unblock port=N), or computed from the args given
   *  (a partition heals the same two racks) */
  inverse: InverseRule | ((args: Record<string, string>) => Inverse)
  /** does it; one sentence for the journal */
  run(args: Record<string, string>): Promise<string>
}

export interface ActionSource {
  family: ActionFamily
  /** every target this source has actions for (for `racklab targets`) */
  targets(): string[]
  /** the actions on a target, or undefined when the target is not this source's. `want` names the one action
   *  about to be run: a source may then leave out others whose listing costs round trips (it must still list
   *  `want` itself, checked as fully as ever, when it has it) */
  actions(target: string, want?: string): Promise<ActionSpec[] | undefined>
}
