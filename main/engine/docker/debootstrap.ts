// Builds a Debian bookworm minbase root filesystem for machines that cannot pull debian:bookworm-slim: with
// mmdebstrap when it is installed (a tarball, in 34-35 s on the 2-core build machine, as root or, where user
// namespaces allow it, as a user), else with debootstrap (a tree, 43 s there, then tarred for the import; root
// only). The mirror is read from the host's own apt sources.
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
  /** the root filesystem as a tree (debootstrap) */
  dir?: string
  /** or as a tarball with numeric owners, ready for `docker import` (mmdebstrap) */
  tar?: string
  /** the tool that made it (the image's racklab.base label) */
  tool: 'mmdebstrap' | 'debootstrap'
  /** unmounts leftovers and deletes the tree or tarball; keeps a tree if something stays mounted */
  cleanup(): Promise<void>
}

/** mmdebstrap's own hooks for a merged /usr (Debian's mmdebstrap package ships them) */
const MERGED_USR_HOOKS = '/usr/share/mmdebstrap/hooks/merged-usr'

/** /usr/sbin/policy-rc.d of the image: maintainer scripts run by later builds start no daemon */
const POLICY_RC_D = '#!/bin/sh\n# racklab: maintainer scripts must not start daemons inside image builds\nexit 101\n'

/** A minbase bookworm root filesystem: mmdebstrap's tarball when mmdebstrap is installed, else debootstrap's tree.
 *  `tool` (RACKLAB_ROOTFS_TOOL, for measuring and tests) asks for one of them. */
export async function bootstrapRootfs(mirror: string, onLine: (l: string) => void, signal?: AbortSignal, tool = process.env.RACKLAB_ROOTFS_TOOL): Promise<Rootfs> {
  if (tool && tool !== 'mmdebstrap' && tool !== 'debootstrap') throw new LabError('BAD_INPUT', `RACKLAB_ROOTFS_TOOL is "${tool}": it must be mmdebstrap or debootstrap`)
  const mm = tool === 'debootstrap' ? undefined : await findExecutable('mmdebstrap')
  if (tool === 'mmdebstrap' && !mm) throw new LabError('BASE_IMAGE_FAILED', 'RACKLAB_ROOTFS_TOOL asks for mmdebstrap, which is not installed (apt-get install mmdebstrap)')
  return mm ? mmdebstrapTarball(mm, mirror, onLine, signal) : debootstrapTree(mirror, onLine, signal)
}

/**
 * mmdebstrap --variant=minbase into a tarball: apt fetches the packages (pipelined, where debootstrap fetches and
 * checks them one by one in shell), and the tarball needs no second pass. Package lists and apt's cache are left
 * out by mmdebstrap itself. Our policy-rc.d goes in before any package and stays (mmdebstrap would otherwise put
 * its own aside and take it away at the end).
 */
async function mmdebstrapTarball(bin: string, mirror: string, onLine: (l: string) => void, signal?: AbortSignal): Promise<Rootfs> {
  const parent = await mkdtemp(join(tmpdir(), 'racklab-rootfs-'))
  const tar = join(parent, 'rootfs.tar')
  const cleanup = (): Promise<void> => rm(parent, { recursive: true, force: true })
  const policy = `mkdir -p "$1/usr/sbin" && printf '%s' '${POLICY_RC_D}' >"$1/usr/sbin/policy-rc.d" && chmod 755 "$1/usr/sbin/policy-rc.d"`
  try {
    onLine(`mmdebstrap --variant=minbase ${SUITE} from ${mirror}`)
    // merged /usr set up by the hook, as debootstrap does, not by the usrmerge package (which brings perl along)
    const mergedUsr = (await access(MERGED_USR_HOOKS, constants.R_OK).then(() => true, () => false)) ? [`--hook-dir=${MERGED_USR_HOOKS}`] : []
    // no Translation-* lists: the image keeps no lists anyway, and they were 6 MB of its apt-get update
    const noTranslations = '--aptopt=Acquire::Languages "none"'
    const r = await run(bin, ['--variant=minbase', '--format=tar', ...mergedUsr, noTranslations, '--skip=chroot/policy-rc.d', `--setup-hook=${policy}`, SUITE, tar, mirror], onLine, signal)
    if (signal?.aborted) throw new LabError('CANCELLED', 'building debian:bookworm-slim was cancelled')
    if (r.code !== 0) {
      const why = r.tail.slice(-3).join(' | ')
      const rootless = process.getuid && process.getuid() !== 0 ? ' As a user it needs unprivileged user namespaces (and newuidmap from uidmap); run Racklab once as root otherwise.' : ''
      throw new LabError('BASE_IMAGE_FAILED', `mmdebstrap ${SUITE} from ${mirror} failed (exit ${r.code}): ${why}.${rootless}`, { output: r.tail })
    }
    return { tar, tool: 'mmdebstrap', cleanup }
  } catch (e) {
    await cleanup()
    throw e
  }
}

/** debootstrap --variant=minbase bookworm into a temp dir, then slim it for use as an image. */
async function debootstrapTree(mirror: string, onLine: (l: string) => void, signal?: AbortSignal): Promise<Rootfs> {
  const bin = await findExecutable('debootstrap')
  if (!bin) throw new LabError('BASE_IMAGE_FAILED', 'debian:bookworm-slim is missing and cannot be pulled, and neither mmdebstrap nor debootstrap is installed to build it; install one with: apt-get install mmdebstrap (faster) or apt-get install debootstrap')
  if (process.getuid && process.getuid() !== 0)
    throw new LabError('BASE_IMAGE_FAILED', 'debian:bookworm-slim is missing and cannot be pulled; building it with debootstrap needs root (mmdebstrap, if installed, can do it as a user). Run Racklab once as root, or import the image yourself.')
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
    return { dir, tool: 'debootstrap', cleanup }
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
  await writeFile(policy, POLICY_RC_D)
  await chmod(policy, 0o755)
}
