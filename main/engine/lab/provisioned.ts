// Provisioning after health is idempotent but costs seconds of execs on a loaded host, on every `up`. Each
// successful run is recorded (lab state dir, provisioned.json) with a hash of its inputs: what the role names,
// plus the identity of where the result is kept (the data volumes' instance ids, or the container's id and
// start time). While that hash is unchanged the run is skipped; a new volume (lost array, down --volumes), a
// new container or changed topology users make it run again. Written atomically; a damaged record is set aside
// and named, and only costs one provisioning run per server.
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { loadJsonState, writeJsonAtomic } from '../state/atomic-file'

export const provisionKey = (parts: unknown): string => createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16)

/** server id → the key of its last successful provisioning run */
const ProvisionRunsSchema = z.record(z.string(), z.string())

export class ProvisionRecord {
  private runs: Record<string, string>

  constructor(
    private readonly file: string,
    report?: (text: string) => void,
  ) {
    const r = loadJsonState(file, ProvisionRunsSchema)
    if (r.state === 'corrupt') report?.(`${r.problem}; every server is provisioned again on the next up`)
    this.runs = r.state === 'ok' ? { ...r.value } : {}
  }

  unchanged(server: string, key: string): boolean {
    return this.runs[server] === key
  }

  /** each server's key is written as soon as its run succeeded (parallel runs write the whole record again) */
  save(server: string, key: string): void {
    this.runs[server] = key
    writeJsonAtomic(this.file, this.runs)
  }
}
