// A db server's actions: promote and fail-back (db-failover.ts), and rebuilding a replica — from backup1's newest
// verified hot backup plus GTID catch-up (db-seed.ts), or from a full dump of the primary.
import { LabError } from '@contract/errors'
import { failoverActions, replicating, seedFrom } from './db-failover'
import { backupServerFor, seedFromBackup } from './db-seed'
import { currentPrimary, readDbNodes } from './db-state'
import type { HookContext, RoleAction } from './types'

export const REBUILD_SOURCES = ['backup', 'primary'] as const

async function rebuildFromPrimary(c: HookContext, target: string): Promise<string> {
  const t0 = Date.now()
  const primary = currentPrimary(await readDbNodes(c))
  if (!primary) throw new LabError('REFUSED', 'no primary database answers: promote a replica first')
  c.progress?.(`rebuild ${target} from a dump of ${primary.id}: dumping and loading`)
  const pos = await seedFrom(c, target, primary.id, primary.epoch)
  const r = await replicating(c, target, 30_000)
  if (!r.ioRunning || !r.sqlRunning) throw new Error(`${target} was loaded from a dump of ${primary.id} at ${pos} but does not replicate from it: see racklab check`)
  return `${target} rebuilt from a full dump of ${primary.id} (GTID ${pos}) and replicates from it; ${((Date.now() - t0) / 1000).toFixed(1)} s`
}

export async function dbActions(c: HookContext): Promise<RoleAction[]> {
  const x = c.server.id
  const nodes = await readDbNodes(c)
  const actions = await failoverActions(c, nodes)
  const self = nodes.find((n) => n.id === x)
  const primary = currentPrimary(nodes)
  const backup = backupServerFor(c)
  const refused =
    (!self?.up && `${x} is down (${self?.error ?? 'not running'}): start it first`) ||
    (!primary && 'no primary database answers: promote a replica first') ||
    (primary?.id === x && `${x} is the primary: only a replica is rebuilt (fail-back rebuilds a former primary)`) ||
    (primary?.readOnly && `${primary.id}, the primary, is read-only (fenced or mid-switch): a new replica could not catch up consistently`) ||
    undefined
  actions.push({
    id: 'rebuild',
    label: `Rebuild ${x} as a replica of ${primary?.id ?? 'the primary'}: from ${backup ?? 'the backup server'}'s newest verified hot backup plus GTID catch-up (from=backup), or from a full dump of the primary (from=primary)`,
    kind: 'restore',
    ...(refused ? { refused } : {}),
    params: [{ id: 'from', label: `Seed from ${backup ?? 'the backup server'}'s hot backup (backup, the default when the lab has one) or a dump of the primary`, choices: [...REBUILD_SOURCES], optional: true }],
    run: ({ from }) => {
      const source = from ?? (backup ? 'backup' : 'primary')
      if (source === 'primary') return rebuildFromPrimary(c, x)
      if (!backup) throw new LabError('REFUSED', `topology ${c.topology.name} has no backup server: rebuild from=primary`)
      return seedFromBackup(c, x, backup)
    },
  })
  return actions
}
