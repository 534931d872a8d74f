// The terminal widget behind an interface, so component tests pass a stub (xterm needs a real layout engine).
import { Terminal } from '@xterm/xterm'
import type { InjectionKey } from 'vue'

export interface TermLike {
  readonly cols: number
  readonly rows: number
  open(el: HTMLElement): void
  write(data: string): void
  onData(fn: (data: string) => void): { dispose(): void }
  resize(cols: number, rows: number): void
  focus(): void
  dispose(): void
}
export type TerminalFactory = (opts: { fontSize: number; fontFamily: string }) => TermLike

export const TERMINAL_FACTORY: InjectionKey<TerminalFactory> = Symbol('racklab.terminal')

export const createXterm: TerminalFactory = ({ fontSize, fontFamily }) =>
  new Terminal({
    fontSize,
    fontFamily,
    cursorBlink: true,
    convertEol: false,
    scrollback: 5000,
    theme: { background: '#0b0e12', foreground: '#e8edf2', cursor: '#ffd34d', selectionBackground: '#2e6aa8' },
  })

/** Columns and rows of a monospace cell grid that fit an element. */
export function fitCells(el: HTMLElement, fontSize: number, fontFamily: string): { cols: number; rows: number } {
  const probe = document.createElement('span')
  probe.style.cssText = `position:absolute;visibility:hidden;white-space:pre;font-size:${fontSize}px;font-family:${fontFamily};line-height:normal`
  probe.textContent = 'W'.repeat(20)
  el.append(probe)
  const r = probe.getBoundingClientRect()
  probe.remove()
  const cw = r.width > 0 ? r.width / 20 : fontSize * 0.6
  const ch = r.height > 0 ? r.height : fontSize * 1.2
  const clamp = (v: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, Math.floor(v)))
  return { cols: clamp((el.clientWidth - 16) / cw, 10, 500), rows: clamp((el.clientHeight - 8) / ch, 5, 300) }
}
