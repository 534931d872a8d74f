// The spares shelf: a tray with what remote hands can swap in, drawn as the parts themselves (disks, PSUs, a
// whole RAID unit) so a swap that empties the shelf is visible.
import type { ShelfUnit } from '@contract/topology'
import { BACK_Z, BODY_WIDTH, FRONT_Z } from '../layout'
import { ROOM } from '../palette'
import type { Face } from './face'
import { SILK, STICKER } from './styles'

export function drawShelf(f: Face, unit: ShelfUnit): void {
  const { p, sink } = f
  const depth = FRONT_Z - BACK_Z
  sink.box([p.x, p.y + 0.003, (FRONT_Z + BACK_Z) / 2], [BODY_WIDTH, 0.006, depth], 0x3b4047)
  f.box(0, 0, f.width, 0.03, -0.01, 0x50565e)
  f.label(unit.label ?? unit.id, STICKER, 0.12, 0.006, 0.018, 0.18)
  const stock = Object.entries(unit.spares)
    .map(([m, n]) => `${n}× ${m}`)
    .join('  ')
  f.label(stock || 'empty', SILK, 0.34, 0.009, 0.011, 0.24)
  let x = p.x - BODY_WIDTH / 2 + 0.01
  const top = p.y + 0.006
  for (const [model, n] of Object.entries(unit.spares)) {
    for (let i = 0; i < n; i++) {
      if (model.startsWith('sata')) sink.box([x + 0.051, top + 0.013 + (i % 2) * 0.027, FRONT_Z - 0.12], [0.102, 0.026, 0.147], 0x6d7278)
      else if (model.startsWith('psu')) sink.box([x + 0.037, top + 0.02, FRONT_Z - 0.3], [0.074, 0.04, 0.2], ROOM.psu)
      else sink.box([p.x, top + 0.03, BACK_Z + 0.2], [BODY_WIDTH - 0.04, 0.06, 0.36], 0x303338)
      if (model.startsWith('sata') ? i % 2 === 1 : model.startsWith('psu')) x += model.startsWith('psu') ? 0.08 : 0.108
    }
    if (model.startsWith('sata')) x += 0.108
  }
}
