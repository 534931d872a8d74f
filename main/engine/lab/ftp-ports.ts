// Each lab's passive FTP ports on the host. The edge publishes them on the SAME host port, because the PASV reply
// names the port the client must connect to; so two labs on one engine need different ones. A lab gets a block
// of FTP_BLOCK ports from 30000–39999 at `up`, one no other lab's container publishes, kept with its subnets
// (subnet-record.ts) so the next `up` takes the same one when it is still free. A topology that sets
// files.ftpPassiveBase gets exactly that.
import { LabError } from '@contract/errors'
import type { Topology } from '@contract/topology'
import { allServers } from '../topology/queries'

export const FTP_BLOCK = 100
export const FTP_FIRST = 30000
export const FTP_LAST = 39999

/** how many passive ports the lab's file nodes use together */
export const ftpPortsNeeded = (t: Topology): number => allServers(t).filter((p) => p.server.role === 'file').length * t.files.ftpPassivePorts

/** the first port of a block of `need` ports: `previous` when still free, else the lowest free block */
export function chooseFtpBase(o: { need: number; previous?: number | undefined; taken: Iterable<number> }): number {
  const taken = new Set(o.taken)
  const free = (base: number): boolean => {
    for (let p = base; p < base + o.need; p++) if (taken.has(p)) return false
    return base + o.need - 1 <= FTP_LAST
  }
  if (o.previous !== undefined && o.previous >= FTP_FIRST && free(o.previous)) return o.previous
  const step = Math.max(FTP_BLOCK, Math.ceil(o.need / FTP_BLOCK) * FTP_BLOCK)
  for (let base = FTP_FIRST; base + o.need - 1 <= FTP_LAST; base += step) if (free(base)) return base
  throw new LabError('REFUSED', `no free block of ${o.need} passive FTP ports in ${FTP_FIRST}–${FTP_LAST}: other labs' containers (or, on a local engine, other processes here) hold them all; bring one down, or set files.ftpPassiveBase in the topology to a free range`)
}

/** the topology with the lab's block (unless the topology chose one itself) */
export function withFtpBase(t: Topology, base: number | undefined): Topology {
  if (base === undefined || t.files.ftpPassiveBase !== undefined) return t
  return { ...t, files: { ...t.files, ftpPassiveBase: base } }
}
