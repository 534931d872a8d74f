// A restore's record in the lab's state dir (restore-SERVER.json), written crash-safe before the restore touches
// anything and at each phase, removed when it ends (done or failed: the journal has the result). A record found
// at the next run was left by an engine killed mid-restore: restore-decision.ts says what to do with it.
import { join } from 'node:path'
import { rmSync } from 'node:fs'
import { z } from 'zod'
import { loadJsonState, writeJsonAtomic } from '../state/atomic-file'
import type { RestoreMark } from './restore-decision'
import type { HookContext } from './types'

const MarkSchema: z.ZodType<RestoreMark> = z.object({
  action: z.enum(['restore-db', 'restore-mail']),
  args: z.record(z.string(), z.string()),
  phase: z.enum(['preparing', 'applying']),
  startedAt: z.string(),
  phaseAt: z.string(),
  db: z.object({ primary: z.string(), primaryWasReadOnly: z.boolean(), dumpBytes: z.number(), pitr: z.unknown() }).optional(),
})

export interface MarkStore {
  read(): RestoreMark | undefined
  write(m: RestoreMark): void
  clear(): void
}

/** the restore record of the server `c` acts on; none without a state dir (a context outside an engine) */
export function markStore(c: HookContext): MarkStore | undefined {
  if (!c.stateDir) return undefined
  const file = join(c.stateDir, `restore-${c.server.id}.json`)
  return {
    read: () => {
      const r = loadJsonState(file, MarkSchema)
      if (r.state === 'corrupt') c.progress?.(`a restore record was unreadable and set aside: ${r.problem}`)
      return r.state === 'ok' ? r.value : undefined
    },
    write: (m) => writeJsonAtomic(file, m),
    clear: () => rmSync(file, { force: true }),
  }
}
