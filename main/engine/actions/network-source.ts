// Network faults (latency, loss, bandwidth on a cable; a partition between racks) as one family of the book.
// The partition's inverse carries its arguments: healing needs to know which racks and which network.
import { inverseOf } from './inverses'
import type { NetFaults } from '../netfault/net-faults'
import type { ActionSource, ActionSpec, Inverse } from './types'

export function networkSource(faults: NetFaults | undefined): ActionSource {
  return {
    family: 'network',
    targets: () => faults?.targets() ?? [],
    async actions(target) {
      const list = await faults?.actions(target)
      if (!list) return undefined
      return list.map(
        (a): ActionSpec => ({
          id: a.id,
          label: a.label,
          kind: a.kind,
          ...(a.params ? { params: a.params } : {}),
          ...(a.refused ? { refused: a.refused } : {}),
          inverse: a.id === 'partition' || a.id === 'heal-partition' ? partitionInverse(a.id) : inverseOf(target, a.id),
          run: a.run,
        }),
      )
    },
  }
}

/** a partition's way back names the same racks and network it was given (and a heal's, the other way) */
const partitionInverse =
  (id: string) =>
  (args: Record<string, string>): Inverse => ({ action: id === 'partition' ? 'heal-partition' : 'partition', args: { ...args } })
