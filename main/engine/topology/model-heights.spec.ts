// The built-in table must agree with the hardware catalogue (resources/hardware/catalog.yaml), which
// is what the engine passes to the loader when it has one.
import { describe, expect, it } from 'vitest'
import { heightOf, loadCatalog } from '../hardware/catalog.ts'
import { loadTopology } from './loader.ts'
import { MODEL_SHAPES } from './model-heights.ts'

describe('model heights', () => {
  const catalog = loadCatalog()

  it('match the hardware catalogue, height and PSU slots', () => {
    for (const [id, shape] of Object.entries(MODEL_SHAPES)) {
      const model = catalog.models[id]
      expect(model, id).toBeDefined()
      expect(heightOf(catalog, id), id).toBe(shape.height)
      const psus = model && 'psu' in model && model.psu ? model.psu.slots : 0
      expect(psus, id).toBe(shape.psus)
    }
  })

  it('load the default topology with the catalogue as the lookup too', async () => {
    const loaded = await loadTopology(undefined, { unitHeight: (m) => heightOf(catalog, m) })
    expect(loaded.topology.name).toBe('nyi-2007')
  })
})
