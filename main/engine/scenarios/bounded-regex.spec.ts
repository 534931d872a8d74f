import { describe, expect, it } from 'vitest'
import { boundedRegexTest } from './bounded-regex'

describe('boundedRegexTest', () => {
  it('matches like RegExp.test for ordinary patterns', () => {
    expect(boundedRegexTest('^db[0-9]+$', 'db2')).toBe(true)
    expect(boundedRegexTest('Slave_IO_Running: Yes', 'x\nSlave_IO_Running: Yes\ny')).toBe(true)
    expect(boundedRegexTest('^db[0-9]+$', 'fe1')).toBe(false)
  })

  it('interrupts catastrophic backtracking on this Node and says which pattern', () => {
    const t0 = performance.now()
    // unbounded, this is the 20.8 s of issue #13 (2^29 paths)
    expect(() => boundedRegexTest('^(a+)+$', `${'a'.repeat(29)}!`, 200)).toThrow(/output pattern \/\^\(a\+\)\+\$\/ was stopped after 200 ms on 30 characters/)
    expect(performance.now() - t0).toBeLessThan(2000)
  })

  it('still matches after an interrupted one, and lets a pattern error through as itself', () => {
    expect(() => boundedRegexTest('(x+x+)+y', 'x'.repeat(40), 100)).toThrow(/stopped after 100 ms/)
    expect(boundedRegexTest('^ok$', 'ok')).toBe(true)
    expect(() => boundedRegexTest('(', 'x')).toThrow(SyntaxError)
  })
})
