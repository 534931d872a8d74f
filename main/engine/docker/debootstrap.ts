// Builds a Debian bookworm minbase root filesystem with debootstrap, for machines that cannot
// pull debian:bookworm-slim. The mirror is read from the host's own apt sources.
import { spawn } from 'node:child_process'
import { access, chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { constants } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LabError } from '@contract/errors'
import { aptSourceFileOrder, parseSourcesFile, pickMirror, type AptSource } from './apt-sources'
import { LineSplitter } from './json-stream'

export const SUITE = 'bookworm'
const SEARCH_PATH = ['/usr/sbin', '/sbin', '/usr/bin', '/bin', '/usr/local/sbin', '/usr/local/bin']

/** The first bookworm http(s) mirror in the host's apt sources; RACKLAB_DEBIAN_MIRROR overrides. */
export async function readHostMirror(etcApt = '/etc/apt', env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const override = env.RACKLAB_DEBIAN_MIRROR?.trim()
  if (override) return override
  const sources: AptSource[] = []
  const main = await readFile(join(etcApt, 'sources.list'), 'utf8').catch(() => '')
  sources.push(...parseSourcesFile('sources.list', main))
  const dir = join(etcApt, 'sources.list.d')
  const names = aptSourceFileOrder(await readdir(dir).catch(() => [] as string[]))
  for (const n of names) sources.push(...parseSourcesFile(n, await readFile(join(dir, n), 'utf8').catch(() => '')))
  const mirror = pickMirror(sources, SUITE)
  if (!mirror)
    throw new LabError('BASE_IMAGE_FAILED', `No apt source for Debian "${SUITE}" in ${etcApt}/sources.list or ${dir}, so debootstrap has no mirror. Set RACKLAB_DEBIAN_MIRROR to a Debian mirror URL.`)
  return mirror
}

async function findExecutable(name: string): Promise<string | undefined> {
  const dirs = [...(process.env.PATH ?? '').split(':').filter(Boolean), ...SEARCH_PATH]
  for (const d of dirs) {
    const p = join(d, name)
    if (await access(p, constants.X_OK).then(() => true, () => false)) return p
  }
  return undefined
}

/** Mount points inside `dir` (debootstrap mounts /proc and /sys in the target; a failed run can leave them). */
async function mountsUnder(dir: string): Promise<string[]> {
  const text = await readFile('/proc/mounts', 'utf8').catch(() => '')
  return text
    .split('\n')
    .map((l) => (l.split(' ')[1] ?? '').replace(/\\040/g, ' '))
    .filter((m) => m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length)
}

function run(cmd: string, args: string[], onLine: (l: string) => void, signal?: AbortSignal): Promise<{ code: number | null; tail: string[] }> {
  return new Promise((resolve, reject) => {
    // own process group so an abort can stop debootstrap and the chroot/dpkg it runs
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C', DEBIAN_FRONTEND: 'noninteractive' } })
    const tail: string[] = []
    const keep = (l: string): void => {
      if (!l.trim()) return
      tail.push(l)
      if (tail.length > 30) tail.shift()
      onLine(l)
    }
    const out = new LineSplitter()
    const err = new LineSplitter()
    child.stdout.on('data', (c: Buffer) => out.push(c).forEach(keep))
    child.stderr.on('data', (c: Buffer) => err.push(c).forEach(keep))
    const onAbort = (): void => {
      if (child.pid) process.kill(-child.pid, 'SIGTERM')
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    child.on('error', (e) => {
      signal?.removeEventListener('abort', onAbort)
      reject(e)
    })
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort)
      ;[...out.flush(), ...err.flush()].forEach(keep)
      resolve({ code, tail })
    })
  })
}

export interface Rootfs {
  dir: string
  /** unmounts leftovers and deletes the tree; keeps it if something stays mounted */
  cleanup(): Promise<void>
}

/** debootstrap --variant=minbase bookworm into a temp dir, then slim it for use as an image. */
export async function bootstrapRootfs(mirror: string, onLine: (l: string) => void, signal?: AbortSignal): Promise<Rootfs> {
  const bin = await findExecutable('debootstrap')
  if (!bin) throw new LabError('BASE_IMAGE_FAILED', 'debian:bookworm-slim is missing and cannot be pulled, and debootstrap is not installed to build it; install it with: apt-get install debootstrap')
  if (process.getuid && process.getuid() !== 0)
    throw new LabError('BASE_IMAGE_FAILED', 'debian:bookworm-slim is missing and cannot be pulled; building it with debootstrap needs root. Run Racklab once as root, or import the image yourself.')
  const parent = await mkdtemp(join(tmpdir(), 'racklab-rootfs-'))
  const dir = join(parent, 'rootfs')
  const cleanup = async (): Promise<void> => {
    for (const m of await mountsUnder(dir)) await run('umount', ['-l', m], () => undefined).catch(() => undefined)
    if ((await mountsUnder(dir)).length > 0) return // never recurse into a live /proc or /sys
    await rm(parent, { recursive: true, force: true })
  }
  try {
    onLine(`debootstrap --variant=minbase ${SUITE} from ${mirror}`)
    const r = await run(bin, ['--variant=minbase', SUITE, dir, mirror], onLine, signal)
    if (signal?.aborted) throw new LabError('CANCELLED', 'building debian:bookworm-slim was cancelled')
    if (r.code !== 0) {
      const log = await readFile(join(dir, 'debootstrap', 'debootstrap.log'), 'utf8').catch(() => '')
      const lastLog = log.trim().split('\n').slice(-15).join('\n')
      throw new LabError('BASE_IMAGE_FAILED', `debootstrap ${SUITE} from ${mirror} failed (exit ${r.code}): ${r.tail.slice(-3).join(' | ')}`, { output: r.tail, log: lastLog })
    }
    await slimRootfs(dir)
    return { dir, cleanup }
  } catch (e) {
    await cleanup()
    throw e
  }
}

/** Drop apt lists and caches (~80 MB that later layers cannot shrink) and stop maintainer scripts starting daemons. */
async function slimRootfs(dir: string): Promise<void> {
  const lists = join(dir, 'var/lib/apt/lists')
  for (const n of await readdir(lists).catch(() => [] as string[])) if (n !== 'partial' && n !== 'lock') await rm(join(lists, n), { recursive: true, force: true })
  const cache = join(dir, 'var/cache/apt')
  for (const n of await readdir(cache).catch(() => [] as string[])) if (n.endsWith('.bin')) await rm(join(cache, n), { force: true })
  const archives = join(cache, 'archives')
  for (const n of await readdir(archives).catch(() => [] as string[])) if (n.endsWith('.deb')) await rm(join(archives, n), { force: true })
  const policy = join(dir, 'usr/sbin/policy-rc.d')
  await writeFile(policy, '#!/bin/sh\n# racklab: maintainer scripts must not start daemons inside image builds\nexit 101\n')
  await chmod(policy, 0o755)
}
