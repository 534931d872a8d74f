// Unit backs: hot-swap PSUs with their LEDs (a pulled one leaves an empty slot), NICs with link LEDs and patch
// cables in the network's colour (an unplugged one disappears), a SCSI cable on the RAID units, vents, a tag.
import { key } from '../led-states'
import { cableHex, ROOM } from '../palette'
import type { Face } from './face'
import { STICKER } from './styles'

const PSU_W = 0.074

function psus(f: Face, id: string, fed: number, slots: number): number {
  const n = Math.max(fed, slots)
  const h = Math.min(f.height - 0.008, 0.04)
  const left = f.width - 0.008 - n * (PSU_W + 0.004)
  for (let i = 1; i <= n; i++) {
    const x = left + (i - 1) * (PSU_W + 0.004)
    const y = 0.004
    f.box(x, y, PSU_W, h, -0.004, ROOM.slot)
    if (i > fed) {
      // a slot the topology feeds no PDU into: a blanking cover
      f.box(x + 0.001, y + 0.001, PSU_W - 0.002, h - 0.002, 0.002, 0x2b2e33)
      continue
    }
    const mod = key.psuModule(id, i)
    f.box(x + 0.001, y + 0.001, PSU_W - 0.002, h - 0.002, 0.006, ROOM.psu, undefined, mod)
    f.vents(x + 0.022, y + 0.004, 0.03, h - 0.008, 4, 0x33373c)
    f.box(x + 0.004, y + h * 0.2, 0.01, h * 0.6, 0.018, ROOM.trayHandle, undefined, mod)
    f.box(x + 0.056, y + h * 0.22, 0.014, h * 0.56, 0.004, 0x111214, undefined, mod, 0.006)
    f.box(x + 0.059, y + h * 0.3, 0.008, h * 0.4, 0.05, 0x15161a, undefined, mod, 0.01)
    f.led(x + 0.062, y + h - 0.0055, 0.0024, key.psu(id, i), mod, 0.0095)
  }
  return left
}

function nics(f: Face, server: string, networks: readonly string[]): number {
  const y = Math.min(0.012, f.height / 2 - 0.008)
  networks.forEach((net, j) => {
    const x = 0.03 + j * 0.028
    f.box(x, y, 0.016, 0.013, -0.004, ROOM.port)
    f.led(x + 0.004, y + 0.0165, 0.0018, key.nic(server, net))
    const cable = key.cable(server, net)
    // plug, then the cable running sideways to the cable manager on the rack's side
    f.box(x + 0.002, y + 0.002, 0.012, 0.009, 0.022, cableHex(net), undefined, cable)
    f.box(0, y + 0.0035, x + 0.006, 0.006, 0.006, cableHex(net), undefined, cable, 0.02 + j * 0.007)
  })
  return 0.03 + networks.length * 0.028
}

export function drawBack(f: Face): void {
  const { unit, spec } = f.p
  f.box(0, 0, f.width, f.height, 0.002, spec.body)
  const tagH = Math.min(0.02, f.height * 0.45)
  if (unit.kind === 'server') {
    const left = psus(f, unit.id, unit.power.length, spec.psuSlots)
    const right = nics(f, unit.id, unit.nics.map((n) => n.network))
    const free = left - right - 0.02
    if (free > 0.05) f.vents(right + 0.01, 0.004, free - 0.06, f.height - 0.008, Math.max(3, Math.round(f.height / 0.008)), ROOM.slot)
    f.label(unit.id, STICKER, left - 0.045, f.height - tagH - 0.003, tagH, 0.08)
  } else if (unit.kind === 'enclosure') {
    const left = psus(f, unit.id, unit.power.length, spec.psuSlots)
    // the SCSI cable to the server it backs
    f.box(0.03, 0.05, 0.05, 0.016, 0.008, 0x9aa0a8)
    f.box(0, 0.053, 0.06, 0.01, 0.01, 0x2c2f34, undefined, undefined, 0.008)
    for (let i = 0; i < 2; i++) f.box(0.1 + i * 0.09, 0.01, 0.08, f.height - 0.02, 0.002, 0x1c1e22)
    f.label(unit.id, STICKER, left - 0.05, f.height - tagH - 0.004, tagH, 0.09)
  } else if (unit.kind === 'switch') {
    f.box(f.width - 0.05, 0.008, 0.028, f.height - 0.016, 0.004, 0x111214)
    f.led(f.width - 0.015, f.height / 2, 0.002, key.psu(unit.id, 1))
    f.vents(0.2, 0.006, 0.15, f.height - 0.012, 5, ROOM.slot)
    f.label(unit.id, STICKER, 0.08, 0.012, tagH, 0.1)
  }
}
