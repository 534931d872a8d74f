// Colours of the 3D view, and which LED colour a state shows. Tuned for a projector: saturated LEDs on a
// dark, matte room, so a red disk reads from the back row.

export type LedColor = 'off' | 'green' | 'amber' | 'red' | 'blue' | 'white' | 'unknown'
/** slow = standby/attention (1 Hz), fast = rebuilding or booting (3 Hz), flicker = link or disk activity */
export type Blink = 'none' | 'slow' | 'fast' | 'flicker'
export interface LedState {
  color: LedColor
  blink: Blink
}

export const LED_HEX: Record<LedColor, number> = {
  off: 0x1a1c1f,
  green: 0x35f07a,
  amber: 0xffb020,
  red: 0xff3b3b,
  blue: 0x3aa0ff,
  white: 0xe8f0ff,
  // state the engine does not report yet: a dim grey, never a colour that claims something
  unknown: 0x4a4f57,
}

export const ROOM = {
  background: 0x0b0e12,
  floor: 0x161a20,
  floorLine: 0x232a33,
  zone: 0x2b3644,
  rackFrame: 0x2d3239,
  rackPanel: 0x262b32,
  rail: 0x3b4149,
  trim: 0x9aa3ad,
  slot: 0x0a0b0d,
  tray: 0x50565e,
  trayHandle: 0x8a929b,
  psu: 0x5b6168,
  port: 0x101214,
  pdu: 0x2c3036,
  outlet: 0x0e0f11,
  hover: 0x7cc4ff,
  select: 0xffd34d,
  label: 0xf2f4f6,
  labelInk: 0x101317,
} as const

/** Network → patch cable colour (the usual convention: blue inside, yellow outside, red for the WAN). */
export function cableHex(network: string): number {
  if (network === 'int') return 0x2f6fd6
  if (network === 'ext') return 0xe0c020
  if (network === 'wan') return 0xd8443c
  return 0x9a9a9a
}

export type LoadTone = 'green' | 'amber' | 'red'
/** PDU amp meters: green under 40 % of the circuit's rating, amber 40–80 %, red above 80 % (the NEC limit). */
export function loadTone(loadPct: number): LoadTone {
  if (loadPct > 80) return 'red'
  if (loadPct >= 40) return 'amber'
  return 'green'
}

export const LOAD_CSS: Record<LoadTone, string> = { green: '#35f07a', amber: '#ffb020', red: '#ff3b3b' }
