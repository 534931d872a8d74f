// actions and act: what can be done to a target, and doing it.
import type { ActionInfo } from '@contract/status'
import { parseArgWords } from '../../engine/lab/action-args'
import { EXIT_OK, printJson, say, table } from '../output'
import { call, need, linkFor, type CliArgs } from './context'

export async function actions(a: CliArgs): Promise<number> {
  const target = need(a, 0, 'TARGET (e.g. server:db1)')
  const link = await linkFor(a)
  try {
    const list = await call(link, 'actions.list', { target })
    if (a.json) printJson(list)
    else process.stdout.write(table([['ACTION', 'KIND', 'AVAILABLE', 'TAKES', 'WHY NOT'], ...list.map((x) => [x.id, x.kind, x.enabled ? 'yes' : 'no', takes(x), x.reason ?? ''])]) + '\n')
    return EXIT_OK
  } finally {
    link.close()
  }
}

/** "user=alice|bob (optional)" */
const takes = (x: ActionInfo): string => (x.params ?? []).map((p) => `${p.id}=${p.choices.join('|')}${p.optional ? ' (optional)' : ''}`).join(' ')

export async function act(a: CliArgs): Promise<number> {
  const target = need(a, 0, 'TARGET (e.g. server:db1)')
  const action = need(a, 1, 'ACTION (see racklab actions TARGET)')
  const args = parseArgWords(a.positionals.slice(2)) // before the engine is touched: a typo costs nothing
  const link = await linkFor(a)
  try {
    const r = await call(link, 'actions.run', { target, action, ...(Object.keys(args).length ? { args } : {}) })
    if (a.json) printJson({ ok: true, ...r })
    else say(r.text)
    return EXIT_OK
  } finally {
    link.close()
  }
}
