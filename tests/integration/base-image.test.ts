// debian:bookworm-slim on the real engine: built with mmdebstrap (or debootstrap) when absent (no registry here).
// The image is shared by everyone on this engine, so this test never deletes it.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import Docker from 'dockerode'
import { describe, expect, it } from 'vitest'
import { BASE_IMAGE, bootstrapBaseImage, bootstrappedByRacklab, ensureBaseImage, imageExists } from '../../main/engine/docker/base-image'
import { readHostMirror } from '../../main/engine/docker/debootstrap'

const docker = new Docker({ socketPath: '/var/run/docker.sock' })
const installed = (bin: string): boolean => ['/usr/bin', '/usr/sbin', '/bin', '/sbin'].some((d) => existsSync(join(d, bin)))
const TOOLS = (['mmdebstrap', 'debootstrap'] as const).filter(installed)

/** Run a shell line in a throwaway container of an image (the base image unless said) and return its output. */
async function runInBase(script: string, image = BASE_IMAGE): Promise<string> {
  const c = await docker.createContainer({
    Image: image,
    Cmd: ['sh', '-c', script],
    Labels: { 'racklab.test': 'base-image' },
    HostConfig: { NetworkMode: 'none' },
  })
  try {
    await c.start()
    await c.wait()
    const buf = (await c.logs({ stdout: true, stderr: true, follow: false })) as Buffer
    // non-TTY logs carry 8-byte frame headers; strip them
    let out = ''
    for (let i = 0; i + 8 <= buf.length; ) {
      const len = buf.readUInt32BE(i + 4)
      out += buf.subarray(i + 8, i + 8 + len).toString()
      i += 8 + len
    }
    return out
  } finally {
    await c.remove({ force: true })
  }
}

describe('base image', () => {
  it('reads a bookworm mirror from the host apt sources', async () => {
    const mirror = await readHostMirror()
    expect(mirror).toMatch(/^https?:\/\/\S+$/)
  })

  it('ensureBaseImage leaves debian:bookworm-slim on the engine (bootstrapped when absent)', async () => {
    const before = await imageExists(docker, BASE_IMAGE)
    const lines: string[] = []
    const t0 = Date.now()
    await ensureBaseImage(docker, (l) => lines.push(l))
    const seconds = (Date.now() - t0) / 1000
    expect(await imageExists(docker, BASE_IMAGE)).toBe(true)
    if (before) {
      expect(lines).toContain(`${BASE_IMAGE} is present`)
    } else {
      console.log(`bootstrapped ${BASE_IMAGE} in ${seconds.toFixed(1)} s; last lines:\n${lines.slice(-5).join('\n')}`)
      expect(lines.some((l) => /^(mmdebstrap|debootstrap) --variant=minbase bookworm/.test(l))).toBe(true)
      expect(lines.at(-1)).toMatch(/ready/)
    }
  }, 600_000)

  // both ways the engine can make it (each where its tool is installed: .ci/run installs both)
  it.each(TOOLS)('always: the offline path (%s from the host mirror + import) makes a working image', async (tool) => {
    const scratch = `racklab-test/bootstrap-${tool}:${process.pid}`
    const lines: string[] = []
    const t0 = Date.now()
    await bootstrapBaseImage(docker, scratch, (l) => lines.push(l), undefined, tool)
    try {
      console.log(`${tool} + import into ${scratch}: ${((Date.now() - t0) / 1000).toFixed(1)} s`)
      expect(lines.some((l) => l.startsWith(`${tool} --variant=minbase bookworm`))).toBe(true)
      const out = await runInBase('cat /etc/debian_version; test -x /usr/sbin/policy-rc.d && /usr/sbin/policy-rc.d; echo "policy $?"; readlink /bin; ls /var/lib/apt/lists | grep -vc -e partial -e lock; dpkg -s usrmerge >/dev/null 2>&1 && echo usrmerge || echo no-usrmerge', scratch)
      const [version, policy, bin, lists, usrmerge] = out.trim().split('\n')
      expect(version).toMatch(/12\./)
      // maintainer scripts of later builds start no daemon; merged /usr without the usrmerge package; no lists
      expect(policy).toBe('policy 101')
      expect(bin).toBe('usr/bin')
      expect(lists).toBe('0')
      expect(usrmerge).toBe('no-usrmerge')
      const info = await docker.getImage(scratch).inspect()
      expect(info.Config?.Labels?.['racklab.base']).toBe(tool)
      expect(bootstrappedByRacklab(info.Config?.Labels)).toBe(true)
      expect(info.Size).toBeLessThan(150 * 1024 * 1024)
    } finally {
      await docker.getImage(scratch).remove({ force: true })
    }
  }, 600_000)

  it('an image we bootstrapped is slim, has policy-rc.d and runs a shell', async () => {
    const info = await docker.getImage(BASE_IMAGE).inspect()
    const ours = bootstrappedByRacklab(info.Config?.Labels)
    const out = await runInBase('cat /etc/debian_version; test -x /usr/sbin/policy-rc.d && echo policy || echo none; ls /var/lib/apt/lists | grep -vc -e partial -e lock; ls /var/cache/apt/*.bin 2>/dev/null | wc -l')
    const [version, policy, lists, bins] = out.trim().split('\n')
    expect(version).toMatch(/^12\./)
    if (ours) {
      expect(info.Config?.Cmd).toEqual(['bash'])
      expect(policy).toBe('policy')
      expect(Number(lists)).toBe(0)
      expect(Number(bins)).toBe(0)
      expect(info.Size).toBeLessThan(150 * 1024 * 1024)
    }
  }, 120_000)
})
