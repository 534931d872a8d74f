// racklab workshop create --labs N [--name ws] [--scenario ID] [--only a,b]: N labs (ws-1…ws-N), each a normal
// lab with its own engine service, brought up and, with --scenario, broken by the exercise's steps; then the
// workshop file with every token. `racklab serve --workshop NAME` serves them.
// --engine a,b (or all: every registered engine) spreads the labs over engines, least-loaded by free memory.
// racklab workshop show [--name ws]: the labs and tokens of a workshop.
// racklab workshop down NAME: every lab removed (on whatever engine), then its tokens.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { LabError } from '@contract/lab-error'
import { loadScenario } from '../../engine/scenarios/load'
import { scenariosDir } from '../../engine/scenarios/library'
import { loadTopology } from '../../engine/topology/loader'
import { loadWorkshop, newToken, newWorkshop, saveWorkshop, WORKSHOP_NAME, workshopFile, type Workshop } from '../../workshop/workshop-file'
import { openLink } from '../lab-link'
import { placeOn, workshopEngines } from './workshop-engines'
import { workshopDown } from './workshop-down'
import { EXIT_FAIL, EXIT_OK, printJson, say } from '../output'
import { call, need, type CliArgs } from './context'
import { follow } from './lifecycle'

export function workshopName(a: CliArgs): string {
  const name = a.name ?? 'ws'
  if (!WORKSHOP_NAME.test(name)) throw new LabError('BAD_INPUT', `--name "${name}": a workshop name is lowercase letters, digits and "-" (it prefixes its labs: ${name}-1…)`)
  return name
}

/** the exercise a workshop runs: a shipped scenario that has objectives */
export async function loadExercise(id: string, topologyFile: string | undefined) {
  const file = join(scenariosDir(), `${id}.yaml`)
  if (!existsSync(file)) throw new LabError('NOT_FOUND', `no shipped scenario "${id}" (${scenariosDir()})`)
  const sc = await loadScenario(file, (await loadTopology(topologyFile)).topology)
  if (!sc.objectives) throw new LabError('BAD_INPUT', `scenario "${id}" has no objectives, so it is not an exercise (one with objectives: db2-replication-exercise…)`)
  return sc
}

async function create(a: CliArgs): Promise<number> {
  const name = workshopName(a)
  const n = Number(a.labs)
  if (!Number.isInteger(n) || n < 1 || n > 50) throw new LabError('BAD_INPUT', `--labs must be a whole number 1–50, got "${a.labs ?? ''}"`)
  if (a.scenario) await loadExercise(a.scenario, a.topology) // a wrong id fails before any lab starts
  const engines = a.engine ? workshopEngines(a.engine) : undefined // an unknown engine fails before any lab starts too
  const only = a.only?.split(',').map((s) => s.trim()).filter(Boolean)
  // attach: an existing workshop keeps its labs and tokens (links already handed out stay valid)
  let w: Workshop
  if (existsSync(workshopFile(name))) {
    w = loadWorkshop(name)
    if (n < w.labs.length) throw new LabError('REFUSED', `workshop ${name} has ${w.labs.length} labs; it does not shrink to ${n} (racklab down --lab ${name}-${w.labs.length} and edit ${workshopFile(name)})`)
    for (let i = w.labs.length; i < n; i++) w.labs.push({ lab: `${name}-${i + 1}`, studentToken: newToken() })
    w = { ...w, ...(a.scenario ? { scenario: a.scenario } : {}), ...(only ? { only } : {}) }
  } else w = newWorkshop(name, n, a.scenario, only)
  saveWorkshop(w)
  const results: { lab: string; engine?: string; ok: boolean; error?: string }[] = []
  for (const l of w.labs) {
    // a lab already placed (an attached workshop) stays where it is; a new one goes where there is most room
    const engine = l.engine ?? (engines ? await placeOn(engines) : undefined)
    if (!a.json) say(`— ${l.lab}${engine ? ` (engine ${engine})` : ''}`)
    const link = await openLink({ lab: l.lab, topology: a.topology, engine: 'start', watch: true, place: true, ...(engine ? { dockerEngine: engine } : {}) })
    l.engine = link.engineName
    saveWorkshop(w)
    try {
      const up = await follow(link, a, () => call(link, 'lab.up', only ? { only } : {}))
      if (up.status !== 'succeeded') {
        results.push({ lab: l.lab, ...(l.engine ? { engine: l.engine } : {}), ok: false, error: `up ${up.status}: ${up.error?.message ?? ''}` })
        continue
      }
      if (a.scenario) {
        const ran = await follow(link, a, () => call(link, 'scenario.run', { id: a.scenario! }), (p) => !a.json && p.step && say(`  ${p.text}`))
        if (ran.status !== 'succeeded') {
          results.push({ lab: l.lab, ...(l.engine ? { engine: l.engine } : {}), ok: false, error: `exercise ${a.scenario} ${ran.status}: ${ran.error?.message ?? ''}` })
          continue
        }
        l.startedAt = Date.now() // the time box and the grading start once the break is in
      }
      results.push({ lab: l.lab, ...(l.engine ? { engine: l.engine } : {}), ok: true })
    } finally {
      link.close()
    }
  }
  const file = saveWorkshop(w)
  const ok = results.every((r) => r.ok)
  if (a.json) printJson({ ok, workshop: name, file, labs: results })
  else {
    for (const r of results) say(`${r.ok ? '✓' : '✗'} ${r.lab}${r.engine ? ` on ${r.engine}` : ''}${r.error ? `: ${r.error}` : ''}`)
    say(`workshop ${name}: ${file} (tokens inside; keep it private)\nnext: racklab serve --workshop ${name}`)
  }
  return ok ? EXIT_OK : EXIT_FAIL
}

export async function workshop(a: CliArgs): Promise<number> {
  const verb = need(a, 0, 'create, show or down')
  if (verb === 'create') return create(a)
  if (verb === 'down') return workshopDown(a, workshopName({ ...a, name: a.positionals[1] ?? a.name }))
  if (verb === 'show') {
    const w = loadWorkshop(workshopName(a))
    if (a.json) printJson(w)
    else say(`workshop ${w.name}${w.scenario ? `, exercise ${w.scenario}` : ''}: ${w.labs.map((l) => `${l.lab}${l.engine ? ` on ${l.engine}` : ''}`).join(', ')} (${workshopFile(w.name)})`)
    return EXIT_OK
  }
  throw new LabError('BAD_INPUT', `racklab workshop: "${verb}" is not create, show or down`)
}
