// debian:bookworm-slim on the real engine: built with debootstrap when absent (no registry here).
// The image is shared by everyone on this engine, so this test never deletes it.
import Docker from 'dockerode'
import { describe, expect, it } from 'vitest'
import { BASE_IMAGE, bootstrapBaseImage, ensureBaseImage, imageExists } from '../../main/engine/docker/base-image'
import { readHostMirror } from '../../main/engine/docker/debootstrap'

const docker = new Docker({ socketPath: '/var/run/docker.sock' })

/** Run a shell line in a throwaway container of the base image and return its output. */
async function runInBase(script: string): Promise<string> {
  const c = await docker.createContainer({
    Image: BASE_IMAGE,
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

  it('ensureBaseImage leaves debian:bookworm-slim on the engine (debootstrap when absent)', async () => {
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
      expect(lines.some((l) => l.startsWith('debootstrap --variant=minbase bookworm'))).toBe(true)
      expect(lines.at(-1)).toMatch(/ready/)
    }
  }, 600_000)

  it('always: the offline path (debootstrap from the host mirror + import) makes a working image', async () => {
    const scratch = `racklab-test/bootstrap:${process.pid}`
    const lines: string[] = []
    const t0 = Date.now()
    await bootstrapBaseImage(docker, scratch, (l) => lines.push(l))
    try {
      console.log(`debootstrap + import into ${scratch}: ${((Date.now() - t0) / 1000).toFixed(1)} s`)
      expect(lines.some((l) => l.startsWith('debootstrap --variant=minbase bookworm'))).toBe(true)
      const c = await docker.createContainer({ Image: scratch, Cmd: ['cat', '/etc/debian_version'], HostConfig: { NetworkMode: 'none', AutoRemove: false } })
      await c.start()
      expect((await c.wait()).StatusCode).toBe(0)
      expect(((await c.logs({ stdout: true })) as Buffer).toString()).toMatch(/12\./)
      await c.remove()
    } finally {
      await docker.getImage(scratch).remove({ force: true })
    }
  }, 600_000)

  it('an image we bootstrapped is slim, has policy-rc.d and runs a shell', async () => {
    const info = await docker.getImage(BASE_IMAGE).inspect()
    const ours = info.Config?.Labels?.['racklab.base'] === 'debootstrap'
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
