// The lab's subnets, kept in its state dir (subnets.json) so the next `up` reuses them: its volumes (the
// database's grants, a replica's primary) were made with those addresses. `down` marks them released —
// free for other labs — but keeps them as this lab's first choice.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Relocation } from '../topology/relocate'

export interface SubnetRecord {
  networks: Relocation
  /** where they came from when allocated: the topology's own, or the pool */
  from: 'previous' | 'topology' | 'pool' | 'engine'
  allocatedAt: string
  /** set by `down`: the networks are gone, the subnets free for others */
  releasedAt?: string
}

export const subnetRecordFile = (stateDir: string): string => join(stateDir, 'subnets.json')

export function readSubnetRecord(stateDir: string): SubnetRecord | undefined {
  const file = subnetRecordFile(stateDir)
  if (!existsSync(file)) return undefined
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as SubnetRecord
    return r && typeof r.networks === 'object' ? r : undefined
  } catch {
    // a record edited into nonsense is only a preference lost: the next up allocates afresh
    return undefined
  }
}

export function writeSubnetRecord(stateDir: string, r: SubnetRecord): void {
  const file = subnetRecordFile(stateDir)
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, JSON.stringify(r, null, 2) + '\n')
}
