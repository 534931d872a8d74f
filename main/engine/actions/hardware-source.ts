// Hardware actions (power, PSUs, circuits, disks, arrays, cables, switches) as one family of the book. The
// hardware model keeps its own replay ledger for lab-time determinism; the book's ledger adds the inverse.
import type { ActionInfo } from '@contract/status'
import { inverseOf } from './inverses'
import type { ActionSource, ActionSpec } from './types'

export interface HardwareActions {
  targets(): string[]
  /** throws NOT_FOUND for a target the model doesn't have */
  actionsFor(target: string): ActionInfo[]
  /** applies the action to the model and brings Docker in line */
  apply(target: string, action: string): Promise<string>
}

export function hardwareSource(hw: HardwareActions | undefined): ActionSource {
  return {
    family: 'hardware',
    targets: () => hw?.targets() ?? [],
    async actions(target) {
      if (!hw) return undefined
      return [...own(hw, target), ...arrayShortcuts(hw, target), ...poolShortcut(hw, target)]
    },
  }
}

function own(hw: HardwareActions, target: string): ActionSpec[] {
  return hw.actionsFor(target).map(
        (a): ActionSpec => ({
          id: a.id,
          label: a.label,
          kind: a.kind,
          ...(a.enabled ? {} : { refused: a.reason ?? 'not possible now' }),
          inverse: inverseOf(target, a.id),
          run: () => hw.apply(target, a.id),
        }),
      )
}

/** The way back from a lost array lives on array:ENC/ID, where nobody looks first: offer it on the enclosure and
 *  its disks too, as recreate-array-ID. */
function arrayShortcuts(hw: HardwareActions, target: string): ActionSpec[] {
  const m = /^(?:enclosure|disk):([^/]+)/.exec(target)
  if (!m) return []
  return hw
    .targets()
    .filter((t) => t.startsWith(`array:${m[1]}/`))
    .flatMap((arr) =>
      hw
        .actionsFor(arr)
        .filter((a) => a.id === 'recreate')
        .map(
          (a): ActionSpec => ({
            id: `recreate-array-${arr.slice(arr.indexOf('/') + 1)}`,
            label: `${a.label} (${arr})`,
            kind: a.kind,
            ...(a.enabled ? {} : { refused: a.reason ?? 'not possible now' }),
            inverse: inverseOf(arr, 'recreate'),
            run: () => hw.apply(arr, 'recreate'),
          }),
        ),
    )
}

/** Likewise a server's lost pool: `create-pool` on the server and on its disks runs pool:SERVER create. */
function poolShortcut(hw: HardwareActions, target: string): ActionSpec[] {
  const m = /^(?:server|disk):([^/]+)/.exec(target)
  const pool = m ? `pool:${m[1]}` : undefined
  if (pool === undefined || !hw.targets().includes(pool)) return []
  return hw
    .actionsFor(pool)
    .filter((a) => a.id === 'create')
    .map(
      (a): ActionSpec => ({
        id: 'create-pool',
        label: a.label,
        kind: a.kind,
        ...(a.enabled ? {} : { refused: a.reason ?? 'not possible now' }),
        inverse: inverseOf(pool, 'create'),
        run: () => hw.apply(pool, 'create'),
      }),
    )
}
