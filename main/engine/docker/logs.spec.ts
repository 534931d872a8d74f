// Docker's `since` is whole seconds: a line from just before the asked moment would be counted (a delivery
// logged a few hundred ms before a backup started would count as mail the backup missed).
import { describe, expect, it } from 'vitest'
import { linesSince } from './logs'

describe('linesSince', () => {
  it('keeps the lines stamped at or after the moment, to the millisecond, without their stamp', () => {
    const at = Date.parse('2026-12-01T00:56:52.500Z')
    const text = [
      '2026-12-01T00:56:52.123456789Z before, same second',
      '2026-12-01T00:56:52.500000000Z at the moment',
      '2026-12-01T00:56:53.000000001Z after',
      'not stamped',
    ].join('\n')
    expect(linesSince(text, at)).toBe('at the moment\nafter')
  })
})
