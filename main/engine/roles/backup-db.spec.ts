import { describe, expect, it } from 'vitest'
import { copiedHow, resumeOffset } from './backup-db'

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
