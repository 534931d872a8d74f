import { describe, expect, it } from 'vitest'
import { pickEngine } from './placement'
import type { EngineSurvey } from './survey'

const GiB = 2 ** 30
const s = (name: string, free: number | undefined, labs: string[] = [], reachable = true): EngineSurvey => ({
  name,
  host: `unix:///var/run/${name}.sock`,
  reachable,
  labs,
  ...(reachable ? {} : { problem: 'connect ENOENT' }),
  ...(free === undefined ? {} : { capacity: { cpus: 2, memTotalBytes: 8 * GiB, containersMemoryBytes: 8 * GiB - free, freeMemoryBytes: free, runningContainers: labs.length } }),
})

describe('pickEngine (least-loaded by free memory)', () => {
  it('takes the engine with the most free memory', () => {
    expect(pickEngine([s('a', 2 * GiB), s('b', 5 * GiB), s('c', 3 * GiB)]).name).toBe('b')
  })
  it('breaks a tie by fewer labs, then by the order given', () => {
    expect(pickEngine([s('a', GiB, ['x', 'y']), s('b', GiB, ['z'])]).name).toBe('b')
    expect(pickEngine([s('a', GiB), s('b', GiB)]).name).toBe('a')
  })
  it('never picks an engine that does not answer, however free it looked', () => {
    expect(pickEngine([s('a', 9 * GiB, [], false), s('b', GiB)]).name).toBe('b')
  })
  it('says which engines did not answer when none does', () => {
    expect(() => pickEngine([s('a', undefined, [], false), s('b', undefined, [], false)])).toThrow(/no engine to place a lab on answers: a \(connect ENOENT\); b/)
  })
})
