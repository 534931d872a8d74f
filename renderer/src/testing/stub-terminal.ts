// A terminal stand-in for component tests: keeps what was written and lets the test type.
import type { TermLike, TerminalFactory } from '../console/terminal'

export interface StubTerminal extends TermLike {
  written: string
  type(data: string): void
  disposed: boolean
  sizes: Array<[number, number]>
}

export const stubTerminals: StubTerminal[] = []

export const createStubTerminal: TerminalFactory = () => {
  let listener: ((d: string) => void) | null = null
  const t: StubTerminal = {
    cols: 80,
    rows: 24,
    written: '',
    disposed: false,
    sizes: [],
    open() {},
    write(d) {
      t.written += d
    },
    onData(fn) {
      listener = fn
      return { dispose: () => (listener = null) }
    },
    resize(cols, rows) {
      Object.assign(t, { cols, rows })
      t.sizes.push([cols, rows])
    },
    focus() {},
    dispose() {
      t.disposed = true
    },
    type(d) {
      listener?.(d)
    },
  }
  stubTerminals.push(t)
  return t
}
