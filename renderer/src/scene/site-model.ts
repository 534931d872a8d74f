// The whole site as a few instanced meshes and merged quads, built once per topology. State changes only
// recolour instances, hide pulled parts and redraw the meter readouts: no geometry is created after build, so
// memory stays flat however often the lab changes.
import { AdditiveBlending, BoxGeometry, CanvasTexture, Color, CylinderGeometry, Group, LinearFilter, Mesh, MeshBasicMaterial, MeshLambertMaterial, PlaneGeometry, SRGBColorSpace } from 'three'
import type { Topology } from '@contract/topology'
import { LabelAtlas } from './label-atlas'
import { BACK_Z, BODY_WIDTH, FRONT_Z, layoutTopology, type SiteLayout } from './layout'
import type { SceneState } from './led-states'
import { Owned } from './owned'
import { LED_HEX, LOAD_CSS, type LedState } from './palette'
import { drawBack } from './parts/backs'
import { Face } from './parts/face'
import { buildFloor, drawZones } from './parts/floor'
import { drawFront } from './parts/fronts'
import { drawPdu, drawRack } from './parts/racks'
import { drawShelf } from './parts/shelf'
import { PartSink, type Pickable } from './parts/sink'
import { glowStops, radialTexture, shadowStops } from './textures'

export type CanvasFactory = () => HTMLCanvasElement

const METER_STYLE = { px: 40, fg: '#fff', mono: true, pad: 2 } as const

function flickerOn(k: string, slot: number): boolean {
  let h = slot * 2654435761
  for (let i = 0; i < k.length; i++) h = Math.imul(h ^ k.charCodeAt(i), 16777619)
  return (h >>> 0) % 5 !== 0
}

export function blinkOn(s: LedState, k: string, nowMs: number): boolean {
  switch (s.blink) {
    case 'none':
      return true
    case 'slow':
      return Math.floor(nowMs / 500) % 2 === 0
    case 'fast':
      return Math.floor(nowMs / 160) % 2 === 0
    case 'flicker':
      return flickerOn(k, Math.floor(nowMs / 120))
  }
}

export class SiteModel {
  readonly group = new Group()
  readonly layout: SiteLayout
  readonly sink: PartSink
  readonly pickables: Pickable[]
  private readonly owned = new Owned()
  private readonly meterTexture: CanvasTexture
  private readonly leds = new Map<string, LedState>()
  private readonly meterText = new Map<string, string>()
  private readonly dim = new Color()
  /** LEDs hold still (a blinking one shows lit): for software renderers, where each frame costs a CPU core */
  still = false

  /** software: a software rasterizer draws it (a lighter floor texture, parts/floor.ts; batches baked, instance-batch.ts) */
  constructor(topology: Topology, canvas: CanvasFactory, software = false) {
    this.group.name = 'site'
    this.layout = layoutTopology(topology)
    // meter cells are 160 × 80 px, six to a 1024-px row
    const meterRows = Math.ceil(this.layout.pdus.length / 6) * 82
    this.sink = new PartSink(new LabelAtlas(canvas(), 2048, 2048), new LabelAtlas(canvas(), 1024, 2 ** Math.ceil(Math.log2(Math.max(128, meterRows)))))
    const sink = this.sink
    drawZones(sink, this.layout)
    for (const r of this.layout.racks) drawRack(sink, r)
    for (const p of this.layout.pdus) drawPdu(sink, p)
    for (const p of this.layout.units) {
      if (p.unit.kind === 'shelf') {
        drawShelf(new Face(sink, p, 'front'), p.unit)
        continue
      }
      sink.box([p.x, p.y + p.height / 2, (FRONT_Z + BACK_Z) / 2], [BODY_WIDTH, p.height - 0.0016, FRONT_Z - BACK_Z], p.spec.body)
      drawFront(new Face(sink, p, 'front'))
      drawBack(new Face(sink, p, 'back'))
    }
    this.pickables = [
      ...this.layout.units.map((u): Pickable => ({ id: u.id, kind: 'unit', min: u.box.min, max: u.box.max })),
      ...this.layout.pdus.map((p): Pickable => ({ id: p.id, kind: 'pdu', min: p.box.min, max: p.box.max })),
    ]

    const o = this.owned
    const box = o.own(new BoxGeometry(1, 1, 1))
    const lens = o.own(new CylinderGeometry(0.5, 0.5, 1, 12).rotateX(Math.PI / 2))
    const plane = o.own(new PlaneGeometry(1, 1))
    const add = (m: Mesh, order = 0): void => {
      m.renderOrder = order
      this.group.add(m)
    }
    add(buildFloor(o, this.layout, canvas(), software))
    const shadowTex = o.own(radialTexture(canvas(), shadowStops))
    add(new Mesh(o.own(sink.shadows.build()), o.own(new MeshBasicMaterial({ map: shadowTex, transparent: true, depthWrite: false }))), 1)
    add(sink.matte.build(box, o.own(new MeshLambertMaterial()), 'matte', software))
    // Lambert: matte metal, and no grazing-angle glare on the tops of the boxes
    add(sink.boxes.build(box, o.own(new MeshLambertMaterial()), 'boxes', software))
    add(sink.leds.build(lens, o.own(new MeshBasicMaterial({ toneMapped: false })), 'leds', software))
    add(sink.panels.build(box, o.own(new MeshBasicMaterial({ toneMapped: false })), 'panels', software))
    const atlasTex = o.own(new CanvasTexture(sink.atlas.canvas))
    atlasTex.colorSpace = SRGBColorSpace
    atlasTex.anisotropy = 8
    add(new Mesh(o.own(sink.labels.build()), o.own(new MeshBasicMaterial({ map: atlasTex, transparent: true, alphaTest: 0.02 }))), 2)
    this.meterTexture = o.own(new CanvasTexture(sink.meterAtlas.canvas))
    this.meterTexture.colorSpace = SRGBColorSpace
    // it is redrawn and uploaded on every change: a software rasterizer skips rebuilding its mip chain each time
    if (software) {
      this.meterTexture.generateMipmaps = false
      this.meterTexture.minFilter = LinearFilter
    }
    add(new Mesh(o.own(sink.meterQuads.build()), o.own(new MeshBasicMaterial({ map: this.meterTexture, transparent: true, toneMapped: false }))), 3)
    const glow = o.own(radialTexture(canvas(), glowStops))
    add(sink.halos.build(plane, o.own(new MeshBasicMaterial({ map: glow, transparent: true, blending: AdditiveBlending, depthWrite: false, toneMapped: false })), 'halos', software), 4)
    for (const m of this.group.children) m.name ||= 'part'
  }

