// racklab engines add|ls|rm: the Docker engines labs may be placed on (~/.racklab/engines.json), named like
// docker contexts. "default" is always there: the engine of your environment (DOCKER_HOST, else the socket).
// These read Docker directly: they are about engines, not one lab, so no lab engine service is involved.
import { LabError } from '@contract/lab-error'
import { DEFAULT_ENGINE } from '../../engine/engines/engine-entry'
import { recordedLabs } from '../../engine/engines/recorded-labs'
import { addEngine, allEngines, findEngineEntry, parseEngineHost, removeEngine } from '../../engine/engines/registry'
import { surveyEngine, type EngineSurvey } from '../../engine/engines/survey'
import { stateHome } from '../../engine/paths'
import { EXIT_OK, printJson, say, table } from '../output'
import { need, type CliArgs } from './context'

const mib = (b: number | undefined): string => (b === undefined ? '' : `${Math.round(b / 2 ** 20)} MiB`)

async function add(a: CliArgs): Promise<number> {
  const name = need(a, 1, 'the engine\'s name (racklab engines add NAME --host unix:///…|tcp://…)')
  if (!a.host) throw new LabError('BAD_INPUT', `racklab engines add ${name}: --host is required (unix:///var/run/docker.sock or tcp://host:2376)`)
  const parsed = parseEngineHost(a.host, a.certPath)
  const entry = { name, ...parsed, addedAt: new Date().toISOString() }
  // an engine that does not answer now is refused: a typo would only show when a lab is placed on it
  const s = await surveyEngine(entry, false)
  if (!s.reachable) throw new LabError('ENGINE_ABSENT', `engine ${name} at ${parsed.host} does not answer: ${s.problem ?? 'no reply'}; nothing was registered`)
  addEngine(entry)
  if (a.json) printJson({ ok: true, engine: { name, host: parsed.host, version: s.version, labs: s.labs } })
  else say(`engine ${name}: Docker ${s.version ?? '?'} at ${parsed.host}${s.labs.length ? ` (labs there: ${s.labs.join(', ')})` : ''}; racklab up --engine ${name} puts a lab there`)
  return EXIT_OK
}

/** every engine surveyed at once; labs recorded on one that does not answer are listed from the records */
async function survey(): Promise<(EngineSurvey & { recorded: string[] })[]> {
  const records = recordedLabs(stateHome())
  const list = await Promise.all(allEngines().map((e) => surveyEngine(e)))
  return list.map((s) => ({ ...s, recorded: [...records].filter(([, e]) => e === s.name).map(([l]) => l).sort() }))
}

async function ls(a: CliArgs): Promise<number> {
  const list = await survey()
  if (a.json) printJson({ engines: list })
  else {
    const rows = [['ENGINE', 'HOST', 'STATE', 'DOCKER', 'LABS', 'FREE MEMORY', 'CPUS']]
    for (const s of list) {
      const labs = s.reachable ? s.labs.join(' ') || '-' : s.recorded.length ? `${s.recorded.join(' ')} (recorded)` : '-'
      rows.push([s.name, s.host, s.reachable ? 'reachable' : `unreachable: ${s.problem ?? ''}`, s.version ?? '', labs, s.capacity ? `${mib(s.capacity.freeMemoryBytes)} of ${mib(s.capacity.memTotalBytes)}` : '', s.capacity ? String(s.capacity.cpus) : ''])
    }
    process.stdout.write(`${table(rows)}\nfree memory: the engine's memory less what its running containers use (docker stats)\n`)
  }
  return EXIT_OK
}

async function rm(a: CliArgs): Promise<number> {
  const name = need(a, 1, 'the engine\'s name (racklab engines rm NAME)')
  if (name === DEFAULT_ENGINE) throw new LabError('BAD_INPUT', `"${DEFAULT_ENGINE}" is your environment's engine (DOCKER_HOST); it is not registered and cannot be removed`)
  const entry = findEngineEntry(name)
  const s = await surveyEngine(entry, false)
  const recorded = [...recordedLabs(stateHome())].filter(([, e]) => e === name).map(([l]) => l)
  if (s.reachable && s.labs.length) throw new LabError('REFUSED', `engine ${name} still holds labs ${s.labs.join(', ')}; racklab down --volumes --lab LAB for each first (a lab's commands find its engine by this name)`)
  if (!s.reachable && recorded.length && !a.force)
    throw new LabError('REFUSED', `engine ${name} does not answer (${s.problem ?? 'no reply'}), and labs ${recorded.join(', ')} were placed there; they may still run. --force removes it anyway (those labs then go to the default engine)`)
  removeEngine(name)
  if (a.json) printJson({ ok: true, removed: name })
  else say(`engine ${name} removed`)
  return EXIT_OK
}

export async function engines(a: CliArgs): Promise<number> {
  const verb = a.positionals[0] ?? 'ls'
  if (verb === 'add') return add(a)
  if (verb === 'ls') return ls(a)
  if (verb === 'rm') return rm(a)
  throw new LabError('BAD_INPUT', `racklab engines: "${verb}" is not add, ls or rm`)
}
