// Which Node versions Racklab supports, read from package.json `engines.node` (the one place the range is
// written; README quotes it). Only the comparators that range uses are understood (^, >=, <, exact), joined by
// spaces (and) and || (or); anything else is refused by name rather than guessed at.

export type Version = readonly [number, number, number]

interface Comparator {
  op: '^' | '>=' | '<' | '='
  v: Version
}

export function parseVersion(text: string, where = 'version'): Version {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(text.trim())
  if (!m) throw new Error(`${where}: "${text}" is not a MAJOR.MINOR.PATCH version`)
  return [Number(m[1]), Number(m[2]), Number(m[3])]
}

const cmp = (a: Version, b: Version): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]

function parseComparator(text: string, range: string): Comparator {
  const m = /^(\^|>=|<|=)?(.+)$/.exec(text)
  const op = (m?.[1] ?? '=') as Comparator['op']
  return { op, v: parseVersion(m?.[2] ?? text, `node range "${range}", comparator "${text}"`) }
}

/** the range as alternatives (||) of comparators that must all hold */
export function parseRange(range: string): Comparator[][] {
  const alternatives = range.split('||').map((a) => a.trim())
  if (alternatives.some((a) => !a)) throw new Error(`node range "${range}": an empty alternative around ||`)
  return alternatives.map((a) => a.split(/\s+/).map((c) => parseComparator(c, range)))
}

function holds(c: Comparator, v: Version): boolean {
  switch (c.op) {
    case '^':
      // npm's caret for MAJOR ≥ 1: same major, at least this version
      return v[0] === c.v[0] && cmp(v, c.v) >= 0
    case '>=':
      return cmp(v, c.v) >= 0
    case '<':
      return cmp(v, c.v) < 0
    case '=':
      return cmp(v, c.v) === 0
  }
}

export function satisfies(version: string, range: string): boolean {
  const v = parseVersion(version)
  return parseRange(range).some((all) => all.every((c) => holds(c, v)))
}

/** the lowest version the range admits: the floor CI should run at (or at least on the same major.minor) */
export function lowerBound(range: string): Version {
  const floors = parseRange(range).map((all) => {
    const lows = all.filter((c) => c.op !== '<').map((c) => c.v)
    if (!lows.length) throw new Error(`node range "${range}": an alternative with no lower bound`)
    return lows.reduce((a, b) => (cmp(a, b) >= 0 ? a : b))
  })
  return floors.reduce((a, b) => (cmp(a, b) <= 0 ? a : b))
}

/** One line for CI: is this Node supported, and does this run exercise the range's lowest line (major.minor)? */
export function describeNode(version: string, range: string): { ok: boolean; atLowerBound: boolean; text: string } {
  const v = parseVersion(version)
  const low = lowerBound(range)
  const ok = satisfies(version, range)
  const atLowerBound = v[0] === low[0] && v[1] === low[1]
  const lowText = low.join('.')
  const text = ok
    ? `node ${v.join('.')} is in engines.node "${range}"${atLowerBound ? ` and on its lowest line (${low[0]}.${low[1]}, floor ${lowText})` : ` (lowest supported: ${lowText})`}`
    : `node ${v.join('.')} is outside engines.node "${range}": install Node ${lowText} or newer within the range`
  return { ok, atLowerBound, text }
}
