// Unit fronts, one drawing per model family: bezels, drive trays with their LEDs, operator panels, vents, and a
// printed asset tag with the unit id. Proportions follow the real boxes closely enough to recognise them.
import type { Unit } from '@contract/topology'
import { key } from '../led-states'
import { ROOM } from '../palette'
import type { Face } from './face'
import { SILK, SILK_DARK, STICKER } from './styles'

const EAR = 0.022

function ears(f: Face, color: number): void {
  f.box(0, 0, EAR, f.height, 0.004, color)
  f.box(f.width - EAR, 0, EAR, f.height, 0.004, color)
}

/** power, status and activity LEDs in a row, left to right */
function panelLeds(f: Face, lx: number, ly: number, id: string, pitch = 0.013): void {
  f.led(lx, ly, 0.0024, key.power(id))
  f.led(lx + pitch, ly, 0.0024, key.status(id))
  f.led(lx + 2 * pitch, ly, 0.0024, key.activity(id))
}

function tray(f: Face, x: number, y: number, w: number, h: number, ledKey: string, hideKey?: string, vertical = false): void {
  f.box(x, y, w, h, -0.004, ROOM.slot)
  f.box(x + 0.001, y + 0.001, w - 0.002, h - 0.002, 0.003, ROOM.tray, undefined, hideKey)
  if (vertical) f.box(x + 0.004, y + 0.006, 0.006, h * 0.55, 0.007, ROOM.trayHandle, undefined, hideKey)
  else f.box(x + 0.005, y + 0.004, w * 0.55, Math.min(0.006, h * 0.3), 0.007, ROOM.trayHandle, undefined, hideKey)
  f.led(vertical ? x + w / 2 : x + w - 0.008, y + h - 0.007, 0.0022, ledKey, hideKey, 0.0045)
}

function ibmX346(f: Face, id: string): void {
  const H = f.height
  for (let r = 0; r < 2; r++) for (let c = 0; c < 3; c++) tray(f, 0.03 + c * 0.082, 0.006 + r * 0.028, 0.078, 0.026, key.activity(id))
  f.label(id, STICKER, 0.09, 0.064, 0.02, 0.12)
  f.box(0.17, 0.066, 0.105, 0.012, -0.002, ROOM.slot)
  f.box(0.262, 0.068, 0.01, 0.004, 0.003, ROOM.trayHandle)
  f.vents(0.285, 0.008, 0.082, H - 0.03, 8, ROOM.slot)
  f.label('xSeries 346', SILK, 0.326, H - 0.02, 0.011, 0.08)
  f.box(0.378, 0.006, 0.078, H - 0.012, 0.002, 0x22252a)
  f.box(0.386, 0.042, 0.015, 0.015, 0.006, 0xaab2bb)
  panelLeds(f, 0.412, 0.05, id)
  f.led(0.412, 0.024, 0.0024, `locate:${id}`)
}

function ibmX345(f: Face, id: string): void {
  const H = f.height
  for (let i = 0; i < 6; i++) tray(f, 0.03 + i * 0.028, 0.006, 0.026, 0.072, key.activity(id), undefined, true)
  f.vents(0.205, 0.008, 0.08, H - 0.016, 9, ROOM.slot)
  f.label(id, STICKER, 0.345, H - 0.026, 0.02, 0.11)
  f.box(0.295, 0.032, 0.1, 0.012, -0.002, ROOM.slot)
  f.label('xSeries 345', SILK, 0.345, 0.012, 0.011, 0.08)
  f.box(0.405, 0.006, 0.052, H - 0.012, 0.002, 0x2a2d32)
  f.box(0.412, 0.05, 0.014, 0.014, 0.006, 0xaab2bb)
  panelLeds(f, 0.416, 0.028, id, 0.012)
}

function ibmX3550(f: Face, id: string): void {
  for (let i = 0; i < 4; i++) tray(f, 0.03 + i * 0.056, 0.004, 0.054, 0.02, key.activity(id))
  f.box(0.03, 0.027, 0.12, 0.007, -0.002, ROOM.slot)
  f.label(id, STICKER, 0.3, 0.008, 0.022, 0.1)
  f.vents(0.355, 0.006, 0.04, f.height - 0.012, 5, ROOM.slot)
  f.box(0.405, 0.016, 0.011, 0.011, 0.006, 0xaab2bb)
  panelLeds(f, 0.425, 0.021, id, 0.011)
}

function whitebox(f: Face, id: string): void {
  f.label(id, STICKER, 0.09, 0.01, 0.022, 0.12)
  f.label('POLYWELL', SILK_DARK, 0.2, 0.026, 0.01, 0.08)
  f.box(0.16, 0.012, 0.09, 0.006, -0.002, 0x2a2a2a)
  f.vents(0.27, 0.006, 0.1, f.height - 0.012, 6, 0x6c6960)
  f.box(0.385, 0.015, 0.013, 0.013, 0.006, 0xd9d5ca)
  panelLeds(f, 0.41, 0.021, id, 0.014)
}

