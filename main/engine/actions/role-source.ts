// Service actions of a server's role (promote, resync, stop nginx, move a VIP…) as one family of the book.
import type { RoleAction } from '../roles/types'
import { inverseOf } from './inverses'
import type { ActionSource } from './types'

export interface RoleActions {
  servers(): string[]
  /** the role's actions on a running server; [] when it has none or can't be asked now */
  actionsOf(server: string, want?: string): Promise<RoleAction[]>
}

export function roleSource(r: RoleActions): ActionSource {
  return {
    family: 'role',
    targets: () => r.servers().map((s) => `server:${s}`),
    async actions(target, want) {
      const m = /^server:(.+)$/.exec(target)
      if (!m || !r.servers().includes(m[1]!)) return undefined
      return (await r.actionsOf(m[1]!, want)).map((a) => ({
        id: a.id,
        label: a.label,
        kind: a.kind,
        ...(a.params ? { params: a.params } : {}),
        ...(a.refused ? { refused: a.refused } : {}),
        inverse: inverseOf(target, a.id),
        run: (args) => a.run(args),
      }))
    },
  }
}
