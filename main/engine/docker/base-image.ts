// debian:bookworm-slim, which every lab image starts FROM. Present → done; else pull; else (no
// registry, the common case here) mmdebstrap or debootstrap a minbase rootfs and `docker import` it.
import { spawn } from 'node:child_process'
import { createReadStream } from 'node:fs'
import type Docker from 'dockerode'
import { LabError } from '@contract/errors'
import { bootstrapRootfs, readHostMirror, type Rootfs } from './debootstrap'
import { AbortedError, InStreamError, followJsonStream } from './json-stream'
import { dockerMessage, isNotFound } from './errors'

export const BASE_IMAGE = 'debian:bookworm-slim'

/** the label a base image racklab bootstrapped carries: racklab.base=<the tool that made it> */
export const BOOTSTRAP_LABEL = 'racklab.base'
/** whether racklab made this image (from its labels), never one pulled or someone else's */
export const bootstrappedByRacklab = (labels: Record<string, string> | undefined | null): boolean => ['mmdebstrap', 'debootstrap'].includes(labels?.[BOOTSTRAP_LABEL] ?? '')
const PULL_TIMEOUT_MS = 30_000

export async function imageExists(docker: Docker, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect()
    return true
  } catch (e) {
    if (isNotFound(e)) return false
    throw e
  }
}

/** Try the registry once; resolve false (with the reason reported) instead of throwing. */
async function tryPull(docker: Docker, onProgress: (t: string) => void, signal?: AbortSignal): Promise<boolean> {
  const timeout = AbortSignal.timeout(PULL_TIMEOUT_MS)
  const both = signal ? AbortSignal.any([signal, timeout]) : timeout
  try {
    onProgress(`pulling ${BASE_IMAGE}`)
    const stream = (await docker.pull(BASE_IMAGE, { abortSignal: both })) as NodeJS.ReadableStream
    let last = ''
    await followJsonStream(
      stream,
      (i) => {
        const line = [i.id, i.status].filter(Boolean).join(': ')
        if (line && line !== last) onProgress((last = line))
      },
      both,
    )
    return true
  } catch (e) {
    if (signal?.aborted) throw new LabError('CANCELLED', `getting ${BASE_IMAGE} was cancelled`)
    const why = e instanceof AbortedError || timeout.aborted ? `no answer in ${PULL_TIMEOUT_MS / 1000} s` : dockerMessage(e)
    onProgress(`pull of ${BASE_IMAGE} failed (${why}); building it here instead`)
    return false
  }
}

/** stream the rootfs into the engine: mmdebstrap's tarball as it is, debootstrap's tree through tar (numeric
 *  owners, as `docker import` expects) */
async function importRootfs(docker: Docker, rootfs: Rootfs, onProgress: (t: string) => void, signal?: AbortSignal, image = BASE_IMAGE): Promise<void> {
  const tar = rootfs.tar ? undefined : spawn('tar', ['--numeric-owner', '-C', rootfs.dir!, '-c', '.'], { stdio: ['ignore', 'pipe', 'pipe'] })
  const input = tar ? tar.stdout : createReadStream(rootfs.tar!)
  let tarErr = ''
  tar?.stderr.on('data', (c: Buffer) => {
    tarErr = (tarErr + c.toString()).slice(-2000)
  })
  // never rejects: a failed import must not leave an unhandled tar rejection behind
  const tarDone = new Promise<{ code: number | null; error?: Error }>((res) => {
    if (!tar) {
      input.on('error', (error: Error) => res({ code: null, error }))
      input.on('close', () => res({ code: 0 }))
      return
    }
    tar.on('error', (error) => res({ code: null, error }))
    tar.on('close', (code) => res({ code }))
  })
  const [repo, tag] = image.split(':') as [string, string]
  onProgress(`importing the root filesystem as ${image}`)
  try {
    const stream = (await docker.importImage(input as NodeJS.ReadableStream, {
      repo,
      tag,
      // like the official image: a shell by default; the label says where it came from
      changes: ['CMD ["bash"]', `LABEL ${BOOTSTRAP_LABEL}=${rootfs.tool}`],
      abortSignal: signal,
    } as Parameters<Docker['importImage']>[1])) as NodeJS.ReadableStream
    await followJsonStream(stream, (i) => i.status && onProgress(i.status), signal)
  } catch (e) {
    tar?.kill('SIGTERM')
    if (!tar) (input as ReturnType<typeof createReadStream>).destroy()
    if (e instanceof AbortedError || signal?.aborted) throw new LabError('CANCELLED', `importing ${BASE_IMAGE} was cancelled`)
    const msg = e instanceof InStreamError ? e.message : dockerMessage(e)
    throw new LabError('BASE_IMAGE_FAILED', `docker import of ${image} failed: ${msg}`)
  }
  const tarEnd = await tarDone
  if (tarEnd.code !== 0) throw new LabError('BASE_IMAGE_FAILED', `${tar ? 'tar of' : 'reading'} the ${BASE_IMAGE} root filesystem failed (${tarEnd.error?.message ?? `exit ${tarEnd.code}`}): ${tarErr.trim()}`)
}

const running = new WeakMap<Docker, Promise<void>>()

/** One bootstrap per engine client at a time: a second caller waits for the first instead of racing it. */
export function ensureBaseImage(docker: Docker, onProgress: (t: string) => void, signal?: AbortSignal): Promise<void> {
  const busy = running.get(docker)
  if (busy) {
    onProgress(`waiting for the ${BASE_IMAGE} build already in progress`)
    return busy
  }
  const run = ensureBaseImageNow(docker, onProgress, signal).finally(() => running.delete(docker))
  running.set(docker, run)
  return run
}

async function ensureBaseImageNow(docker: Docker, onProgress: (t: string) => void, signal?: AbortSignal): Promise<void> {
  if (await imageExists(docker, BASE_IMAGE)) {
    onProgress(`${BASE_IMAGE} is present`)
    return
  }
  if (await tryPull(docker, onProgress, signal)) {
    if (await imageExists(docker, BASE_IMAGE)) return
    onProgress(`pull reported success but ${BASE_IMAGE} is absent; building it with debootstrap`)
  }
  await bootstrapBaseImage(docker, BASE_IMAGE, onProgress, signal)
}

/** mmdebstrap or debootstrap, then import into `image`, without asking a registry (also how tests prove the offline path). */
export async function bootstrapBaseImage(docker: Docker, image: string, onProgress: (t: string) => void, signal?: AbortSignal, tool?: 'mmdebstrap' | 'debootstrap'): Promise<void> {
  const mirror = await readHostMirror()
  const started = Date.now()
  const rootfs = await bootstrapRootfs(mirror, onProgress, signal, tool)
  try {
    await importRootfs(docker, rootfs, onProgress, signal, image)
  } finally {
    await rootfs.cleanup()
  }
  if (!(await imageExists(docker, image))) throw new LabError('BASE_IMAGE_FAILED', `docker import finished but ${image} is not on the engine`)
  onProgress(`${image} ready (built with ${rootfs.tool} in ${Math.round((Date.now() - started) / 1000)} s)`)
}
