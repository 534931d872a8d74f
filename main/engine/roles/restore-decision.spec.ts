import { describe, expect, it } from 'vitest'
import { decideInterrupted, interruptedText, type RestoreMark } from './restore-decision'

const at = '2026-12-01T10:00:00.000Z'
const db = { primary: 'db1', primaryWasReadOnly: false, dumpBytes: 5000, pitr: {} }
const mark = (m: Partial<RestoreMark>): RestoreMark => ({ action: 'restore-db', args: { before: 'delete:address_book' }, phase: 'preparing', startedAt: at, phaseAt: at, ...m })

describe('decideInterrupted: a restore the engine was killed in', () => {
  it('rolls back one that was still preparing on the backup server: nothing live had changed', () => {
    expect(decideInterrupted(mark({}), {}).do).toBe('roll-back')
    expect(decideInterrupted(mark({ action: 'restore-mail', args: { user: 'bob' } }), {}).do).toBe('roll-back')
    expect(decideInterrupted(mark({}), {}).why).toMatch(/restore-db before=delete:address_book .*no live data had been changed/)
  })
  it('resumes a mail restore that was putting messages back (by GUID, so none twice)', () => {
    const d = decideInterrupted(mark({ action: 'restore-mail', args: { user: 'bob' }, phase: 'applying' }), {})
    expect(d.do).toBe('resume')
    expect(d.why).toMatch(/none twice/)
  })
  it('resumes a database load from the same dump, when backup1 still has it at the same size', () => {
    const d = decideInterrupted(mark({ phase: 'applying', db }), { dumpBytes: 5000 })
    expect(d).toEqual({ do: 'resume', why: expect.stringMatching(/loading on db1; the same dump is loaded again/) as unknown as string })
  })
  it('restarts from the backup when the dump is gone or changed and the restore stops before a named statement', () => {
    expect(decideInterrupted(mark({ phase: 'applying', db }), {}).do).toBe('restart')
    const d = decideInterrupted(mark({ phase: 'applying', db }), { dumpBytes: 4999 })
    expect(d.do).toBe('restart')
    expect(d.why).toMatch(/not the same \(4999 bytes, not 5000\)/)
  })
  it('refuses to replay everything again over a half load (no stop statement), and says what to do', () => {
    const d = decideInterrupted(mark({ args: {}, phase: 'applying', db }), {})
    expect(d.do).toBe('refuse')
    expect(d.why).toMatch(/gone from the backup server; replaying every binlog again would replay the half load too.*read-only/)
    expect(decideInterrupted(mark({ args: {}, phase: 'applying' }), { dumpBytes: 5000 }).do).toBe('refuse')
  })
})

describe('interruptedText', () => {
  it('says it is not done, in which phase it stopped and since when', () => {
    expect(interruptedText(mark({ phase: 'applying', phaseAt: at }))).toBe(`restore-db before=delete:address_book INTERRUPTED (engine stopped while applying it, since ${at}): not done; it is resumed or rolled back when the engine runs it again`)
  })
})
