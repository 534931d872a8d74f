// up and down: long operations with progress on stderr and one result document.
import type { OpDone } from '@contract/status'
import { EXIT_CANNOT_RUN, EXIT_FAIL, EXIT_OK, exitCodeFor, printJson, say } from '../output'
import { call, runtimeFor, type CliArgs } from './context'
import type { Runtime } from '../../api/runtime'

async function follow(rt: Runtime, a: CliArgs, start: () => Promise<{ opId: string }>): Promise<OpDone> {
  let last = ''
  const off = rt.bus.on('op.progress', (p) => {
    // docker's intermediate build chatter (" ---> Using cache", layer ids) is noise in a terminal
    if (p.phase === 'build' && /--->|^\S+: \s*$/.test(p.text)) return
    const line = `[${p.phase}] ${p.max > 0 ? `${p.current}/${p.max} ` : ''}${p.text}`
    if (line !== last && !a.json) say(line)
    last = line
  })
  const done = new Promise<OpDone>((resolve) => rt.bus.on('op.done', resolve))
  const { opId } = await start()
  // Ctrl-C cancels between steps; everything created so far is labelled, so the next `up` completes it.
  const onInt = (): void => {
    say('racklab: cancelling… (press Ctrl-C again to quit at once)')
    process.off('SIGINT', onInt)
    void call(rt, 'op.cancel', { opId })
  }
  process.on('SIGINT', onInt)
  try {
    return await done
  } finally {
    process.off('SIGINT', onInt)
    off()
  }
}

export async function up(a: CliArgs): Promise<number> {
  const rt = await runtimeFor(a)
  try {
    const only = a.only?.split(',').map((s) => s.trim()).filter(Boolean)
    const done = await follow(rt, a, () => call(rt, 'lab.up', only ? { only } : {}))
    const status = rt.lab.status()
    if (a.json) printJson({ ok: done.status === 'succeeded', op: done, servers: status.servers })
    else if (done.status === 'succeeded') say(`lab ${status.labId} is up: ${status.servers.filter((s) => s.health === 'healthy').map((s) => s.id).join(', ')}`)
    else say(`racklab: up ${done.status}: ${done.error?.message ?? ''}`)
    if (done.status === 'succeeded') return EXIT_OK
    return done.error ? exitCodeFor(done.error) : EXIT_FAIL
  } finally {
    rt.close()
  }
}

export async function down(a: CliArgs): Promise<number> {
  const rt = await runtimeFor(a)
  try {
    const done = await follow(rt, a, () => call(rt, 'lab.down', { volumes: a.volumes }))
    if (a.json) printJson({ ok: done.status === 'succeeded', op: done })
    else say(done.status === 'succeeded' ? `lab ${rt.lab.labId} is down${a.volumes ? ' (data volumes removed)' : ' (data volumes kept; --volumes removes them)'}` : `racklab: down ${done.status}: ${done.error?.message ?? ''}`)
    return done.status === 'succeeded' ? EXIT_OK : done.error ? exitCodeFor(done.error) : EXIT_CANNOT_RUN
  } finally {
    rt.close()
  }
}
