// The lab's subnets, kept in its state dir (subnets.json) so the next `up` reuses them: its volumes (the
// database's grants, a replica's primary) were made with those addresses. `down` marks them released —
// free for other labs — but keeps them as this lab's first choice. Written atomically; a damaged file is set
// aside (state/atomic-file.ts) and only costs the preference: the next up chooses afresh.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { loadJsonState, writeJsonAtomic } from '../state/atomic-file'

const SubnetRecordSchema = z.object({
  /** network id → subnet */
  networks: z.record(z.string(), z.string()),
  /** where they came from: the lab's existing networks, its previous record, the topology's own, the pool */
  from: z.enum(['engine', 'previous', 'topology', 'pool']),
  allocatedAt: z.string(),
  /** set by `down`: the networks are gone, the subnets free for others */
  releasedAt: z.string().optional(),
  /** the first of the lab's passive FTP host ports (ftp-ports.ts); absent in records older than it */
  ftpPassiveBase: z.number().int().optional(),
})
export type SubnetRecord = z.infer<typeof SubnetRecordSchema>

export const subnetRecordFile = (stateDir: string): string => join(stateDir, 'subnets.json')

export function readSubnetRecord(stateDir: string, report?: (text: string) => void): SubnetRecord | undefined {
  const r = loadJsonState(subnetRecordFile(stateDir), SubnetRecordSchema)
  if (r.state === 'corrupt') report?.(`${r.problem}; the next up chooses the lab's subnets afresh`)
  return r.state === 'ok' ? r.value : undefined
}

/** Read without side effects (racklab labs looks at other labs' state dirs): a bad file is just no record. */
export function peekSubnetRecord(stateDir: string): SubnetRecord | undefined {
  try {
    const r = SubnetRecordSchema.safeParse(JSON.parse(readFileSync(subnetRecordFile(stateDir), 'utf8')))
    return r.success ? r.data : undefined
  } catch {
    return undefined
  }
}

export function writeSubnetRecord(stateDir: string, r: SubnetRecord): void {
  writeJsonAtomic(subnetRecordFile(stateDir), r, 0o644)
}
