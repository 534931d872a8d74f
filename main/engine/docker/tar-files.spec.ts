// The archive is read back by the system's tar, as Docker reads it: names, modes and contents as given.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { tarFiles } from './tar-files'

const work = mkdtempSync(join(tmpdir(), 'racklab-tar-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('tarFiles', () => {
  it('writes files that tar extracts with their modes and exact contents (multi-block, empty, UTF-8)', () => {
    const big = 'x'.repeat(1300) + '\n'
    const tar = tarFiles([
      { name: 'ssh_host_ed25519_key', content: big, mode: 0o600 },
      { name: 'listen', content: '10.231.0.11\n10.231.1.11\n', mode: 0o644 },
      { name: 'empty', content: '', mode: 0o644 },
      { name: 'utf8', content: 'Grüße\n', mode: 0o640 },
    ])
    expect(tar.length % 512).toBe(0)
    writeFileSync(join(work, 'a.tar'), tar)
    expect(execFileSync('tar', ['-tf', join(work, 'a.tar')], { encoding: 'utf8' }).trim().split('\n')).toEqual(['ssh_host_ed25519_key', 'listen', 'empty', 'utf8'])
    execFileSync('tar', ['-xpf', join(work, 'a.tar'), '-C', work])
    expect(readFileSync(join(work, 'ssh_host_ed25519_key'), 'utf8')).toBe(big)
    expect(statSync(join(work, 'ssh_host_ed25519_key')).mode & 0o777).toBe(0o600)
    expect(readFileSync(join(work, 'listen'), 'utf8')).toBe('10.231.0.11\n10.231.1.11\n')
    expect(readFileSync(join(work, 'empty'), 'utf8')).toBe('')
    expect(readFileSync(join(work, 'utf8'), 'utf8')).toBe('Grüße\n')
    expect(statSync(join(work, 'utf8')).mode & 0o777).toBe(0o640)
  })

  it('refuses a name with a directory or a traversal', () => {
    expect(() => tarFiles([{ name: '../etc/passwd', content: '', mode: 0o644 }])).toThrow(/not a plain file name/)
    expect(() => tarFiles([{ name: 'a/b', content: '', mode: 0o644 }])).toThrow(/not a plain file name/)
  })
})
