// `racklab status`: one line per server ZFS pool (backup1's X4500) under the server table, so a DEGRADED or
// FAULTED pool shows without the hardware view.
import type { PoolStatus } from '@contract/hardware'

export function poolLine(p: PoolStatus): string {
  const dead = p.bays.filter((b) => b.state === 'failed' || b.state === 'missing').map((b) => b.bay)
  const vdevs = p.vdevs
    .filter((v) => v.state !== 'optimal')
    .map((v) => {
      if (v.state === 'rebuilding') return `${v.id} resilvering ${v.rebuildPct ?? 0} %`
      const out = v.members.filter((m) => m.state === 'down').map((m) => m.bay)
      return `${v.id} ${v.state}${out.length ? ` (bay ${out.join(', ')} out)` : ''}`
    })
  const what = p.state === 'FAULTED' ? 'lost with every backup in it: replace the failed disks, then create it anew (pool:' + p.server + ' create)' : vdevs.length ? vdevs.join('; ') : `${p.vdevs.length} raidz2 vdevs healthy`
  const spares = p.bays.filter((b) => b.state === 'spare').length
  return `pool ${p.server}: ${p.state} — ${p.state === 'FAULTED' ? what : `${what}; ${spares} hot spare(s)`}${dead.length ? `; failed or missing disk in bay ${dead.join(', ')}` : ''}`
}
