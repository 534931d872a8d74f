import { describe, expect, it } from 'vitest'
import { nyiTopology } from '../testing/nyi-topology'
import { navigate } from './keyboard-nav'
import { layoutTopology } from './layout'

const layout = layoutTopology(nyiTopology())

describe('keyboard navigation over units', () => {
  it('starts at the top of the first rack and walks down it in reading order', () => {
    let id = navigate(layout, null, 'ArrowDown')
    expect(id).toBe('sw-ext1')
    const seen: string[] = [id!]
    for (let i = 0; i < 4; i++) seen.push((id = navigate(layout, id, 'ArrowDown'))!)
    expect(seen).toEqual(['sw-ext1', 'sw-int1', 'fe1', 'web1', 'mx1'])
    expect(navigate(layout, 'sw-ext1', 'ArrowUp')).toBe('sw-ext1')
    expect(navigate(layout, 'web1', 'End')).toBe('ns1')
  })

  it('moves sideways to the unit at the same height in the next rack', () => {
    expect(navigate(layout, 'db1', 'ArrowRight')).toBe('db2')
    expect(navigate(layout, 'db2', 'ArrowLeft')).toBe('db1')
    expect(navigate(layout, 'ns2', 'ArrowRight')).toBe('file3')
    expect(navigate(layout, 'file2', 'ArrowRight')).toBe('backup1')
    // the offsite rack is the last column: right stays put
    expect(navigate(layout, 'db3', 'ArrowRight')).toBe('db3')
  })
})
