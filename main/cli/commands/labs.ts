// racklab labs: every lab on every Docker engine Racklab knows (default and `racklab engines add`), and every lab
// this machine keeps state for, with its engine, state, subnets and memory. A lab placed on an engine that does
// not answer is listed as unreachable, never dropped. Reads Docker directly: no lab engine service.
import { DEFAULT_ENGINE } from '../../engine/engines/engine-entry'
import { recordedLabs } from '../../engine/engines/recorded-labs'
import { allEngines } from '../../engine/engines/registry'
import { connectEngine } from '../../engine/engines/survey'
import { labStateDirs, listLabs, type LabSummary } from '../../engine/lab/list-labs'
import { stateHome } from '../../engine/paths'
import { EXIT_OK, printJson, table } from '../output'
import type { CliArgs } from './context'

const mib = (b: number | undefined): string => (b === undefined ? '' : `${Math.round(b / 2 ** 20)} MiB`)

export async function labs(a: CliArgs): Promise<number> {
  const home = stateHome()
  const all = allEngines(home)
  // one engine under two names (default is also registered): list it once, by its registered name
  const engines = all.filter((e) => e.name !== DEFAULT_ENGINE || !all.some((o) => o !== e && o.host === e.host))
  const alias = (name: string): string => (name === DEFAULT_ENGINE || !engines.some((e) => e.name === name) ? (engines.find((e) => e.host === all[0]!.host)?.name ?? DEFAULT_ENGINE) : name)
  const recorded = new Map([...recordedLabs(home)].map(([lab, e]) => [lab, alias(e)]))
  const per = await Promise.all(
    engines.map(async (e) => {
      const { gw } = connectEngine(e)
      const st = await gw.status()
      if (st.state !== 'connected') {
        const dirs = labStateDirs(home)
        const lost: LabSummary[] = [...recorded].filter(([, en]) => en === e.name).map(([lab]) => ({ lab, engine: e.name, state: 'unreachable', servers: { running: 0, total: 0 }, subnets: dirs.get(lab)?.record?.networks ?? {}, subnetsFrom: dirs.get(lab)?.record ? 'record' : 'none', stateDir: dirs.get(lab)?.dir }))
        return { engine: { name: e.name, host: e.host, reachable: false, message: st.message }, labs: lost }
      }
      const list = await listLabs(gw, home, true, (lab) => (recorded.get(lab) ?? DEFAULT_ENGINE) === e.name)
      return { engine: { name: e.name, host: e.host, reachable: true, message: st.message }, labs: list.map((l) => ({ ...l, engine: e.name })) }
    }),
  )
  const list = per.flatMap((p) => p.labs).sort((x, y) => x.lab.localeCompare(y.lab) || (x.engine ?? '').localeCompare(y.engine ?? ''))
  if (a.json) printJson({ engines: per.map((p) => p.engine), labs: list })
  else {
    const rows = [['LAB', 'ENGINE', 'STATE', 'SERVERS', 'SUBNETS', 'MEMORY']]
    for (const l of list)
      rows.push([l.lab, l.engine ?? '', l.state, `${l.servers.running}/${l.servers.total}`, Object.entries(l.subnets).map(([n, s]) => `${n} ${s}`).join(', ') + (l.subnetsFrom === 'record' ? ' (last used)' : ''), mib(l.memoryBytes)])
    process.stdout.write(`${per.map((p) => `${p.engine.name}: ${p.engine.message}`).join('\n')}\n\n${table(rows)}\n`)
  }
  return EXIT_OK
}
