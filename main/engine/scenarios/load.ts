// Loads a scenario file the way topologies are loaded: YAML with positions → zod schema → references checked
// against the lab's topology (servers, probe ids). Every problem names file:line:column and the field; all of
// them are thrown together as LabError('SCENARIO_INVALID') before anything runs.
import { resolve } from 'node:path'
import { LabError } from '@contract/errors'
import type { Topology } from '@contract/topology'
import { LineCounter, parseDocument } from 'yaml'
import { webmailFrom } from '../mail-history/workload'
import { topologyDifferences } from '../journal/export-scenario'
import { PROBE_IDS } from '../probes/run-checks'
import { DocumentTooLarge, readCappedText } from '../topology/read-capped'
import { ProblemList, topologyError, type FieldPath } from '../topology/problems'
import { allServers } from '../topology/queries'
import { makeLocator } from '../topology/yaml-locate'
import { yamlProblems } from '../topology/yaml-syntax'
import { checkSchema } from '../topology/zod-problems'
import { ScenarioSchema, type Scenario, type ScenarioStep } from './schema'

export function parseScenario(text: string, fileName: string, topology: Topology): Scenario {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  const syntax = yamlProblems(text, fileName, doc, lines)
  if (syntax.problems.length) throw topologyError(fileName, syntax.problems, undefined, 'scenario')
  const list = new ProblemList(fileName, makeLocator(doc, lines))
  let data: unknown
  try {
    data = doc.toJS()
  } catch (e) {
    list.add([], `YAML could not be read: ${e instanceof Error ? e.message : String(e)}`)
    throw topologyError(fileName, list.items, undefined, 'scenario')
  }
  const scenario = checkSchema(data, list, ScenarioSchema)
  if (scenario) checkRefs(scenario, topology, list)
  if (list.items.length || !scenario) throw topologyError(fileName, list.items, undefined, 'scenario')
  return scenario
}

export async function loadScenario(file: string, topology: Topology): Promise<Scenario> {
  let text: string
  try {
    text = await readCappedText(resolve(file))
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    const why = e instanceof DocumentTooLarge ? e.message : code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(e)
    throw new LabError('SCENARIO_INVALID', `cannot read scenario ${file}: ${why}`, { file, errors: [] })
  }
  return parseScenario(text, file, topology)
}

/** names the topology must know; targets other than server:… are the hardware model's to judge when run */
function checkRefs(s: Scenario, t: Topology, list: ProblemList): void {
  const servers = new Set(allServers(t).map((p) => p.server.id))
  if (s.recordedOn) {
    const lab = Object.fromEntries(allServers(t).map((p) => [p.server.id, p.server.role]))
    const diffs = topologyDifferences(s.recordedOn.servers, lab)
    if (diffs.length) list.add(['recordedOn'], `recorded on topology ${s.recordedOn.topology}, which differs from this lab's (${t.name}): ${diffs.join('; ')}`)
  }
  const known = [...servers].join(', ')
  const server = (id: string, path: FieldPath): void => {
    if (!servers.has(id)) list.add(path, `no server "${id}" in topology ${t.name} (servers: ${known})`)
  }
  s.up?.forEach((id, i) => server(id, ['up', i]))
  const steps = (items: ScenarioStep[], key: 'steps' | 'cleanup'): void =>
    items.forEach((st, i) => {
      const at: FieldPath = [key, i]
      if (st.act) {
        const target = st.act.split(' ')[0]!
        const m = /^server:(.+)$/.exec(target)
        if (m) server(m[1]!, [...at, 'act'])
        else if (!/^[a-z]+:\S+$/.test(target)) list.add([...at, 'act'], `"${target}" is not a target like server:db1, circuit:nyi-1-a or disk:raid1/3`)
      }
      if (st.expect?.server) server(st.expect.server, [...at, 'expect', 'server'])
      if (st.expect?.probe && !(PROBE_IDS as readonly string[]).includes(st.expect.probe)) list.add([...at, 'expect', 'probe'], `no probe "${st.expect.probe}" (probes: ${PROBE_IDS.join(', ')})`)
      if (st.exec) server(st.exec.server, [...at, 'exec', 'server'])
      if (st.exec?.output !== undefined) {
        try {
          new RegExp(st.exec.output)
        } catch (e) {
          list.add([...at, 'exec', 'output'], `not a regular expression: ${(e as Error).message}`)
        }
      }
    })
  steps(s.steps, 'steps')
  steps(s.cleanup, 'cleanup')
  const ids = new Set<string>()
  s.objectives?.forEach((o, i) => {
    if (ids.has(o.id)) list.add(['objectives', i, 'id'], `objective id "${o.id}" is used twice`)
    ids.add(o.id)
    o.when.forEach((g, j) => {
      const at: FieldPath = ['objectives', i, 'when', j]
      if (g.server) server(g.server, [...at, 'server'])
      if (g.probe && !(PROBE_IDS as readonly string[]).includes(g.probe)) list.add([...at, 'probe'], `no probe "${g.probe}" (probes: ${PROBE_IDS.join(', ')})`)
    })
  })
  if (s.hints.length && !s.objectives) list.add(['hints'], 'hints go with objectives (an exercise)')
  if (s.timebox !== undefined && !s.objectives) list.add(['timebox'], 'timebox goes with objectives (an exercise)')
  s.workload?.via.forEach((via, i) => {
    const from = webmailFrom(via)
    server(from ?? via, ['workload', 'via', i])
    // the webmail path logs in as each recipient: they must be the topology's users, whose passwords it has
    if (from) {
      const users = new Set(t.users.map((u) => u.name))
      for (const to of s.workload!.to) if (!users.has(to.split('@')[0]!)) list.add(['workload', 'via', i], `${via} logs in as each recipient, and ${to} is not a user of topology ${t.name} (users: ${[...users].join(', ')})`)
    }
  })
  s.workload?.stores.forEach((id, i) => server(id, ['workload', 'stores', i]))
}
