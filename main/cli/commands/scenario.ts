// racklab scenario run FILE | check FILE: a scripted incident, headless. Exit 0 when every step and cleanup
// step passed, 1 when one failed (the report says which and what was seen), 2 when the file or the lab is wrong.
import { LabError } from '@contract/errors'
import { loadScenario } from '../../engine/scenarios/load'
import { labDeps } from '../../engine/scenarios/bind'
import { runScenario, type StepReport } from '../../engine/scenarios/runner'
import { stepKind } from '../../engine/scenarios/schema'
import { EXIT_FAIL, EXIT_OK, printJson, say } from '../output'
import { need, runtimeFor, type CliArgs } from './context'

const mark = (r: StepReport): string => (r.ok === null ? '–' : r.ok ? '✓' : '✗')
const line = (r: StepReport): string =>
  `${mark(r)} ${r.section === 'cleanup' ? 'cleanup ' : ''}${r.n}. ${r.text}${r.ok === null ? ' (not run)' : ` — ${(r.ms / 1000).toFixed(1)} s`}${r.detail ? `\n    ${r.detail.replace(/\n/g, '\n    ')}` : ''}`

export async function scenario(a: CliArgs): Promise<number> {
  const verb = need(a, 0, 'run or check')
  if (verb !== 'run' && verb !== 'check') throw new LabError('BAD_INPUT', `racklab scenario: "${verb}" is not run or check`)
  const file = need(a, 1, 'FILE (a scenario, e.g. resources/scenarios/db2-cable-pull.yaml)')
  const rt = await runtimeFor(a, verb === 'run') // a run needs the hardware clock ticking and Docker events
  try {
    const sc = await loadScenario(file, rt.lab.topology)
    if (verb === 'check') {
      const kinds = sc.steps.map(stepKind)
      if (a.json) printJson({ ok: true, name: sc.name, steps: sc.steps.length, cleanup: sc.cleanup.length })
      else say(`${file}: scenario ${sc.name} is valid (${sc.steps.length} steps: ${[...new Set(kinds)].join(', ')}; ${sc.cleanup.length} cleanup)`)
      return EXIT_OK
    }
    rt.lab.requireEngine()
    const ac = new AbortController()
    const onInt = (): void => {
      say('racklab: stopping the scenario after this step; cleanup still runs (Ctrl-C again quits at once)')
      process.off('SIGINT', onInt)
      ac.abort()
    }
    process.on('SIGINT', onInt)
    try {
      if (!a.json) say(`scenario ${sc.name}${sc.description ? ` — ${sc.description.trim()}` : ''}`)
      const report = await runScenario(sc, labDeps(rt.lab, (l) => !a.json && say(l)), (r) => !a.json && say(line(r)), ac.signal)
      if (a.json) printJson(report)
      else say(`scenario ${sc.name}: ${report.ok ? 'passed' : 'FAILED'} in ${(report.ms / 1000).toFixed(1)} s`)
      return report.ok ? EXIT_OK : EXIT_FAIL
    } finally {
      process.off('SIGINT', onInt)
    }
  } finally {
    rt.close()
  }
}
