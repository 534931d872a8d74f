// Every static text of the scene (unit ids, rack signs, site names) drawn once into one canvas, packed in rows,
// so all labels render in one draw call. Text is drawn large and mipmapped so it stays legible from afar.

export interface LabelStyle {
  /** CSS font size in atlas pixels */
  px: number
  weight?: 'normal' | 'bold'
  fg: string
  /** a plate behind the text (a printed sticker), or none */
  bg?: string
  /** outline for text drawn straight onto a dark surface */
  stroke?: string
  pad?: number
  mono?: boolean
}

export interface AtlasRect {
  u0: number
  v0: number
  u1: number
  v1: number
  /** width / height of the drawn label, for sizing its quad */
  aspect: number
}

export const SANS = "'DejaVu Sans', 'Segoe UI', system-ui, sans-serif"
export const MONO = "'DejaVu Sans Mono', ui-monospace, monospace"

export class LabelAtlas {
  private x = 0
  private y = 0
  private rowH = 0
  private readonly cache = new Map<string, AtlasRect>()
  /** true once a cell did not fit: later labels then overlap, which a test can catch */
  overflowed = false
  private readonly ctx: CanvasRenderingContext2D | null

  constructor(
    readonly canvas: HTMLCanvasElement,
    readonly width = 2048,
    readonly height = 2048,
  ) {
    canvas.width = width
    canvas.height = height
    this.ctx = canvas.getContext('2d')
    this.ctx?.clearRect(0, 0, width, height)
  }

  private font(s: LabelStyle): string {
    return `${s.weight ?? 'bold'} ${s.px}px ${s.mono ? MONO : SANS}`
  }

  /** Measures without a 2D context too (jsdom), so layout code runs the same in tests. */
  measure(text: string, s: LabelStyle): { w: number; h: number } {
    const pad = s.pad ?? Math.round(s.px * 0.3)
    let tw = text.length * s.px * 0.62
    if (this.ctx) {
      this.ctx.font = this.font(s)
      const m = this.ctx.measureText(text)
      if (typeof m.width === 'number' && m.width > 0) tw = m.width
    }
    return { w: Math.ceil(tw + pad * 2), h: Math.ceil(s.px * 1.25 + pad * 2) }
  }

  /** Reserves a cell of w × h pixels; rows wrap, and a full atlas reuses its last cell rather than throw. */
  reserve(w: number, h: number): { x: number; y: number } {
    if (this.x + w > this.width) {
      this.x = 0
      this.y += this.rowH + 2
      this.rowH = 0
    }
    if (this.y + h > this.height) {
      this.overflowed = true
      return { x: 0, y: Math.max(0, this.height - h) }
    }
    const at = { x: this.x, y: this.y }
    this.x += w + 2
    this.rowH = Math.max(this.rowH, h)
    return at
  }

  rectOf(x: number, y: number, w: number, h: number): AtlasRect {
    return { u0: x / this.width, u1: (x + w) / this.width, v0: 1 - (y + h) / this.height, v1: 1 - y / this.height, aspect: w / h }
  }

  /** Draws a label once; the same text in the same style reuses its cell (front and back tags, model names). */
  add(text: string, s: LabelStyle): AtlasRect {
    const id = `${text}\u0000${JSON.stringify(s)}`
    const known = this.cache.get(id)
    if (known) return known
    const { w, h } = this.measure(text, s)
    const at = this.reserve(w, h)
    this.draw(text, s, at.x, at.y, w, h)
    const r = this.rectOf(at.x, at.y, w, h)
    this.cache.set(id, r)
    return r
  }

  draw(text: string, s: LabelStyle, x: number, y: number, w: number, h: number): void {
    const ctx = this.ctx
    if (!ctx) return
    ctx.clearRect(x, y, w, h)
    if (s.bg) {
      ctx.fillStyle = s.bg
      const r = Math.min(h * 0.18, 12)
      ctx.beginPath()
      ctx.roundRect(x + 1, y + 1, w - 2, h - 2, r)
      ctx.fill()
    }
    ctx.font = this.font(s)
    ctx.textAlign = 'center'
    ctx.textBaseline = 'middle'
    if (s.stroke) {
      ctx.lineWidth = Math.max(2, s.px * 0.12)
      ctx.strokeStyle = s.stroke
      ctx.strokeText(text, x + w / 2, y + h / 2 + s.px * 0.04)
    }
    ctx.fillStyle = s.fg
    ctx.fillText(text, x + w / 2, y + h / 2 + s.px * 0.04)
  }
}
