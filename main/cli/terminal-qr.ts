// A QR code for a link, drawn in a terminal with half blocks (two module rows per text line), so a student
// points a phone at the trainer's screen instead of typing a 60-character token.
import qrcode from 'qrcode-generator'

/** quiet zone in modules: the spec asks for 4; 2 is what phone readers need on a dark-on-light terminal */
const QUIET = 2

/** the code's modules, true = dark, with the quiet zone around them */
export function qrModules(text: string): boolean[][] {
  const q = qrcode(0, 'L') // smallest version that holds the text; L: a screen is not a crumpled label
  q.addData(text, 'Byte')
  q.make()
  const n = q.getModuleCount()
  return Array.from({ length: n + 2 * QUIET }, (_, r) =>
    Array.from({ length: n + 2 * QUIET }, (_, c) => r >= QUIET && c >= QUIET && r < n + QUIET && c < n + QUIET && q.isDark(r - QUIET, c - QUIET)))
}

/** the QR code as text lines. Light modules are drawn (█), dark ones left as the background: it reads on the
 *  usual dark terminal; `invert` for a light one. */
export function qrText(text: string, invert = false): string {
  const m = qrModules(text)
  const lit = (r: number, c: number): boolean => (m[r]?.[c] ?? false) === invert // a missing last row: background
  const lines: string[] = []
  for (let r = 0; r < m.length; r += 2) {
    let line = ''
    for (let c = 0; c < m[r]!.length; c++) {
      const top = lit(r, c)
      const bottom = r + 1 < m.length ? lit(r + 1, c) : false
      line += top && bottom ? '█' : top ? '▀' : bottom ? '▄' : ' '
    }
    lines.push(line)
  }
  return `${lines.join('\n')}\n`
}
