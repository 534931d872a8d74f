import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { describeNode, lowerBound, parseRange, satisfies } from './node-range'

const RANGE = '^20.19.0 || >=22.12.0'

describe('node range', () => {
  it('admits 20.19+ on the 20 line and 22.12+, and nothing between', () => {
    for (const v of ['20.19.0', '20.20.2', 'v20.99.0', '22.12.0', '22.20.1', '24.0.0']) expect(satisfies(v, RANGE), v).toBe(true)
    for (const v of ['20.18.3', '21.7.0', '22.11.0', '18.20.0']) expect(satisfies(v, RANGE), v).toBe(false)
  })

  it('finds the floor and says whether a run is on its lowest line', () => {
    expect(lowerBound(RANGE)).toEqual([20, 19, 0])
    expect(lowerBound('>=18.0.0 <19.0.0 || ^16.3.1')).toEqual([16, 3, 1])
    expect(describeNode('20.19.2', RANGE)).toMatchObject({ ok: true, atLowerBound: true })
    expect(describeNode('20.20.2', RANGE)).toMatchObject({ ok: true, atLowerBound: false })
    const old = describeNode('20.18.0', RANGE)
    expect(old.ok).toBe(false)
    expect(old.text).toContain('install Node 20.19.0')
  })

  it('refuses what it does not understand, naming the comparator', () => {
    expect(() => parseRange('~20.19.0')).toThrow(/comparator "~20.19.0"/)
    expect(() => parseRange('>=20 || ')).toThrow(/empty alternative/)
    expect(() => lowerBound('<22.0.0')).toThrow(/no lower bound/)
  })

  it("reads package.json's engines.node, which README quotes", () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines?: { node?: string } }
    const range = pkg.engines?.node
    expect(range).toBeTruthy()
    expect(() => parseRange(range!)).not.toThrow()
    expect(readFileSync('README.md', 'utf8')).toContain(`\`${range}\``)
  })
})
