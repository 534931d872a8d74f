// The scenario a lab is running, kept on disk while it runs: an engine killed mid-scenario finds it on start
// and runs its cleanup, so a half-run incident never stays in the lab unnoticed. Written atomically
// (state/atomic-file.ts); a damaged marker is kept aside and reported, since its cleanup can't run.
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { loadJsonState, writeJsonAtomic } from '../state/atomic-file'

const MarkerSchema = z.object({ source: z.string(), file: z.string() })
export type Marker = z.infer<typeof MarkerSchema>

export class ScenarioMarker {
  private readonly file: string

  constructor(dir: string) {
    this.file = join(dir, 'scenario-running.json')
  }

  set(m: Marker): void {
    writeJsonAtomic(this.file, m)
  }

  /** report: told when the marker is there but unreadable (a person should check the lab by hand) */
  get(report: (problem: string) => void = () => undefined): Marker | undefined {
    const loaded = loadJsonState(this.file, MarkerSchema)
    if (loaded.state === 'corrupt') report(`${loaded.problem}; a scenario was interrupted but its cleanup cannot be known: check the lab, or run down`)
    return loaded.state === 'ok' ? loaded.value : undefined
  }

  clear(): void {
    rmSync(this.file, { force: true })
  }
}
