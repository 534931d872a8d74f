// Issue 15: the first `racklab up` on a fresh machine — the base image (pulled, or debootstrap + import with no
// registry), every role image, and the start — against a target of 3 minutes. Run only when asked
// (`npm run bench -- --cold`): it removes the lab's images first — racklab/* and the base when racklab made it
// (LABEL racklab.base=mmdebstrap or debootstrap) — and never another image. It refuses while any container uses them (a lab
// is up: take it down first). A fresh state dir, so nothing of a previous run is reused but the host's apt cache.
// baseImageS is the mmdebstrap (or debootstrap) and import (or the pull); imageBuildS the builds, the base's Dockerfile included.
// Session 24 (one run per line, this machine; the mirror's speed swings between runs by ~30 %):
//   at the start                                   236.2 s  (base 43.3, builds 148.3, start to healthy 44.6)
//   role images on the base's apt lists            214.7 s  (45.3, 132.3, 37.1)
//   + the long builds first                        196.2 s  (45.2, 116.6, 34.4)
//   + no ca-certificates in the base               226.2 s  (49.8, 141.9, 34.4), then 211.8 s (42.5, 135.9, 33.4):
//     the base's own build 23-26 s against 31 s, but mx and web pull ca-certificates in themselves (three setups of
//     7 s instead of one): the role images 114-116 s against 86 s. Reverted.
//   the end state (apt lists, long builds first, mx's first boot without set-permissions)  189.6 s  (43.6, 114.9, 31.1)
// Session 25 (another machine; base, builds, after the last build — servers now boot beside the builds still running):
//   at the start                                   223.8 s  (54.7, 136.4, 32.7 start to healthy)
//   servers boot as soon as their image is built   205.3 s  (47.7, 152.4, 4.1)
//   + shared packages in the base                  206.3 s  (51.7, 149.1, 3.7)
//   + the base by mmdebstrap                       180.3 s  (31.3, 143.6, 4.1)
//   + the base's Dockerfile in 9 steps, one ca-certificates bundle, no translations  179.1 s  (33.9, 143.3, 0.5)
//   the final code, once more                      180.3 s  (29.9, 145.6, 3.7)
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import { BASE_IMAGE, bootstrappedByRacklab } from '../../main/engine/docker/base-image'
import { atMost, type BenchResult } from './figure'
import { racklab } from './lab.bench'

const LAB = process.env.RACKLAB_BENCH_LAB_COLD ?? 'bench-cold'

/**
 * The images racklab made on this engine, newest first (an image built FROM another is newer than it): the tagged
 * ones (racklab/*, and the base when racklab bootstrapped it) and every untagged image above one of them — the
 * builder's cached layers, which would otherwise make the "cold" build a cached one.
 */
async function labImages(docker: Docker): Promise<{ id: string; tags: string[] }[]> {
  const all = await docker.listImages({ all: true })
  const byId = new Map(all.map((i) => [i.Id, i]))
  const tagsOf = (i: (typeof all)[number]): string[] => (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>')
  const tagged = (i: (typeof all)[number]): boolean => {
    const tags = tagsOf(i)
    return tags.some((t) => t.startsWith('racklab/')) || (tags.includes(BASE_IMAGE) && bootstrappedByRacklab(i.Labels))
  }
  const ours = (i: (typeof all)[number]): boolean => {
    for (let p: (typeof all)[number] | undefined = i; p; p = p.ParentId ? byId.get(p.ParentId) : undefined) {
      if (tagged(p)) return true
      if (p !== i && tagsOf(p).length) return false // built on someone else's image
    }
    return false
  }
  return all
    .filter((i) => tagged(i) || (!tagsOf(i).length && ours(i)))
    .sort((a, b) => b.Created - a.Created)
    .map((i) => ({ id: i.Id, tags: tagsOf(i) }))
}

/** removes them, children first; an image another (not racklab's) is built on stays, and is named */
async function removeLabImages(docker: Docker): Promise<{ removed: number; kept: string[] }> {
  const images = await labImages(docker)
  const ids = new Set(images.map((i) => i.id))
  const users = (await docker.listContainers({ all: true })).filter((c) => ids.has(c.ImageID))
  if (users.length) {
    throw new Error(`containers use racklab's images (${users.map((c) => c.Names[0]?.replace(/^\//, '')).join(', ')}): take their labs down first, the cold bench removes those images`)
  }
  const exists = (id: string): Promise<boolean> => docker.getImage(id).inspect().then(() => true, () => false)
  const refused: typeof images = []
  let removed = 0
  for (const i of images) {
    if (!(await exists(i.id))) continue // went with a child (an untagged parent goes with its last child)
    try {
      // force: an image kept under two tags (racklab/db:<hash> and :latest) goes as one
      await docker.getImage(i.id).remove({ force: true })
      removed++
    } catch (e) {
      // images made in the same second are not ordered: a parent tried before its child goes with the child
      if (!/dependent child images/.test((e as Error).message)) throw e
      refused.push(i)
    }
  }
  const kept: string[] = []
  for (const i of refused) if (await exists(i.id)) kept.push(i.tags.join(' ') || i.id.slice(7, 19))
  return { removed, kept }
}

const s = (ms: number): number => Math.round(ms) / 1000

export async function benchCold(): Promise<BenchResult> {
  const docker = new Docker()
  const home = mkdtempSync(join(tmpdir(), 'racklab-bench-cold-'))
  try {
    const { removed, kept } = await removeLabImages(docker)
    if (kept.length) process.stderr.write(`cold: kept ${kept.join(', ')}: images that are not racklab's are built on them\n`)
    process.stderr.write(`cold: removed ${removed} racklab images; first up from nothing…\n`)
    const up = await racklab(home, ['up'], LAB)
    const phases = (name: string) => up.doc.timings?.phases?.filter((p) => p.phase === name) ?? []
    const phase = (name: string): number => phases(name).reduce((a, p) => a + p.wallMs, 0)
    // phases are timed from the start of the CLI's command, as the up's own time is
    const lastEnd = (name: string): number => Math.max(0, ...phases(name).map((p) => p.toMs ?? 0))
    return {
      imagesRemoved: removed,
      imagesKeptForOthers: kept.length,
      coldFirstUpS: atMost(s(up.ms), 180),
      baseImageS: s(phase('base image')),
      imageBuildS: s(phase('image build')),
      // servers boot as soon as their own image is built, beside the builds still running: what is left after the
      // last build ends (the last images' servers, and what waits for them) is the part the builds do not hide
      afterLastBuildS: s((up.doc.timings?.totalMs ?? up.ms) - lastEnd('image build')),
    }
  } finally {
    await racklab(home, ['down', '--volumes'], LAB).catch(() => undefined)
    rmSync(home, { recursive: true, force: true })
  }
}
