// racklab workshop down NAME: every student's lab goes — containers, networks, data volumes, its engine service
// and its state dir — on whatever engine it was placed, then the workshop's tokens (its file and scores). What
// could not be removed stays in the workshop file, with the reason, so running it again finishes the job; nothing
// of a removed lab is left to collide with the next workshop (subnets are released, the names are free).
import { existsSync, rmSync } from 'node:fs'
import { labStateDir } from '../../engine/paths'
import { markRemoving } from '../../engine/service/removal'
import { loadWorkshop, saveWorkshop, workshopFile } from '../../workshop/workshop-file'
import { openLink } from '../lab-link'
import { EXIT_FAIL, EXIT_OK, printJson, say } from '../output'
import { call, type CliArgs } from './context'
import { follow, stopLabEngine } from './lifecycle'

export async function workshopDown(a: CliArgs, name: string): Promise<number> {
  const w = loadWorkshop(name)
  const results: { lab: string; engine?: string; ok: boolean; error?: string; warnings?: string[] }[] = []
  for (const l of w.labs) {
    if (!a.json) say(`— ${l.lab}${l.engine ? ` (engine ${l.engine})` : ''}`)
    try {
      // null: the lab's own record decides its engine, whatever RACKLAB_ENGINE says
      const link = await openLink({ lab: l.lab, topology: a.topology, engine: 'start', watch: true, dockerEngine: null })
      let done
      try {
        done = await follow(link, a, () => call(link, 'lab.down', { volumes: true }))
      } finally {
        link.close()
      }
      if (done.status !== 'succeeded') throw new Error(`down ${done.status}: ${done.error?.message ?? ''}`)
      // from here a running serve --workshop must not start this lab's engine again (removal.ts)
      markRemoving(labStateDir(l.lab))
      await stopLabEngine(l.lab, { topology: a.topology, engine: null })
      rmSync(labStateDir(l.lab), { recursive: true, force: true })
      results.push({ lab: l.lab, ...(l.engine ? { engine: l.engine } : {}), ok: true, ...(done.warnings?.length ? { warnings: done.warnings } : {}) })
    } catch (e) {
      results.push({ lab: l.lab, ...(l.engine ? { engine: l.engine } : {}), ok: false, error: (e as Error).message })
    }
  }
  const left = w.labs.filter((l) => results.some((r) => r.lab === l.lab && !r.ok))
  const file = workshopFile(name)
  const scores = file.replace(/\.json$/, '.scores.json')
  if (left.length) saveWorkshop({ ...w, labs: left })
  else for (const f of [file, scores]) if (existsSync(f)) rmSync(f)
  const ok = !left.length
  if (a.json) printJson({ ok, workshop: name, labs: results, ...(ok ? {} : { file }) })
  else {
    for (const r of results) {
      say(`${r.ok ? '✓' : '✗'} ${r.lab}${r.engine ? ` on ${r.engine}` : ''}${r.error ? `: ${r.error}` : ''}`)
      // e.g. a network Docker would not remove (remove-networks.ts): the lab is gone, the trainer should know
      for (const w of r.warnings ?? []) say(`  warning: ${w}`)
    }
    say(ok ? `workshop ${name} is down: every lab and token removed` : `workshop ${name}: ${left.length} lab(s) not removed, kept in ${file}; racklab workshop down ${name} again once their engine answers`)
  }
  return ok ? EXIT_OK : EXIT_FAIL
}
