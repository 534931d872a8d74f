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

/** the rootfs as one tar stream: mmdebstrap's tarball as it is, debootstrap's tree through tar (numeric owners, as
 *  `docker import` expects). `failure` never rejects: it says why the stream broke, or undefined once it ended well */
function rootfsStream(rootfs: Rootfs): { input: NodeJS.ReadableStream; failure: Promise<string | undefined>; stop(): void } {
  if (rootfs.tar) {
    const input = createReadStream(rootfs.tar)
    const failure = new Promise<string | undefined>((res) => {
      input.on('error', (e: Error) => res(`reading ${rootfs.tar} failed: ${e.message}`))
      input.on('close', () => res(undefined))
    })
    return { input, failure, stop: () => input.destroy() }
  }
  const tar = spawn('tar', ['--numeric-owner', '-C', rootfs.dir!, '-c', '.'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  tar.stderr.on('data', (c: Buffer) => {
    err = (err + c.toString()).slice(-2000)
  })
  const failure = new Promise<string | undefined>((res) => {
    tar.on('error', (e) => res(`tar failed (${e.message})`))
    tar.on('close', (code) => res(code === 0 ? undefined : `tar failed (exit ${code}): ${err.trim()}`))
  })
  return { input: tar.stdout, failure, stop: () => tar.kill('SIGTERM') }
}

/** stream the rootfs into the engine as `image` */
async function importRootfs(docker: Docker, rootfs: Rootfs, onProgress: (t: string) => void, signal?: AbortSignal, image = BASE_IMAGE): Promise<void> {
  const source = rootfsStream(rootfs)
  const [repo, tag] = image.split(':') as [string, string]
  onProgress(`importing the root filesystem as ${image}`)
  try {
    const stream = (await docker.importImage(source.input, {
      repo,
      tag,
      // like the official image: a shell by default; the label says where it came from
      changes: ['CMD ["bash"]', `LABEL ${BOOTSTRAP_LABEL}=${rootfs.tool}`],
      abortSignal: signal,
    } as Parameters<Docker['importImage']>[1])) as NodeJS.ReadableStream
    await followJsonStream(stream, (i) => i.status && onProgress(i.status), signal)
  } catch (e) {
    source.stop()
    if (e instanceof AbortedError || signal?.aborted) throw new LabError('CANCELLED', `importing ${BASE_IMAGE} was cancelled`)
    const msg = e instanceof InStreamError ? e.message : dockerMessage(e)
    throw new LabError('BASE_IMAGE_FAILED', `docker import of ${image} failed: ${msg}`)
  }
  const broke = await source.failure
  if (broke) throw new LabError('BASE_IMAGE_FAILED', `the ${BASE_IMAGE} root filesystem: ${broke}`)
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
