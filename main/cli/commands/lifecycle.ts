// up and down: long operations with progress on stderr and one result document.
import type { OpDone, OpProgress, PhaseTiming } from '@contract/status'
import { EXIT_CANNOT_RUN, EXIT_FAIL, EXIT_OK, exitCodeFor, printJson, say } from '../output'
import { call, linkFor, type CliArgs } from './context'
import type { LabLink } from '../lab-link'
import { engineTarget, labDocker } from '../lab-link'
import { findEngine, stopEngine } from '../../engine/service/ensure'
import { shifted, summarize, Timings, timingsTable } from '../../engine/lab/timings'
import { showProgressLine } from './progress-lines'

/** run one long operation and follow its progress until its one terminal event */
export async function follow(link: LabLink, a: CliArgs, start: () => Promise<{ opId: string }>, onProgress?: (p: OpProgress) => void): Promise<OpDone> {
  let last = ''
  let opId: string | undefined
  const early: OpDone[] = []
  let resolveDone: (d: OpDone) => void = (d) => void early.push(d)
  const offProgress = await link.on('op.progress', (p) => {
    if (opId && p.opId !== opId) return
    if (onProgress) return onProgress(p)
    // a terminal gets each image's steps and troubles, not apt's and dpkg's thousands of lines (progress-lines.ts)
    if (!showProgressLine(p.phase, p.text)) return
    const line = `[${p.phase}] ${p.max > 0 ? `${p.current}/${p.max} ` : ''}${p.text}`
    if (line !== last && !a.json) say(line)
    last = line
  })
  const offDone = await link.on('op.done', (d) => resolveDone(d))
  // Ctrl-C cancels between steps; everything created so far is labelled, so the next `up` completes it.
  const onInt = (): void => {
    say('racklab: cancelling… (press Ctrl-C again to quit at once)')
    process.off('SIGINT', onInt)
    if (opId) void call(link, 'op.cancel', { opId })
  }
  process.on('SIGINT', onInt)
  try {
    opId = (await start()).opId
    const mine = early.find((d) => d.opId === opId)
    if (mine) return mine
    return await new Promise<OpDone>((resolve) => (resolveDone = (d) => d.opId === opId && resolve(d)))
  } finally {
    process.off('SIGINT', onInt)
    offProgress()
    offDone()
  }
}

interface CommandTimings {
  totalMs: number
  phases: ReturnType<typeof summarize>
  spans: PhaseTiming[]
}

/** the command's phases on one clock: reaching the lab (topology, engine service), then the operation's own */
function commandTimings(cli: Timings, done: OpDone, opStart: number): CommandTimings {
  const spans = [...cli.spans, ...shifted(done.timings ?? [], opStart - cli.t0)]
  return { totalMs: Math.round(performance.now() - cli.t0), phases: summarize(spans), spans }
}

/** the operation's result without its timings (they are reported beside it) */
const opOnly = ({ timings: _, ...op }: OpDone): Omit<OpDone, 'timings'> => op

export async function up(a: CliArgs): Promise<number> {
  const cli = new Timings()
  const link = await cli.span('engine connect', () => linkFor(a, 'start', true, true))
  try {
    const only = a.only?.split(',').map((s) => s.trim()).filter(Boolean)
    let opStart = 0
    const done = await follow(link, a, () => {
      opStart = performance.now()
      return call(link, 'lab.up', only ? { only } : {})
    })
    const timings = commandTimings(cli, done, opStart)
    if (a.timings && !a.json) say(timingsTable(timings.spans, timings.totalMs))
    const status = await call(link, 'lab.status')
    if (a.json) printJson({ ok: done.status === 'succeeded', op: opOnly(done), servers: status.servers, timings })
    else if (done.status === 'succeeded') say(`lab ${status.labId} is up: ${status.servers.filter((s) => s.health === 'healthy').map((s) => s.id).join(', ')}`)
    else say(`racklab: up ${done.status}: ${done.error?.message ?? ''}`)
    if (done.status === 'succeeded') return EXIT_OK
    return done.error ? exitCodeFor(done.error) : EXIT_FAIL
  } finally {
    link.close()
  }
}

export async function down(a: CliArgs): Promise<number> {
  const cli = new Timings()
  const link = await cli.span('engine connect', () => linkFor(a, 'attach', true))
  try {
    let opStart = 0
    const done = await follow(link, a, () => {
      opStart = performance.now()
      return call(link, 'lab.down', { volumes: a.volumes })
    })
    // a lab that is down needs no engine: stop it, so nothing of the lab is left running
    if (done.status === 'succeeded' && link.via === 'engine') await cli.span('engine stop', () => stopLabEngine(link.labId, a))
    const timings = commandTimings(cli, done, opStart)
    if (a.timings && !a.json) say(timingsTable(timings.spans, timings.totalMs))
    if (a.json) printJson({ ok: done.status === 'succeeded', op: opOnly(done), timings })
    else {
      // e.g. a network Docker would not remove (remove-networks.ts): the down succeeded, the person should know
      for (const w of done.warnings ?? []) say(`racklab: warning: ${w}`)
      say(done.status === 'succeeded' ? `lab ${link.labId} is down${a.volumes ? ' (data volumes removed)' : ' (data volumes kept; --volumes removes them)'}` : `racklab: down ${done.status}: ${done.error?.message ?? ''}`)
    }
    return done.status === 'succeeded' ? EXIT_OK : done.error ? exitCodeFor(done.error) : EXIT_CANNOT_RUN
  } finally {
    link.close()
  }
}

/** stop the lab's engine service (dockerEngine null: on the engine the lab records, whatever RACKLAB_ENGINE says) */
export async function stopLabEngine(lab: string, a: { topology?: string | undefined; engine?: string | null | undefined }): Promise<void> {
  const t = engineTarget(lab, a.topology, await labDocker(lab, { dockerEngine: a.engine }))
  const found = await findEngine(t)
  if (found) await stopEngine(t, found.conn, found.lock.pid)
}
