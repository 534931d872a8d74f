// Drawing on one face of a unit in the viewer's own terms: x from the face's left edge as the person standing
// in front of it sees it, y from the unit's bottom, d = how far a part stands out of the face.
import { BACK_Z, BODY_WIDTH, FRONT_Z, PANEL_WIDTH, type UnitPlacement, type Vec3 } from '../layout'
import type { LabelStyle } from '../label-atlas'
import type { PartSink } from './sink'

/** the bezel's outer surface */
export const FRONT_SURFACE = FRONT_Z + 0.014

export class Face {
  readonly dir: 1 | -1
  readonly width: number
  readonly height: number
  private readonly surface: number

  constructor(
    readonly sink: PartSink,
    readonly p: UnitPlacement,
    readonly side: 'front' | 'back',
  ) {
    this.dir = side === 'front' ? 1 : -1
    this.width = side === 'front' ? PANEL_WIDTH : BODY_WIDTH
    this.height = p.height - 0.0016
    this.surface = side === 'front' ? FRONT_SURFACE : BACK_Z
  }

  /** world point of face coordinates (lx, ly) at distance d out of the face */
  at(lx: number, ly: number, d = 0): Vec3 {
    return [this.p.x + this.dir * (lx - this.width / 2), this.p.y + 0.0008 + ly, this.surface + this.dir * d]
  }

  /** a box spanning d0 … d0 + d out of the face (negative d: recessed into it) */
  box(lx: number, ly: number, w: number, h: number, d: number, color: number, colorKey?: string, hideKey?: string, d0 = 0): void {
    this.sink.box(this.at(lx + w / 2, ly + h / 2, d0 + d / 2), [w, h, Math.abs(d)], color, colorKey, hideKey)
  }

  led(lx: number, ly: number, r: number, key: string, hideKey?: string, d = 0.003): void {
    this.sink.led(this.at(lx, ly, d), r, key, this.dir, hideKey)
  }

  panel(lx: number, ly: number, w: number, h: number, key: string, d = 0.002): void {
    this.sink.panel(this.at(lx + w / 2, ly + h / 2, d), [w, h, 0.002], key, true)
  }

  /** a label centred on lx, with its bottom at ly */
  label(text: string, style: LabelStyle, lx: number, ly: number, h: number, maxW = Infinity, d = 0.0035): void {
    this.sink.label(text, style, this.at(lx, ly + h / 2, d), h, this.side, maxW)
  }

  /** horizontal slits of a vent grille */
  vents(lx: number, ly: number, w: number, h: number, rows: number, color: number): void {
    const pitch = h / rows
    for (let i = 0; i < rows; i++) this.box(lx, ly + i * pitch + pitch * 0.25, w, pitch * 0.5, 0.002, color)
  }
}
