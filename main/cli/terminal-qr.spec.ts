import { describe, expect, it } from 'vitest'
import { qrModules, qrText } from './terminal-qr'

const finderAt = (m: boolean[][], r: number, c: number): boolean => {
  // the 7×7 finder: a dark ring, a light ring, a dark 3×3 core
  for (let i = 0; i < 7; i++)
    for (let j = 0; j < 7; j++) {
      const ring = Math.max(Math.abs(i - 3), Math.abs(j - 3))
      if (m[r + i]![c + j] !== (ring !== 2)) return false
    }
  return true
}

describe('terminal QR codes', () => {
  const url = 'https://192.168.1.20:8443/?lab=ws-3&token=Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0'

  it('has the three finder patterns where a reader looks for them, inside a light quiet zone', () => {
    const m = qrModules(url)
    const n = m.length - 4
    expect((n - 17) % 4).toBe(0) // a QR version's size: 17 + 4 × version
    expect(finderAt(m, 2, 2) && finderAt(m, 2, n - 5) && finderAt(m, n - 5, 2)).toBe(true)
    expect(finderAt(m, n - 5, n - 5)).toBe(false) // no finder bottom-right: that is how orientation is read
    expect([...m[0]!, ...m[1]!, ...m.map((row) => row[0])].some(Boolean)).toBe(false)
  })

  it('a longer link needs a larger version, and different links give different codes', () => {
    expect(qrModules(`${url}&more=${'x'.repeat(120)}`).length).toBeGreaterThan(qrModules(url).length)
    expect(qrText(url)).not.toBe(qrText(url.replace('ws-3', 'ws-4')))
  })

  it('draws two module rows per line, light modules as blocks (inverted: dark ones)', () => {
    const m = qrModules(url)
    const lines = qrText(url).trimEnd().split('\n')
    expect(lines).toHaveLength(Math.ceil(m.length / 2))
    expect(lines.every((l) => [...l].length === m.length)).toBe(true)
    // the quiet zone is light: a full block on a dark terminal, blank when inverted
    expect(lines[0]).toBe('█'.repeat(m.length))
    expect(qrText(url, true).split('\n')[0]).toBe(' '.repeat(m.length))
    // row 2–3 start with the quiet zone (light, light) then the finder's top edge (dark): █ █ then ▄ or ' '
    const r = 2
    const expectChar = (top: boolean, bottom: boolean): string => (!top && !bottom ? '█' : !top ? '▀' : !bottom ? '▄' : ' ')
    expect([...lines[r / 2]!].slice(0, 9).join('')).toBe(Array.from({ length: 9 }, (_, c) => expectChar(m[r]![c]!, m[r + 1]![c]!)).join(''))
  })
})
