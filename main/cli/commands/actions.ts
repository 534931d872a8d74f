// actions and act: what can be done to a target, and doing it.
import type { ActionInfo } from '@contract/status'
import { LabError } from '@contract/lab-error'
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

/** every target of the lab with its actions (available or why not) */
export async function targets(a: CliArgs): Promise<number> {
  const link = await linkFor(a)
  try {
    const list = await call(link, 'actions.targets')
    if (a.json) printJson(list)
    else process.stdout.write(table([['TARGET', 'AVAILABLE', 'NOT NOW'], ...list.map((t) => [t.target, t.actions.filter((x) => x.enabled).map((x) => x.id).join(' '), t.actions.filter((x) => !x.enabled).map((x) => x.id).join(' ')])]) + '\n')
    return EXIT_OK
  } finally {
    link.close()
  }
}

/** put an action back with its recorded inverse: the newest one, or SEQ from `racklab journal` */
export async function undo(a: CliArgs): Promise<number> {
  const raw = a.positionals[0]
  const seq = raw === undefined ? undefined : Number(raw)
  if (seq !== undefined && (!Number.isInteger(seq) || seq <= 0)) throw new LabError('BAD_INPUT', `racklab undo: SEQ must be an action's number from the ledger (racklab journal --json has it as data.seq), got "${raw}"`)
  const link = await linkFor(a)
  try {
    const r = await call(link, 'actions.undo', seq === undefined ? {} : { seq })
    if (a.json) printJson({ ok: true, ...r })
    else say(`undid action ${r.undid}: ${r.text}`)
    return EXIT_OK
  } finally {
    link.close()
  }
}
