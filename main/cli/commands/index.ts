// Every command, loaded only when it runs: `racklab status` must not pay for Docker, YAML or zod.
import type { CliCommand } from './context'

const lazy = <M,>(load: () => Promise<M>, pick: (m: M) => CliCommand): CliCommand => async (a) => pick(await load())(a)

export const commands: Record<string, CliCommand> = {
  up: lazy(() => import('./lifecycle'), (m) => m.up),
  down: lazy(() => import('./lifecycle'), (m) => m.down),
  status: lazy(() => import('./inspect'), (m) => m.status),
  endpoints: lazy(() => import('./inspect'), (m) => m.endpoints),
  ca: lazy(() => import('./inspect'), (m) => m.ca),
  backups: lazy(() => import('./backups'), (m) => m.backups),
  check: lazy(() => import('./watch'), (m) => m.check),
  watch: lazy(() => import('./watch'), (m) => m.watch),
  logs: lazy(() => import('./inspect'), (m) => m.logs),
  exec: lazy(() => import('./inspect'), (m) => m.exec),
  ssh: lazy(() => import('./ssh'), (m) => m.ssh),
  journal: lazy(() => import('./inspect'), (m) => m.journal),
  actions: lazy(() => import('./actions'), (m) => m.actions),
  act: lazy(() => import('./actions'), (m) => m.act),
  targets: lazy(() => import('./actions'), (m) => m.targets),
  undo: lazy(() => import('./actions'), (m) => m.undo),
  scenario: lazy(() => import('./scenario'), (m) => m.scenario),
  serve: lazy(() => import('./serve'), (m) => m.serve),
  engine: lazy(() => import('./engine'), (m) => m.engine),
  workshop: lazy(() => import('./workshop'), (m) => m.workshop),
  labs: lazy(() => import('./labs'), (m) => m.labs),
  engines: lazy(() => import('./engines'), (m) => m.engines),
  export: lazy(() => import('./export'), (m) => m.exportCommand),
}
