import { describe, expect, it } from 'vitest'
import { copiedHow, pitrBefore, resumeOffset, type DbBackup } from './backup-db'
import type { HookContext } from './types'

describe('resumeOffset', () => {
  it('starts where the cut copy stopped', () => {
    expect(resumeOffset('offset 1048576\n', 20_000_000)).toBe(1_048_576)
    expect(resumeOffset('offset 0', 5)).toBe(0)
  })
  it('starts again from the beginning when what is there is longer than the file (no prefix of it)', () => {
    expect(resumeOffset('offset 30', 20)).toBe(0)
  })
  it('refuses a receiver that did not say where to resume', () => {
    expect(() => resumeOffset('racklab-backup-receive: bad port', 10)).toThrow(/did not say where to resume \(it said: racklab-backup-receive: bad port\)/)
    expect(() => resumeOffset('', 10)).toThrow(/it said: nothing/)
  })
})

describe('copiedHow', () => {
  it('says whether a copy was resumed, and from where', () => {
    expect(copiedHow({ resumedAt: 0, bytes: 42 })).toBe('whole, 42 bytes')
    expect(copiedHow({ resumedAt: 10, bytes: 42 })).toBe('resumed at 10 of 42 bytes, where a cut copy stopped')
  })
})

describe('pitrBefore', () => {
  const backups = (...stamps: string[]): DbBackup[] => stamps.map((stamp) => ({ stamp }) as DbBackup)
  /** backup1 whose racklab-db-pitr answers per backup stamp: an exit code, and the stop point when it found one */
  const backup1 = (answers: Record<string, number>): { c: HookContext; asked: string[] } => {
    const asked: string[] = []
    const exec = (_server: string, cmd: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> => {
      const stamp = cmd[1]!
      asked.push(stamp)
      const exitCode = answers[stamp] ?? 1
      return Promise.resolve({ exitCode, stdout: exitCode === 0 ? `{"backup":"${stamp}","stopAt":"1234"}` : '', stderr: exitCode === 4 ? `no transaction after backup ${stamp} matches` : 'scratch server did not start' })
    }
    return { c: { server: { id: 'backup1' }, exec } as unknown as HookContext, asked }
  }

  it('takes the newest backup the statement came after, skipping the ones taken after it (a nightly that already holds the damage)', async () => {
    const { c, asked } = backup1({ '20070614T021148': 4, '20070614T012821': 0 })
    const r = await pitrBefore(c, backups('20070614T021148', '20070614T012821', '20070613T020000'), 'DELETE FROM address_book', true)
    expect(r.pitr).toMatchObject({ backup: '20070614T012821', stopAt: '1234' })
    expect(r.skipped).toEqual(['20070614T021148'])
    expect(asked).toEqual(['20070614T021148', '20070614T012821'])
  })
  it('a named backup is never swapped for another', async () => {
    const { c } = backup1({ '20070614T021148': 4, '20070614T012821': 0 })
    await expect(pitrBefore(c, backups('20070614T021148'), 'DELETE FROM address_book', false)).rejects.toThrow(/racklab-db-pitr failed \(exit 4\): no transaction after backup 20070614T021148/)
  })
  it('says so when no backup precedes the statement, naming every backup it tried', async () => {
    const { c } = backup1({ a: 4, b: 4 })
    await expect(pitrBefore(c, backups('a', 'b'), 'DELETE FROM address_book', true)).rejects.toThrow("no transaction matching 'DELETE FROM address_book' follows any backup on backup1 (a, b)")
  })
  it('any other failure stops the search at once', async () => {
    const { c, asked } = backup1({ a: 1, b: 0 })
    await expect(pitrBefore(c, backups('a', 'b'), 'DELETE FROM address_book', true)).rejects.toThrow(/exit 1\): scratch server did not start/)
    expect(asked).toEqual(['a'])
  })
})
