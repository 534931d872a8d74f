// Building what a lab is missing: the base image first (every role image is FROM it), then the role images and the
// network-fault helper several at a time. A role build is mostly waiting: apt's downloads from the mirror, dpkg's
// unpacking to disk, the layer commit; one at a time left a 2-core host half idle for most of a first `up`
// (11 images in 251 s one after another on a quiet first `up`, session 10; no fair parallel figure yet).
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
 * Roles whose images take longest to build, longest first (apt's downloads and dpkg's writes: mx ~30 s alone,
 * the two MariaDB images and Cyrus's next; the others 10-20 s). Started first, they no longer run on alone at the
 * end of a first `up` while the cores idle (measured 2026-12-03: mx, started tenth, ended the builds 20 s after
 * every other image).
 */
const LONG_BUILDS = ['mx', 'backup', 'db', 'imap']

/** `refs` with the long builds first (in LONG_BUILDS' order), the rest in their own order (sort is stable) */
export function longestFirst<T extends { role: string }>(refs: T[]): T[] {
  const rank = (r: T): number => {
    const i = LONG_BUILDS.indexOf(r.role)
    return i < 0 ? LONG_BUILDS.length : i
  }
  return [...refs].sort((a, b) => rank(a) - rank(b))
}

/** the images in `refs` (base first if listed) that the engine lacks, built; returns how many were built */
export async function buildMissingImages(lab: LifecycleContext, op: Op, refs: ImageRef[], present: boolean[]): Promise<number> {
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
  const base = missing.filter((r) => r.role === 'base')
  for (const ref of base) await build(ref)
  const others = longestFirst(missing.filter((r) => r.role !== 'base'))
  await inTurns([...others.map((ref) => () => build(ref)), () => t.span('image build', () => buildHelper(lab, op))], buildsAtOnce())
  return built
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
