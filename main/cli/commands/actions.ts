// actions and act: what can be done to a target, and doing it.
import { EXIT_OK, printJson, say, table } from '../output'
import { call, need, runtimeFor, type CliArgs } from './context'

export async function actions(a: CliArgs): Promise<number> {
  const target = need(a, 0, 'TARGET (e.g. server:db1)')
  const rt = await runtimeFor(a)
  try {
    const list = await call(rt, 'actions.list', { target })
    if (a.json) printJson(list)
    else process.stdout.write(table([['ACTION', 'KIND', 'AVAILABLE', 'WHY NOT'], ...list.map((x) => [x.id, x.kind, x.enabled ? 'yes' : 'no', x.reason ?? ''])]) + '\n')
    return EXIT_OK
  } finally {
    rt.close()
  }
}

export async function act(a: CliArgs): Promise<number> {
  const target = need(a, 0, 'TARGET (e.g. server:db1)')
  const action = need(a, 1, 'ACTION (see racklab actions TARGET)')
  const rt = await runtimeFor(a)
  try {
    const r = await call(rt, 'actions.run', { target, action })
    if (a.json) printJson({ ok: true, ...r })
    else say(r.text)
    return EXIT_OK
  } finally {
    rt.close()
  }
}
