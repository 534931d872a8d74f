// Network actions: switches fail and come back, cables come out and go back in.
import { defineTarget, mapRef, type ActionDef, type TargetKind } from './actions.ts'
import { unitPowerActions } from './actions-power.ts'
import { must, type CableState, type SwitchState } from './state.ts'

const switchActions: ActionDef<SwitchState>[] = [
  ...mapRef(unitPowerActions, ({ s }, sw: SwitchState) => must(s.units.get(sw.id), `unit ${sw.id}`)),
  {
    id: 'fail-switch',
    label: 'Switch fails',
    kind: 'break',
    refuse: (_, sw) => (sw.failed ? `${sw.id} has already failed` : undefined),
    run: (_, sw) => {
      sw.failed = true
      return `switch ${sw.id} failed`
    },
  },
  {
    id: 'repair-switch',
    label: 'Repair or swap the switch',
    kind: 'restore',
    refuse: (_, sw) => (sw.failed ? undefined : `${sw.id} works`),
    run: (_, sw) => {
      sw.failed = false
      return `switch ${sw.id} repaired`
    },
  },
]

const where = (c: CableState): string => (c.switch === undefined ? `the ${c.network} link` : `${c.switch} port ${c.port ?? '?'}`)

const cableActions: ActionDef<CableState>[] = [
  {
    id: 'unplug',
    label: 'Pull the cable',
    kind: 'break',
    refuse: (_, c) => (c.plugged ? undefined : 'the cable is already out'),
    run: (_, c) => {
      c.plugged = false
      return `unplugged ${c.server}'s ${c.network} cable from ${where(c)}`
    },
  },
  {
    id: 'plug',
    label: 'Plug the cable back in',
    kind: 'restore',
    refuse: (_, c) => (c.plugged ? 'the cable is plugged in' : undefined),
    run: (_, c) => {
      c.plugged = true
      return `plugged ${c.server}'s ${c.network} cable back into ${where(c)}`
    },
  },
]

export const networkTargets: TargetKind[] = [
  defineTarget('switch', (s, id) => s.switches.get(id), (s) => [...s.switches.keys()], switchActions),
  defineTarget('cable', (s, id) => s.cables.get(id), (s) => [...s.cables.keys()], cableActions),
]
