// A db server's role marker (/var/lib/mysql/.racklab-init, in its data volume): the entrypoint writes the
// topology's role there on first boot; promote and fail-back rewrite it with an epoch that increases with
// every switch. Among the servers that answer, the "primary" marker with the highest epoch is the current
// primary, so an old primary that comes back stale (lower epoch) is never taken for it.
export const MARKER = '/var/lib/mysql/.racklab-init'

export interface DbMarker {
  role?: 'primary' | 'replica'
  /** 0 for the topology's own roles */
  epoch: number
}

/** the marker file's text (key=value lines) → role and epoch; unknown or missing keys are left out */
export function parseMarker(text: string): DbMarker {
  const kv = new Map(text.split('\n').map((l) => l.split('=', 2).map((x) => x.trim()) as [string, string]).filter((p) => p.length === 2))
  const role = kv.get('role')
  return { ...(role === 'primary' || role === 'replica' ? { role } : {}), epoch: Number(kv.get('epoch') ?? 0) || 0 }
}

/** the current primary among markers of servers that answer: role primary, highest epoch */
export function primaryOf<T extends DbMarker & { id: string }>(nodes: readonly T[]): T | undefined {
  return nodes.filter((n) => n.role === 'primary').sort((a, b) => b.epoch - a.epoch)[0]
}
