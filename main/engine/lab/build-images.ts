// Building what a lab is missing: the base image first (every role image is FROM it), then the role images and the
// network-fault helper several at a time, each server booting as soon as its own image is there (up.ts). A role
// build is mostly waiting: apt's downloads from the mirror, dpkg's unpacking to disk, the layer commit; one at a
// time left a 2-core host half idle for most of a first `up` (11 images in 251 s one after another, session 10).
import type { Op } from './operations'
import type { LifecycleContext } from './lab-context'
import type { ImageRef } from './images'
import { buildLabImage } from './build-image'

/** role images built at once (RACKLAB_BUILDS_AT_ONCE overrides it, for measuring; 1 = one after another) */
export function buildsAtOnce(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.RACKLAB_BUILDS_AT_ONCE ?? 3)
  return Number.isInteger(n) && n >= 1 && n <= 8 ? n : 3
}

/** run every task, at most `n` at a time; after one fails no new one starts, the running ones finish, and the
 *  first failure is thrown (a half-started build is never left running behind the error) */
export async function inTurns(tasks: (() => Promise<void>)[], n: number): Promise<void> {
  let next = 0
  let failure: { e: unknown } | undefined
  const worker = async (): Promise<void> => {
    while (!failure && next < tasks.length) {
      const task = tasks[next++]!
      try {
        await task()
      } catch (e) {
        failure ??= { e }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(n, tasks.length) }, worker))
  if (failure) throw failure.e
}

/**
 * The order role images are built in on a first `up`, where each server boots as soon as its image is there: the
 * long builds that are also the roots of the start chain first (mx ~30 s alone, boots alone and takes longest to be
 * healthy; MariaDB and Cyrus, which almost every server waits for), then backup1's (long, nothing waits for it),
 * then the chain web → fe → edge and the leaves. Started first, the long builds no longer ran on alone at the end
 * while the cores idled (measured 2026-12-03: mx, started tenth, ended the builds 20 s after every other image).
 */
const BUILD_ORDER = ['mx', 'db', 'imap', 'backup', 'web', 'fe', 'dns', 'file', 'edge']

/** `refs` in BUILD_ORDER, roles it does not name after them in their own order (sort is stable) */
export function inBuildOrder<T extends { role: string }>(refs: T[]): T[] {
  const rank = (r: T): number => {
    const i = BUILD_ORDER.indexOf(r.role)
    return i < 0 ? BUILD_ORDER.length : i
  }
  return [...refs].sort((a, b) => rank(a) - rank(b))
}

/**
 * Tasks run in turns (inTurns), with a promise per key that settles when that key's task does: a caller can go on
 * with what one task made while the others still run. Keys not in `tasks` are ready at once; a key whose task never
 * ran (an earlier one failed, so no new one started) rejects with that failure once the running ones have ended.
 * `done` settles when every task has, as inTurns.
 */
export function gatedTurns<K>(tasks: { key: K; run: () => Promise<void> }[], n: number): { ready(key: K): Promise<void>; done: Promise<void> } {
  const gates = new Map<K, { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void }>()
  for (const { key } of tasks) {
    let resolve!: () => void
    let reject!: (e: unknown) => void
    const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)))
    // handled here: a gate nobody waits for (its server held down by the hardware) must not be an unhandled rejection
    promise.catch(() => undefined)
    gates.set(key, { promise, resolve, reject })
  }
  const run = tasks.map(({ key, run }) => async () => {
    const g = gates.get(key)!
    try {
      await run()
      g.resolve()
    } catch (e) {
      g.reject(e)
      throw e
    }
  })
  const done = inTurns(run, n).catch((e: unknown) => {
    for (const g of gates.values()) g.reject(e) // no-op for a settled gate
    throw e
  })
  done.catch(() => undefined)
  return { ready: (key) => gates.get(key)?.promise ?? Promise.resolve(), done }
}

export interface Builds {
  /** resolves once image `tag` is on the engine (at once when it already was); rejects when its build failed, or
   *  did not start because another failed first */
  ready(tag: string): Promise<void>
  /** every build ended (the network-fault helper's too): how many were built; rejects with the first failure */
  done: Promise<number>
}

/**
 * Build the images in `refs` that the engine lacks: the base first and at once (every role image is FROM it), then
 * the role images several at a time in the background. `up` creates and boots each server as soon as its own image
 * is there, while the rest still build: on a first `up` the servers built first boot in the builds' waits (apt's
 * downloads, the layer commits) instead of after the last build.
 */
export async function startBuilds(lab: LifecycleContext, op: Op, refs: ImageRef[], present: boolean[]): Promise<Builds> {
  const t = op.timings
  const missing = refs.filter((_, i) => !present[i])
  let built = 0
  const build = async (ref: ImageRef): Promise<void> => {
    op.checkpoint()
    lab.markBuilding(ref.tag, true)
    let ok = false
    try {
      await t.span('image build', () => buildLabImage(lab.gateway, lab.images, ref, (p) => op.progress({ phase: 'build', current: built, max: missing.length, text: `${ref.tag}: ${p.text}` }), op.signal))
      ok = true
    } finally {
      lab.markBuilding(ref.tag, false, ok)
    }
    lab.journal.append({ kind: 'op', text: `built ${ref.tag}` })
    built++
  }
  for (const ref of missing.filter((r) => r.role === 'base')) await build(ref)
  const others = inBuildOrder(missing.filter((r) => r.role !== 'base'))
  const turns = gatedTurns(
    [...others.map((ref) => ({ key: ref.tag, run: () => build(ref) })), { key: 'helper:netfault', run: () => t.span('image build', () => buildHelper(lab, op)) }],
    buildsAtOnce(),
  )
  const done = turns.done.then(() => built)
  done.catch(() => undefined)
  return { ready: turns.ready, done }
}

/** The network-fault sidecar's image (lab-images/netfault). A lab runs without it: a failed build is said in the
 *  journal, and the network faults stay refused with the reason (the image is missing) until a later `up` builds it. */
async function buildHelper(lab: LifecycleContext, op: Op): Promise<void> {
  const ref = lab.images.helper('netfault')
  if (!ref || (await lab.gateway.imageExists(ref.tag))) return
  try {
    await buildLabImage(lab.gateway, lab.images, ref, (p) => op.progress({ phase: 'build', current: 0, max: 1, text: `${ref.tag}: ${p.text}` }), op.signal)
    lab.journal.append({ kind: 'op', text: `built ${ref.tag}` })
  } catch (e) {
    op.checkpoint()
    lab.journal.append({ kind: 'op', text: `could not build ${ref.tag}, so network faults are unavailable: ${(e as Error).message}` })
  }
}