  /** Applies a new picture of the lab; returns true when anything visible changed. */
  apply(state: SceneState, nowMs: number): boolean {
    let changed = false
    this.leds.clear()
    for (const k of this.sink.ledKeys) this.leds.set(k, state.leds.get(k) ?? { color: 'unknown', blink: 'none' })
    for (const batch of [this.sink.boxes, this.sink.leds, this.sink.halos]) for (const k of batch.hideKeyList()) changed = batch.setHidden(k, state.hidden.has(k)) || changed
    changed = this.tick(nowMs, true) || changed
    for (const [k, cell] of this.sink.meterCells) {
      const m = state.meters.get(k) ?? { text: '– A', tone: 'off' as const }
      const sig = `${m.text}|${m.tone}`
      if (this.meterText.get(k) === sig) continue
      this.meterText.set(k, sig)
      const fg = m.tone === 'off' ? '#5a6068' : LOAD_CSS[m.tone]
      this.sink.meterAtlas.draw(m.text, { ...METER_STYLE, fg }, cell.x, cell.y, cell.w, cell.h)
      const back = m.tone === 'off' ? 0x101114 : this.dim.setStyle(LOAD_CSS[m.tone]).multiplyScalar(0.1).getHex()
      this.sink.panels.setColor(k, back)
      this.meterTexture.needsUpdate = true
      changed = true
    }
    return changed
  }

  /** true while some LED blinks (and blinks show): the view then needs a frame every blink step */
  get blinking(): boolean {
    if (this.still) return false
    for (const s of this.leds.values()) if (s.blink !== 'none') return true
    return false
  }

  /** Advances blinking LEDs; returns true when a colour changed. */
  tick(nowMs: number, all = false): boolean {
    let changed = false
    for (const [k, s] of this.leds) {
      if (!all && s.blink === 'none') continue
      const on = this.still || blinkOn(s, k, nowMs)
      const lit = on && s.color !== 'off' && s.color !== 'unknown'
      const lens = lit ? LED_HEX[s.color] : s.color === 'unknown' ? LED_HEX.unknown : LED_HEX.off
      changed = this.sink.leds.setColor(k, lens) || changed
      changed = this.sink.halos.setColor(k, lit ? this.dim.setHex(LED_HEX[s.color]).multiplyScalar(0.7).getHex() : 0) || changed
      // LCDs and displays share the LED keys but are flat panels
      if (k.startsWith('lcd:')) changed = this.sink.panels.setColor(k, lit ? this.dim.setHex(LED_HEX[s.color]).multiplyScalar(0.7).getHex() : LED_HEX.off) || changed
    }
    return changed
  }

  /** The state an LED was last given (what it shows, blink aside); undefined when the site has no such LED. */
  ledShown(k: string): LedState | undefined {
    return this.leds.get(k)
  }

  /** The text a PDU meter shows now; undefined before the first picture or for a meter the site lacks. */
  meterShown(k: string): string | undefined {
    return this.meterText.get(k)?.split('|')[0]
  }

  ledColor(k: string): number | undefined {
    return this.sink.leds.colorOf(k) ?? this.sink.panels.colorOf(k)
  }

  dispose(): void {
    this.group.removeFromParent()
    this.group.clear()
    this.owned.dispose()
  }
}
