// Provisioning after health is idempotent but costs seconds of execs on a loaded host, on every `up`. Each
// successful run is recorded (lab state dir, provisioned.json) with a hash of its inputs: what the role names,
// plus the identity of where the result is kept (the data volumes' instance ids, or the container's id and
// start time). While that hash is unchanged the run is skipped; a new volume (lost array, down --volumes), a
// new container or changed topology users make it run again.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

export const provisionKey = (parts: unknown): string => createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16)

export class ProvisionRecord {
  private runs: Record<string, string>

  constructor(private readonly file: string) {
    this.runs = {}
    if (existsSync(file)) {
      try {
        this.runs = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>
      } catch {
        // an unreadable record only costs one provisioning run per server
      }
    }
  }

  unchanged(server: string, key: string): boolean {
    return this.runs[server] === key
  }

  /** each server's key is written as soon as its run succeeded (parallel runs write the whole record again) */
  save(server: string, key: string): void {
    this.runs[server] = key
    mkdirSync(dirname(this.file), { recursive: true })
    writeFileSync(this.file, JSON.stringify(this.runs, null, 1))
  }
}
