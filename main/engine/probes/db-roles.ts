// Which database server is the primary now, as the probes see it: read from the role markers (roles/db-marker.ts)
// of the db servers that answer. The topology only names the starting primary; after a promote db2 is the
// primary and db1, if it runs, a fenced former primary; after fail-back db1 leads again. Planning is
// synchronous, so the book keeps the last reading: `racklab check` reads before planning, the monitor's
// db.ping units read with every ping.
import { MARKER, parseMarker, primaryOf, type DbMarker } from '../roles/db-marker'
import type { Exec } from './db'

export class DbRoleBook {
  private markers = new Map<string, DbMarker>()

  /** read the markers of these (running) db servers; one that does not answer is left out of the reading */
  async read(exec: Exec, dbs: readonly string[]): Promise<void> {
    const got = await Promise.all(dbs.map(async (id) => [id, await readMarker(exec, id)] as const))
    this.markers = new Map(got.filter((g): g is readonly [string, DbMarker] => g[1] !== undefined))
  }

  /** one server's marker, as its ping read it (probePing's `marker`); undefined: it has none, or did not answer */
  set(id: string, m: DbMarker | undefined): void {
    if (m) this.markers.set(id, m)
    else this.markers.delete(id)
  }

  /** a server's marker as last read (undefined: none, or it did not answer) */
  marker(id: string): DbMarker | undefined {
    return this.markers.get(id)
  }

  /** the current primary among `running`, per the last reading; `fallback` (the topology's) before any reading,
   *  and while no marker read says primary but the fallback runs unread (its ping came before its marker could be
   *  read: a fresh lab's first round). Without it, one such round planned db.replication on the primary itself. */
  primary(running: readonly string[], fallback: string | undefined): string | undefined {
    const known = running.filter((id) => this.markers.has(id)).map((id) => ({ id, ...this.markers.get(id)! }))
    if (!known.length) return fallback
    const p = primaryOf(known)?.id
    if (p) return p
    return fallback !== undefined && running.includes(fallback) && !this.markers.has(fallback) ? fallback : undefined
  }
}

async function readMarker(exec: Exec, id: string): Promise<DbMarker | undefined> {
  try {
    const r = await exec(id, ['cat', MARKER])
    return r.exitCode === 0 ? parseMarker(r.stdout) : undefined
  } catch {
    return undefined
  }
}
