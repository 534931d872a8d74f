import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { nightDue, NightlyLedger } from './nightly'

const H = 3_600_000

describe('nightly backups on the lab clock', () => {
  it('is due at 02:00 lab time each day, once per night', () => {
    expect(nightDue(1.9 * H, -1)).toBeUndefined()
    expect(nightDue(2 * H, -1)).toBe(0)
    expect(nightDue(25.9 * H, 0)).toBeUndefined()
    expect(nightDue(26 * H, 0)).toBe(1)
  })
  it('after a gap only the newest night is due (a missed night is not run late)', () => {
    expect(nightDue(5 * 24 * H + 3 * H, 0)).toBe(5)
  })
  it('remembers the last night tried across engine restarts', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'nightly-')), 'nightly.json')
    expect(new NightlyLedger(f).last()).toBe(-1)
    new NightlyLedger(f).mark(3)
    expect(new NightlyLedger(f).last()).toBe(3)
  })
})
