import { afterEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import { useSelectionStore } from '../stores/selection'
import { labStatus, server } from '../testing/fixtures'
import { flush } from '../testing/flush'
import { labClient } from '../testing/lab-client'
import { mountWith, type Mounted } from '../testing/mount'
import { sceneResources, stubRenderers } from '../testing/stub-renderer'
import SiteView from './SiteView.vue'

let mounted: Mounted | null = null
afterEach(() => {
  mounted?.unmount()
  mounted = null
})

async function mountView(): Promise<Mounted> {
  mounted = mountWith(SiteView, labClient(labStatus([server('db1', { role: 'db' })])))
  await flush()
  await nextTick()
  return mounted
}

describe('SiteView', () => {
  it('renders the site and, on unmount, disposes every geometry, material and texture and the renderer', async () => {
    const m = await mountView()
    await new Promise((r) => setTimeout(r, 60)) // a few animation frames
    const stub = stubRenderers.at(-1)!
    expect(stub.renders).toBeGreaterThan(0)
    expect(stub.info.render.calls).toBeLessThanOrEqual(60)
    const r = sceneResources(stub.lastScene!)
    const spies = [...r.geometries, ...r.materials, ...r.textures].map((x) => vi.spyOn(x, 'dispose'))
    expect(spies.length).toBeGreaterThan(15)
    m.unmount()
    mounted = null
    expect(spies.filter((s) => s.mock.calls.length === 0)).toHaveLength(0)
    expect(stub.disposed).toBe(true)
  })

  it('exposes the e2e hook while mounted and removes it, with the canvas, on unmount', async () => {
    const m = await mountView()
    const hook = window.__racklabScene
    expect(hook).toBeDefined()
    hook!.selectUnit('db1')
    expect(useSelectionStore().selected).toEqual({ kind: 'unit', id: 'db1' })
    hook!.selectUnit('nyi-2-pdu-b')
    expect(useSelectionStore().selected).toEqual({ kind: 'circuit', id: 'nyi-2-b', pdu: 'nyi-2-pdu-b' })
    // LEDs and meters as drawn: db1 runs (no hardware model here, so its power LED follows the container)
    expect(hook!.ledState('db1')).toEqual({ color: 'green', blink: 'none' })
    expect(hook!.ledState('nyi-2-pdu-b', 'breaker')).toEqual({ color: 'unknown', blink: 'none' })
    expect(hook!.meter('nyi-2-pdu-b')).toBe('– A')
    expect(hook!.ledState('no-such-unit')).toBeNull()
    expect(m.$('canvas')).not.toBeNull()
    m.unmount()
    mounted = null
    expect(window.__racklabScene).toBeUndefined()
    expect(m.el.querySelector('canvas')).toBeNull()
  })

  it('moves a keyboard cursor with the arrows, announces it, and selects with Enter', async () => {
    const m = await mountView()
    const host = m.$('[data-testid="scene"]')!
    const key = (k: string): void => void host.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }))
    key('ArrowDown')
    key('ArrowDown')
    await nextTick()
    expect(m.$('[aria-live="polite"]')?.textContent).toContain('sw-int1')
    key('Enter')
    expect(useSelectionStore().selected).toEqual({ kind: 'unit', id: 'sw-int1' })
    key('Escape')
    expect(useSelectionStore().selected).toBeNull()
  })
})
