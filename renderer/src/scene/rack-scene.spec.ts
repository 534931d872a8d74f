import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { InstancedMesh } from 'three'
import { indexHardware } from '../stores/hardware-view'
import { hardwareFor } from '../testing/hardware-fixture'
import { server } from '../testing/fixtures'
import { nyiTopology } from '../testing/nyi-topology'
import { createStubRenderer, sceneResources, type StubRenderer } from '../testing/stub-renderer'
import { key, sceneState } from './led-states'
import { LED_HEX } from './palette'
import { RackScene } from './rack-scene'

const t = nyiTopology()
const units = t.sites.flatMap((s) => s.racks.flatMap((r) => r.units))
let host: HTMLElement
let stub: StubRenderer
let scene: RackScene | null = null

beforeEach(() => {
  // jsdom has no 2D canvas; labels fall back to estimated widths
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null)
  host = document.createElement('div')
  document.body.append(host)
  stub = createStubRenderer()
})
afterEach(() => {
  scene?.dispose()
  scene = null
  host.remove()
  vi.restoreAllMocks()
})

function build(opts: { still?: boolean; now?: number } = {}): RackScene {
  scene = new RackScene(host, { createRenderer: () => stub, animate: false, now: () => opts.now ?? 0, ...(opts.still === undefined ? {} : { still: opts.still }) })
  scene.setTopology(t)
  return scene
}

const mesh = (s: RackScene, name: string): InstancedMesh => {
  const m = s.site?.group.getObjectByName(name)
  if (!m) throw new Error(`no mesh ${name}`)
  return m as InstancedMesh
}

describe('rack scene on the default topology', () => {
  it('places every unit and PDU of the topology, each pickable', () => {
    const s = build()
    const ids = s.site!.pickables.map((p) => p.id)
    expect(ids.filter((_, i) => s.site!.pickables[i]!.kind === 'unit').sort()).toEqual(units.map((u) => u.id).sort())
    const pdus = t.sites.flatMap((x) => x.racks.flatMap((r) => r.pdus.map((p) => p.id)))
    expect(ids.filter((_, i) => s.site!.pickables[i]!.kind === 'pdu').sort()).toEqual(pdus.sort())
    // a 2U x346 is 2 × 44.45 mm tall, a 3U Areca 3 ×
    const db1 = s.site!.layout.units.find((u) => u.id === 'db1')!
    const raid1 = s.site!.layout.units.find((u) => u.id === 'raid1')!
    expect(db1.height).toBeCloseTo(0.0889, 4)
    expect(raid1.height).toBeCloseTo(0.13335, 4)
    expect(raid1.box.max[1]).toBeLessThanOrEqual(s.site!.layout.units.find((u) => u.id === 'imap1')!.box.min[1] + 1e-9)
  })

  it('draws repeated parts instanced: one LED per disk bay, PSU, port, NIC, and a halo for each LED', () => {
    const s = build()
    const sink = s.site!.sink
    const enclosures = units.filter((u) => u.kind === 'enclosure')
    const servers = units.filter((u) => u.kind === 'server')
    const bays = enclosures.reduce((n, u) => n + (u.kind === 'enclosure' ? u.bays : 0), 0)
    const psus = units.reduce((n, u) => n + u.power.length, 0)
    const nics = servers.reduce((n, u) => n + (u.kind === 'server' ? u.nics.length : 0), 0)
    const keys = [...sink.ledKeys]
    expect(keys.filter((k) => k.startsWith('disk:'))).toHaveLength(bays)
    expect(keys.filter((k) => k.startsWith('psu:'))).toHaveLength(psus)
    expect(keys.filter((k) => k.startsWith('nic:'))).toHaveLength(nics)
    expect(keys.filter((k) => k.startsWith('port:'))).toHaveLength(units.reduce((n, u) => n + (u.kind === 'switch' ? u.ports : 0), 0))
    expect(sink.boxes.hideKeyList().filter((k) => k.startsWith('tray:'))).toHaveLength(bays)
    expect(mesh(s, 'leds').count).toBe(sink.leds.count)
    expect(mesh(s, 'halos').count).toBe(mesh(s, 'leds').count)
    expect(mesh(s, 'boxes').count).toBeGreaterThan(1000)
    expect(sink.atlas.overflowed || sink.meterAtlas.overflowed).toBe(false)
  })

  it('renders the whole site in a handful of draw calls (target ≤ 60)', () => {
    const s = build()
    s.renderNow()
    expect(s.drawCalls()).toBeGreaterThan(5)
    expect(s.drawCalls()).toBeLessThanOrEqual(60)
  })

  it('recolours LEDs and hides pulled parts from the state, without new geometry', () => {
    const s = build()
    s.renderNow()
    const before = stub.info.memory
    const hw = indexHardware(hardwareFor(t, { bays: { 'raid1/3': 'failed' }, psus: { 'db1/2': 'pulled' } }))
    s.setState(sceneState(t, [server('db1')], hw))
    s.renderNow()
    expect(s.site!.ledColor(key.disk('raid1', 3))).toBe(LED_HEX.red)
    expect(s.site!.ledColor(key.disk('raid1', 1))).toBe(LED_HEX.green)
    expect(s.site!.ledColor(key.power('db1'))).toBe(LED_HEX.green)
    expect(s.site!.sink.boxes.isHidden(key.psuModule('db1', 2))).toBe(true)
    expect(s.site!.sink.boxes.isHidden(key.psuModule('db1', 1))).toBe(false)
    expect(stub.info.memory).toEqual(before)
  })

  it('blinks a rebuilding disk, and holds it lit when LEDs are still (software renderers)', () => {
    const state = sceneState(t, [], indexHardware(hardwareFor(t, { bays: { 'raid1/12': 'rebuilding' } })))
    // 200 ms falls in the dark half of the fast blink
    const blinking = build({ now: 200 })
    blinking.setState(state)
    expect(blinking.site!.ledColor(key.disk('raid1', 12))).toBe(LED_HEX.off)
    blinking.dispose()
    const still = build({ now: 200, still: true })
    still.setState(state)
    expect(still.site!.ledColor(key.disk('raid1', 12))).toBe(LED_HEX.amber)
  })

  it('disposes every geometry, material and texture it created, and the renderer, on dispose', () => {
    const s = build()
    s.setState(sceneState(t, [], null))
    s.renderNow()
    const r = sceneResources(s.scene)
    const spies = [...r.geometries, ...r.materials, ...r.textures].map((x) => vi.spyOn(x, 'dispose'))
    expect(r.textures.size).toBeGreaterThanOrEqual(4)
    expect(spies.length).toBeGreaterThan(15)
    s.dispose()
    scene = null
    expect(spies.filter((sp) => sp.mock.calls.length === 0)).toEqual([])
    expect(stub.disposed).toBe(true)
    expect(host.querySelector('canvas')).toBeNull()
  })

  it('rebuilding for a new topology frees the old site', () => {
    const s = build()
    const old = sceneResources(s.site!.group)
    const spies = [...old.geometries].map((g) => vi.spyOn(g, 'dispose'))
    s.setTopology({ ...t, sites: t.sites.slice(0, 1) })
    expect(spies.every((sp) => sp.mock.calls.length > 0)).toBe(true)
    expect(s.site!.pickables.some((p) => p.id === 'db3')).toBe(false)
  })
})
