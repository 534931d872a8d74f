import { execFileSync, spawnSync } from 'node:child_process'
import { closeSync, fsyncSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { dropPageCache } from './page-cache'

// the script runs here with the host's Perl, as it runs in a server with the image's
const local = async (_server: string, cmd: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> => {
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8' })
  return { exitCode: r.status ?? 1, stdout: r.stdout, stderr: r.stderr }
}
/** resident pages of a file in the page cache (util-linux fincore) */
const resident = (file: string): number => Number(execFileSync('fincore', ['--noheadings', '--raw', '--output', 'PAGES', file], { encoding: 'utf8' }).trim())

describe('dropPageCache', () => {
  it('drops every file under a folder (symlinks not followed) from the cache, and says how many', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'racklab-cache-'))
    try {
      mkdirSync(join(dir, 'night'))
      const big = join(dir, 'night', 'backup.xbstream')
      writeFileSync(big, Buffer.alloc(2 << 20, 7))
      const fd = openSync(big, 'r+')
      fsyncSync(fd) // written back: dirty pages are not dropped (as a backup's are, long before a drill reads them)
      closeSync(fd)
      writeFileSync(join(dir, 'COMPLETE'), 'x\n')
      symlinkSync('/etc/hostname', join(dir, 'elsewhere'))
      execFileSync('cat', [big], { stdio: 'ignore' }) // read: in the cache now
      expect(resident(big)).toBeGreaterThan(0)
      expect(await dropPageCache(local, 'backup1', [dir, join(dir, 'not-there')])).toBe(2)
      expect(resident(big)).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('never fails its caller: a server it cannot run in gives undefined', async () => {
    expect(await dropPageCache(() => Promise.reject(new Error('no such container')), 'backup1', ['/backup'])).toBeUndefined()
    expect(await dropPageCache(async () => ({ exitCode: 2, stdout: '', stderr: "Can't locate syscall.ph" }), 'db3', ['/x'])).toBeUndefined()
    expect(await dropPageCache(() => Promise.reject(new Error('unused')), 'db3', [])).toBe(0)
  })
})
