import { describe, expect, it } from 'vitest'
import { gtidGap } from './db-seed'

describe('gtidGap: transactions a replica seeded from a backup caught up', () => {
  it('counts the sequence numbers between the backup and the primary in the backup\'s domain', () => {
    expect(gtidGap('0-1-43', '0-1-50')).toBe(7)
    expect(gtidGap('0-1-43', '0-1-43')).toBe(0)
  })
  it('reads the domain from the backup even when the primary has several, whatever the server id', () => {
    expect(gtidGap('0-1-10', '1-3-4, 0-2-15')).toBe(5)
  })
  it('says nothing (undefined) when it can\'t tell: no such domain, a primary behind the backup, nothing parsable', () => {
    expect(gtidGap('0-1-10', '1-1-20')).toBeUndefined()
    expect(gtidGap('0-1-10', '0-1-9')).toBeUndefined()
    expect(gtidGap('', '0-1-9')).toBeUndefined()
  })
})
