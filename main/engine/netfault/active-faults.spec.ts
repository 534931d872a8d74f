import { describe, expect, it } from 'vitest'
import type { LedgerRecord } from '../actions/action-ledger'
import { activeFaults } from './active-faults'

let seq = 0
const rec = (target: string, action: string, args: Record<string, string> = {}, ok = true, family: LedgerRecord['family'] = 'network'): LedgerRecord => ({
  seq: ++seq,
  at: '',
  labMs: 0,
  target,
  action,
  args,
  family,
  inverse: { none: '' },
  result: { end: seq, ok, text: '' },
})

describe('active network faults', () => {
  it('keeps applied faults until their removal, and ignores failed ones and other families', () => {
    const on = activeFaults([
      rec('cable:db3/wan', 'add-latency', { ms: '800' }),
      rec('cable:db2/int', 'add-loss', { percent: '5' }),
      rec('cable:db2/int', 'add-latency', { ms: '50' }, false),
      rec('cable:db2/int', 'unplug', {}, true, 'hardware'),
      rec('cable:db2/int', 'remove-loss'),
      rec('rack:nyi-1', 'partition', { from: 'nyi-2', network: 'int' }),
    ])
    expect([...on.keys()]).toEqual(['cable:db3/wan#latency', 'partition#int#nyi-1|nyi-2'])
    expect(on.get('cable:db3/wan#latency')?.args).toEqual({ ms: '800' })
  })

  it('heals a partition from either rack', () => {
    const on = activeFaults([rec('rack:nyi-1', 'partition', { from: 'nyi-2', network: 'int' }), rec('rack:nyi-2', 'heal-partition', { from: 'nyi-1', network: 'int' })])
    expect(on.size).toBe(0)
  })
})