function thumper(f: Face, id: string): void {
  const H = f.height
  f.box(EAR, H - 0.032, f.width - 2 * EAR, 0.032, 0.004, 0xc9ced4)
  f.label(id, STICKER, 0.1, H - 0.027, 0.022, 0.12)
  f.label('Sun Fire X4500', SILK_DARK, 0.24, H - 0.022, 0.012, 0.12)
  panelLeds(f, 0.4, H - 0.016, id, 0.014)
  for (let i = 0; i < 5; i++) {
    const x = 0.032 + i * 0.085
    f.box(x, 0.012, 0.079, H - 0.058, 0.003, 0x4c5158)
    f.vents(x + 0.006, 0.018, 0.067, H - 0.07, 10, 0x1b1d21)
    f.led(x + 0.07, H - 0.052, 0.002, key.activity(id))
  }
}

function areca(f: Face, unit: Extract<Unit, { kind: 'enclosure' }>): void {
  const H = f.height
  f.label(unit.id, STICKER, 0.078, H - 0.03, 0.022, 0.09)
  f.box(0.032, 0.058, 0.092, 0.036, 0.003, 0x0e0f11)
  f.panel(0.037, 0.063, 0.082, 0.026, key.lcd(unit.id), 0.0035)
  for (let i = 0; i < 4; i++) f.box(0.04 + i * 0.02, 0.04, 0.012, 0.008, 0.005, 0x8a929b)
  f.led(0.042, 0.02, 0.0026, key.power(unit.id))
  f.label('ARECA', SILK, 0.09, 0.014, 0.012, 0.06)
  const cols = 4
  const rows = Math.ceil(unit.bays / cols)
  const h = (H - 0.012) / rows
  for (let bay = 1; bay <= unit.bays; bay++) {
    const c = (bay - 1) % cols
    const r = Math.floor((bay - 1) / cols)
    tray(f, 0.135 + c * 0.0815, 0.006 + (rows - 1 - r) * h, 0.078, h - 0.003, key.disk(unit.id, bay), key.tray(unit.id, bay))
  }
}

function catalyst(f: Face, unit: Extract<Unit, { kind: 'switch' }>): void {
  f.label(unit.id, STICKER, 0.07, 0.02, 0.018, 0.09)
  f.label('Catalyst 2960', SILK_DARK, 0.07, 0.006, 0.01, 0.09)
  f.led(0.13, 0.03, 0.002, key.power(unit.id))
  f.led(0.13, 0.014, 0.002, key.status(unit.id))
  const cols = Math.ceil(unit.ports / 2)
  for (let port = 1; port <= unit.ports; port++) {
    const c = Math.floor((port - 1) / 2)
    const top = port % 2 === 1
    const x = 0.15 + c * (0.235 / cols)
    const y = top ? 0.023 : 0.007
    f.box(x, y, 0.015, 0.012, -0.004, ROOM.port)
    f.led(x + 0.0075, top ? 0.0385 : 0.0035, 0.0017, key.port(unit.id, port))
  }
  for (let i = 0; i < 2; i++) f.box(0.405 + i * 0.026, 0.014, 0.02, 0.012, -0.004, ROOM.port)
}

function generic(f: Face, unit: Unit): void {
  f.label(unit.id, STICKER, 0.12, 0.01, Math.min(0.022, f.height * 0.6), 0.16)
  f.label(unit.model, SILK, 0.28, 0.012, 0.012, 0.14)
  panelLeds(f, 0.41, f.height / 2, unit.id)
}

export function drawFront(f: Face): void {
  const { unit, spec } = f.p
  f.box(0, 0, f.width, f.height, -0.014, spec.bezel)
  ears(f, spec.family === 'whitebox' || spec.family === 'thumper' ? 0x8f8c84 : 0x4a5058)
  switch (spec.family) {
    case 'ibm-x346':
      return ibmX346(f, unit.id)
    case 'ibm-x345':
      return ibmX345(f, unit.id)
    case 'ibm-x3550':
      return ibmX3550(f, unit.id)
    case 'whitebox':
      return whitebox(f, unit.id)
    case 'thumper':
      return thumper(f, unit.id)
    case 'areca':
      return unit.kind === 'enclosure' ? areca(f, unit) : generic(f, unit)
    case 'catalyst':
      return unit.kind === 'switch' ? catalyst(f, unit) : generic(f, unit)
    case 'shelf':
    case 'generic':
      return generic(f, unit)
  }
}
