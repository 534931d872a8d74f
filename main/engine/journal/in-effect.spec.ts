// What is still in effect after a run of actions: undo cancels only what it names, a hand-done inverse the
// newest matching action on its target, with the same args in any order.
import { describe, expect, it } from 'vitest'
import { cancels, stillInEffect, type EffectAction } from './in-effect'

const a = (seq: number, target: string, action: string, inverse: EffectAction['inverse'], extra: Partial<EffectAction> = {}): EffectAction & { seq: number } => ({ seq, ledgerSeq: seq, target, action, args: {}, inverse, ...extra })

describe('stillInEffect', () => {
  it('an undo cancels the action it names, even when a newer one matches', () => {
    const first = a(1, 'cable:db2/int', 'unplug', { action: 'plug' })
    const second = a(2, 'cable:db2/int', 'unplug', { action: 'plug' })
    expect(stillInEffect([first, second, a(3, 'cable:db2/int', 'plug', { action: 'unplug' }, { undoes: 1 })]).map((x) => x.seq)).toEqual([2])
    // by hand: the newest one still in effect is put back
    expect(stillInEffect([first, second, a(3, 'cable:db2/int', 'plug', { action: 'unplug' })]).map((x) => x.seq)).toEqual([1])
  })

  it('a hand-done inverse needs the same target and the same args (in any order)', () => {
    const cut = a(1, 'rack:nyi-1', 'partition', { action: 'heal-partition', args: { from: 'nyi-2', network: 'int' } }, { args: { from: 'nyi-2', network: 'int' } })
    expect(cancels(a(2, 'rack:nyi-1', 'heal-partition', { action: 'partition' }, { args: { network: 'int', from: 'nyi-2' } }), cut)).toBe(true)
    expect(cancels(a(2, 'rack:nyi-1', 'heal-partition', { action: 'partition' }, { args: { network: 'ext', from: 'nyi-2' } }), cut)).toBe(false)
    expect(cancels(a(2, 'rack:nyi-2', 'heal-partition', { action: 'partition' }, { args: { from: 'nyi-2', network: 'int' } }), cut)).toBe(false)
    // an action without a way back is never cancelled
    expect(stillInEffect([a(1, 'server:imap2', 'resync', { none: 'copies mail' }), a(2, 'server:imap2', 'resync', { none: 'copies mail' })]).length).toBe(2)
  })
})
