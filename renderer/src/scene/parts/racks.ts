// Cabinets: posts, side panels, rails, roof and plinth; the zero-U PDU strips on the rear posts with their amp
// meters and breaker LEDs; a sign on the roof, front and back; a soft contact shadow on the floor.
import { key } from '../led-states'
import { FRONT_Z, PANEL_WIDTH, RACK, U, type PduPlacement, type RackPlacement } from '../layout'
import { ROOM } from '../palette'
import type { PartSink } from './sink'
import { PDU_TAG, SIGN } from './styles'

export function drawRack(sink: PartSink, r: RackPlacement): void {
  const { x, height } = r
  const hw = RACK.width / 2
  const hd = RACK.depth / 2
  for (const sx of [-1, 1]) {
    for (const sz of [-1, 1]) sink.box([x + sx * (hw - 0.02), height / 2, sz * (hd - 0.02)], [0.04, height, 0.04], ROOM.rackFrame)
    sink.box([x + sx * (hw - 0.004), height / 2, 0], [0.008, height - 0.02, RACK.depth - 0.08], ROOM.rackPanel)
    // 19-inch rails, front and rear
    const railX = x + sx * (PANEL_WIDTH / 2 + 0.009)
    const railH = r.heightU * U
    sink.box([railX, RACK.plinth + railH / 2, FRONT_Z - 0.008], [0.018, railH, 0.016], ROOM.rail)
    sink.box([railX, RACK.plinth + railH / 2, -0.4], [0.018, railH, 0.016], ROOM.rail)
  }
  sink.box([x, height - RACK.cap / 2, 0], [RACK.width, RACK.cap, RACK.depth], ROOM.rackFrame)
  sink.box([x, RACK.plinth / 2, 0], [RACK.width - 0.02, RACK.plinth, RACK.depth - 0.02], 0x111316)
  // the sign on the roof, readable from either aisle
  sink.box([x, height + 0.085, 0], [RACK.width - 0.04, 0.15, 0.012], 0x1d3550)
  sink.label(r.label, SIGN, [x, height + 0.085, 0.0065], 0.1, 'front', RACK.width - 0.08)
  sink.label(r.label, SIGN, [x, height + 0.085, -0.0065], 0.1, 'back', RACK.width - 0.08)
  // a soft contact shadow, a little larger than the footprint
  sink.shadows.add([x, 0.002, 0], RACK.width + 0.5, RACK.depth + 0.5, 'floor', { u0: 0, v0: 0, u1: 1, v1: 1, aspect: 1 })
}

export function drawPdu(sink: PartSink, p: PduPlacement): void {
  const [x0, y0, z0] = p.box.min
  const [x1, y1, z1] = p.box.max
  const x = (x0 + x1) / 2
  const back = z0
  sink.box([x, (y0 + y1) / 2, (z0 + z1) / 2], [x1 - x0, y1 - y0, z1 - z0], ROOM.pdu)
  // outlets along the strip, facing the rear aisle
  const outlets = 20
  const span = y1 - y0 - 0.32
  for (let i = 0; i < outlets; i++) sink.box([x, y0 + 0.04 + (i * span) / (outlets - 1), back - 0.003], [0.026, 0.034, 0.006], ROOM.outlet)
  // meter head near the top: a backlit display, its readout, the breaker LED, and a side tag
  const my = y1 - 0.13
  sink.box([x, my, back - 0.005], [0.062, 0.085, 0.01], 0x0c0d0f)
  sink.panel([x, my + 0.01, back - 0.0105], [0.056, 0.04, 0.002], key.meter(p.id), false)
  sink.meter(key.meter(p.id), [x, my + 0.01, back - 0.0122], 0.054, 0.027, 'back')
  sink.led([x, my - 0.028, back - 0.011], 0.004, key.breaker(p.id), -1)
  sink.label(p.side, PDU_TAG, [x, y1 - 0.04, back - 0.002], 0.04, 'back', 0.044)
}
