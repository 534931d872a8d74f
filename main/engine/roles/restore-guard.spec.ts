import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RestoreMark } from './restore-decision'
import { markStore } from './restore-mark'
import { guardedRestore } from './restore-guard'
import type { HookContext } from './types'

function lab(): { c: HookContext; file: string; execs: string[][]; said: string[] } {
  const stateDir = mkdtempSync(join(tmpdir(), 'racklab-restore-guard-'))
  const execs: string[][] = []
  const said: string[] = []
  const c = {
    server: { id: 'backup1' },
    stateDir,
    exec: (_s: string, cmd: string[]) => { execs.push(cmd); return Promise.resolve({ exitCode: 0, stdout: '', stderr: '' }) },
    progress: (t: string) => void said.push(t),
  } as unknown as HookContext
  return { c, file: join(stateDir, 'restore-backup1.json'), execs, said }
}
const phaseIn = (file: string): string => (JSON.parse(readFileSync(file, 'utf8')) as RestoreMark).phase
const at = '2026-12-01T10:00:00.000Z'

describe('guardedRestore: a restore is on disk before it starts, until it ends', () => {
  it('records preparing before the restore runs and applying before it changes live data; removes it when done', async () => {
    const { c, file } = lab()
    const seen: string[] = []
    const text = await guardedRestore(c, {
      action: 'restore-mail',
      args: { user: 'bob' },
      fresh: (applying) => {
        seen.push(phaseIn(file))
        applying()
        seen.push(phaseIn(file))
        return Promise.resolve('bob restored')
      },
    })
    expect(text).toBe('bob restored')
    expect(seen).toEqual(['preparing', 'applying'])
    expect(existsSync(file)).toBe(false)
  })
  it('removes the record when the restore fails too (the journal has the failure)', async () => {
    const { c, file } = lab()
    await expect(guardedRestore(c, { action: 'restore-mail', args: {}, fresh: () => Promise.reject(new Error('no such snapshot')) })).rejects.toThrow('no such snapshot')
    expect(existsSync(file)).toBe(false)
  })
  it('rolls back a database restore killed while preparing: the scratch server stopped, reported as not restored', async () => {
    const { c, file, execs, said } = lab()
    markStore(c)!.write({ action: 'restore-db', args: { before: 'delete:address_book' }, phase: 'preparing', startedAt: at, phaseAt: at })
    let ran = false
    await expect(guardedRestore(c, { action: 'restore-db', args: { before: 'delete:address_book' }, fresh: () => { ran = true; return Promise.resolve('x') } })).rejects.toThrow(/^ROLLED BACK, not restored: .*no live data had been changed; run restore-db again/)
    expect(ran).toBe(false)
    expect(execs.some((cmd) => cmd.join(' ').includes('racklab-scratch.pid'))).toBe(true)
    expect(said[0]).toMatch(/^interrupted restore: roll-back: /)
    expect(existsSync(file)).toBe(false)
  })
  it('resumes a mail restore killed while appending: the same restore runs again, and says it was resumed', async () => {
    const { c, file } = lab()
    markStore(c)!.write({ action: 'restore-mail', args: { user: 'bob' }, phase: 'applying', startedAt: at, phaseAt: at })
    const text = await guardedRestore(c, { action: 'restore-mail', args: { user: 'bob' }, fresh: () => Promise.resolve('bob: 400 message(s) restored, 600 already there') })
    expect(text).toMatch(/^RESUMED restore-mail user=bob .*: bob: 400 message\(s\) restored, 600 already there$/)
    expect(existsSync(file)).toBe(false)
  })
  it('a different restore asked for first says the interrupted one was not finished', async () => {
    const { c } = lab()
    markStore(c)!.write({ action: 'restore-mail', args: { user: 'bob' }, phase: 'applying', startedAt: at, phaseAt: at })
    const text = await guardedRestore(c, { action: 'restore-mail', args: { user: 'alice' }, fresh: () => Promise.resolve('alice restored') })
    expect(text).toMatch(/^an earlier restore-mail user=bob INTERRUPTED .*NOT finished .*run it again\. Then: alice restored$/)
  })
})
