import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { nightDue, nightFor, NightlyLedger } from './nightly'

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
  it('reset (down restarts the lab clock) makes the first night of the new clock due again', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'nightly-')), 'nightly.json')
    const ledger = new NightlyLedger(f)
    ledger.mark(2)
    expect(nightDue(2 * H, ledger.last())).toBeUndefined()
    ledger.reset()
    expect(nightDue(2 * H, ledger.last())).toBe(0)
    expect(new NightlyLedger(f).last()).toBe(-1)
  })
  it('writes nightly.json atomically (owner-only, no temp left) and reads it once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nightly-'))
    const f = join(dir, 'nightly.json')
    const ledger = new NightlyLedger(f)
    ledger.mark(4)
    expect(JSON.parse(readFileSync(f, 'utf8'))).toEqual({ night: 4 })
    expect(statSync(f).mode & 0o777).toBe(0o600)
    expect(readdirSync(dir)).toEqual(['nightly.json'])
    expect(ledger.last()).toBe(4)
  })
  it('a torn nightly.json is named and kept aside instead of throwing from the engine tick (was: SyntaxError every 500 ms)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nightly-'))
    const f = join(dir, 'nightly.json')
    writeFileSync(f, '{"nig')
    const said: string[] = []
    const ledger = new NightlyLedger(f, (t) => said.push(t))
    expect(ledger.last()).toBe(-1)
    expect(said).toEqual([expect.stringMatching(/nightly\.json is unreadable: not valid JSON .*kept it as nightly\.json\.corrupt-.*; the newest night due is backed up again$/)])
    expect(readdirSync(dir).filter((n) => n.startsWith('nightly.json.corrupt-'))).toHaveLength(1)
    ledger.mark(2)
    expect(new NightlyLedger(f, (t) => said.push(t)).last()).toBe(2)
    expect(said).toHaveLength(1)
  })
  it('valid JSON of the wrong shape is refused with the field named', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'nightly-')), 'nightly.json')
    writeFileSync(f, '{"night":"3"}')
    const said: string[] = []
    expect(new NightlyLedger(f, (t) => said.push(t)).last()).toBe(-1)
    expect(said[0]).toMatch(/nightly\.json is unreadable: night: .*expected number/)
  })
})

describe('nightFor: what a due night does with the backup server as it is', () => {
  it('waits while backup1 is not in the lab yet or is still coming up (the first up passes 02:00 while it builds images)', () => {
    expect(nightFor({ member: false })).toBe('wait')
    expect(nightFor({ member: true, state: 'absent', health: 'unknown' })).toBe('wait')
    expect(nightFor({ member: true, state: 'created', health: 'unknown' })).toBe('wait')
    expect(nightFor({ member: true, state: 'running', health: 'starting' })).toBe('wait')
  })

  it('waits while an up (or down) holds the lab, even with backup1 healthy: the stores get their roles last', () => {
    expect(nightFor({ member: true, state: 'running', health: 'healthy', settling: true })).toBe('wait')
    expect(nightFor({ member: true, state: 'stopped', health: 'unknown', settling: true })).toBe('wait')
    expect(nightFor({ member: true, state: 'running', health: 'healthy', settling: false })).toBe('run')
  })

  it('runs on a running backup server, and counts the night as missed when it is down', () => {
    expect(nightFor({ member: true, state: 'running', health: 'healthy' })).toBe('run')
    expect(nightFor({ member: true, state: 'stopped', health: 'unknown' })).toBe('missed')
    expect(nightFor({ member: true, state: 'powered-off', health: 'unknown' })).toBe('missed')
    expect(nightFor({ member: true, state: 'crashed', health: 'unknown' })).toBe('missed')
  })

  it('has nothing to do in a lab without a backup server', () => {
    expect(nightFor(undefined)).toBe('none')
  })
})
