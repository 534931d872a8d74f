// The scenario a lab is running, kept on disk while it runs: an engine killed mid-scenario finds it on start
// and runs its cleanup, so a half-run incident never stays in the lab unnoticed.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'

const MarkerSchema = z.object({ source: z.string(), file: z.string() })
export type Marker = z.infer<typeof MarkerSchema>

export class ScenarioMarker {
  private readonly file: string

  constructor(private readonly dir: string) {
    this.file = join(dir, 'scenario-running.json')
  }

  set(m: Marker): void {
    mkdirSync(this.dir, { recursive: true })
    writeFileSync(this.file + '.tmp', JSON.stringify(m))
    renameSync(this.file + '.tmp', this.file)
  }

  get(): Marker | undefined {
    if (!existsSync(this.file)) return undefined
    try {
      return MarkerSchema.parse(JSON.parse(readFileSync(this.file, 'utf8')))
    } catch {
      return undefined
    }
  }

  clear(): void {
    rmSync(this.file, { force: true })
  }
}
