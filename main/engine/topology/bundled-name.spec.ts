import { describe, expect, it } from 'vitest'
import { bundledTopologyName } from './bundled-name'
import { loadTopology } from './loader'

describe('bundledTopologyName', () => {
  it('reads the same name as the full loader', async () => {
    expect(bundledTopologyName()).toBe((await loadTopology()).topology.name)
  })
})
