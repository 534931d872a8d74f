// ScenarioDeps on a real lab: every step goes through the same dispatcher as the UI and `racklab act`, so a
// scenario does exactly what a person could do, and the journal records it the same way.
import { LabError } from '@contract/errors'
import type { ScenarioContext } from '../lab/lab-context'
import { containerName } from '../lab/naming'
import { runChecks } from '../probes/run-checks'
import type { ScenarioDeps } from './runner'

export function labDeps(lab: ScenarioContext, onProgress: (line: string) => void = () => {}): ScenarioDeps {
  return {
    async up(only) {
      const offProgress = lab.bus.on('op.progress', (p) => onProgress(`[${p.phase}] ${p.text}`))
      try {
        const done = await lab.up(only).done
        if (done.status !== 'succeeded') throw new LabError('UNHEALTHY', `up ${only.join(', ')} ${done.status}: ${done.error?.message ?? ''}`)
      } finally {
        offProgress()
      }
    },
    act: (target, action, args) => lab.act(target, action, args),
    async servers() {
      await lab.refresh()
      return lab.status().servers
    },
    probe: (id) => runChecks(lab, [id]),
    exec: (server, cmd, timeoutMs = 60_000) => lab.gateway.exec(containerName(lab.labId, server), cmd, { timeoutMs }),
    note: (text) => void lab.journal.append({ kind: 'op', target: 'scenario', text }),
    sleep: (ms, signal) =>
      new Promise((resolve) => {
        const t = setTimeout(resolve, ms)
        signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true })
      }),
    now: () => Date.now(),
    password: (user) => lab.topology.users.find((u) => u.name === user)?.password,
  }
}
