// Issue 14 item 8: text meets WCAG 2 AA (4.5:1 for body text) on every surface of the theme. The tones are text
// colours (.tone-* sets `color`), so each must read on the page, a panel and a button/input face alike.
import { describe, expect, it } from 'vitest'

// read from disk: vitest empties CSS imports (even ?raw) in tests, and the renderer's types have no node:fs
const fs = (await import(/* @vite-ignore */ 'node:fs' as string)) as { readFileSync(path: string, encoding: 'utf8'): string }
const css = fs.readFileSync('renderer/src/styles.css', 'utf8') // vitest runs from the repository root

function rootVars(source: string): Record<string, string> {
  const root = /:root\s*\{([^}]*)\}/.exec(source)?.[1]
  if (!root) throw new Error('styles.css: no :root block with the theme colours')
  return Object.fromEntries([...root.matchAll(/--([\w-]+):\s*(#[0-9a-fA-F]{6})\s*;/g)].map((m) => [m[1]!, m[2]!]))
}

/** WCAG 2 relative luminance of a #rrggbb colour */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  })
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (hi! + 0.05) / (lo! + 0.05)
}

describe('theme contrast (WCAG AA)', () => {
  it('computes the WCAG ratio: black on white is 21, a colour on itself 1', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5)
    expect(contrast('#777777', '#777777')).toBe(1)
  })

  it('every text colour and tone reads at 4.5:1 or more on the page, a panel and a control face', () => {
    const v = rootVars(css)
    const texts = ['text', 'muted', 'good', 'warn', 'bad', 'busy', 'idle', 'accent']
    const surfaces = ['bg', 'panel', 'panel-2']
    for (const name of [...texts, ...surfaces]) expect(v[name], `--${name} in :root`).toMatch(/^#/)
    const low = texts.flatMap((t) => surfaces.map((s) => ({ pair: `--${t} on --${s}`, ratio: contrast(v[t]!, v[s]!) }))).filter((p) => p.ratio < 4.5)
    expect(low.map((p) => `${p.pair}: ${p.ratio.toFixed(2)}`)).toEqual([])
  })
})
