// Where the part builders put what they draw: lit boxes, LEDs (lens + glow halo), glowing panels (LCDs, meter
// displays) and printed labels. One batch per kind, so the whole site is a handful of draw calls.
import { InstanceBatch } from '../instance-batch'
import type { AtlasRect, LabelAtlas, LabelStyle } from '../label-atlas'
import type { Vec3 } from '../layout'
import { LED_HEX } from '../palette'
import { QuadBatch, type Facing } from '../quad-batch'

/** pixel width of a meter readout cell; the meter atlas is sized from it */
export const METER_CELL_W = 160

export interface Pickable {
  id: string
  kind: 'unit' | 'pdu'
  min: Vec3
  max: Vec3
}

export class PartSink {
  readonly boxes = new InstanceBatch()
  /** floor markings: never shiny, whatever the light */
  readonly matte = new InstanceBatch()
  readonly leds = new InstanceBatch()
  readonly halos = new InstanceBatch()
  readonly panels = new InstanceBatch()
  readonly labels = new QuadBatch()
  readonly shadows = new QuadBatch()
  /** meter readouts: quads whose cell in the meter atlas is redrawn on every state change */
  readonly meterQuads = new QuadBatch()
  readonly meterCells = new Map<string, { x: number; y: number; w: number; h: number }>()
  /** every LED key, so the state mapper can be checked against what was drawn */
  readonly ledKeys = new Set<string>()

  constructor(
    readonly atlas: LabelAtlas,
    readonly meterAtlas: LabelAtlas,
  ) {}

  box(center: Vec3, size: Vec3, color: number, colorKey?: string, hideKey?: string): void {
    this.boxes.add(center, size, color, colorKey, hideKey)
  }

  /** A round LED lens facing +z (dir 1) or −z (dir −1), with a soft halo in front of it. */
  led(center: Vec3, radius: number, key: string, dir: 1 | -1, hideKey?: string): void {
    this.ledKeys.add(key)
    this.leds.add(center, [radius * 2, radius * 2, 0.003], LED_HEX.unknown, key, hideKey)
    const halo: Vec3 = [center[0], center[1], center[2] + dir * 0.0025]
    this.halos.add(halo, [radius * 9, radius * 9, 1], 0x000000, key, hideKey)
  }

  /** A flat glowing rectangle coloured by key: a status LCD (driven like an LED) or a meter's backlight. */
  panel(center: Vec3, size: Vec3, key: string, status: boolean, color = LED_HEX.unknown): void {
    if (status) this.ledKeys.add(key)
    this.panels.add(center, size, color, key)
  }

  label(text: string, style: LabelStyle, center: Vec3, height: number, facing: Facing, maxWidth = Infinity): AtlasRect {
    const r = this.atlas.add(text, style)
    let w = height * r.aspect
    let h = height
    if (w > maxWidth) {
      h = (h * maxWidth) / w
      w = maxWidth
    }
    this.labels.add(center, w, h, facing, r)
    return r
  }

  /** Reserves a meter readout cell of fixed size, drawn later by the scene on every state change. */
  meter(key: string, center: Vec3, width: number, height: number, facing: Facing): void {
    const w = METER_CELL_W
    const h = Math.round((w * height) / width)
    const at = this.meterAtlas.reserve(w, h)
    this.meterCells.set(key, { ...at, w, h })
    this.meterQuads.add(center, width, height, facing, this.meterAtlas.rectOf(at.x, at.y, w, h))
  }
}
