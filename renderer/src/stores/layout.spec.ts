import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { DEFAULT_LAYOUT, LAYOUT_KEY, LIMITS, loadLayout, useLayoutStore } from './layout'

beforeEach(() => {
  localStorage.clear()
  setActivePinia(createPinia())
})

describe('layout store', () => {
  it('starts from the defaults, clamps resizes and remembers sizes and the dock tab', async () => {
    const layout = useLayoutStore()
    expect({ left: layout.left, right: layout.right, dock: layout.dock, tab: layout.tab, view: layout.view }).toEqual(DEFAULT_LAYOUT)
    layout.resize('left', 10)
    expect(layout.left).toBe(LIMITS.left[0])
    layout.resize('dock', 400.4)
    layout.save()
    layout.tab = 'journal'
    layout.view = 'map'
    await nextTick()
    expect(JSON.parse(localStorage.getItem(LAYOUT_KEY)!)).toEqual({ left: LIMITS.left[0], right: DEFAULT_LAYOUT.right, dock: 400, tab: 'journal', view: 'map' })
    setActivePinia(createPinia())
    const again = useLayoutStore()
    expect([again.left, again.dock, again.tab, again.view]).toEqual([LIMITS.left[0], 400, 'journal', 'map'])
  })

  it('falls back field by field on a bad or foreign saved value', () => {
    const store = (raw: string): Pick<Storage, 'getItem'> => ({ getItem: () => raw })
    expect(loadLayout(store('{not json'))).toEqual(DEFAULT_LAYOUT)
    expect(loadLayout(store(JSON.stringify({ left: 'wide', right: 99999, dock: 300, tab: 'nope', view: '4d' })))).toEqual({ ...DEFAULT_LAYOUT, right: LIMITS.right[1], dock: 300 })
  })
})
