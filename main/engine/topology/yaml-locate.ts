// Maps a field path (as zod and the reference checks report it) back to the YAML node it came from,
// using the source ranges the parser keeps and a LineCounter for offset → line:column.
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml'
import type { FieldPath, Locator, Position } from './problems.ts'

function nodeStart(node: Node | null | undefined): number | undefined {
  return node?.range?.[0]
}

function keyMatches(key: unknown, seg: string | number): boolean {
  const k = isScalar(key) ? key.value : key
  return String(k) === String(seg)
}

export function makeLocator(doc: Document, lines: LineCounter): Locator {
  const toPos = (offset: number): Position => {
    const { line, col } = lines.linePos(offset)
    return { line, column: col }
  }

  return (path: FieldPath, at: 'key' | 'value' = 'value'): Position => {
    let node: Node | null | undefined = doc.contents
    // best offset so far: where the deepest node we managed to reach starts
    let best = nodeStart(node) ?? 0
    for (let i = 0; i < path.length; i++) {
      const seg = path[i] as string | number
      const last = i === path.length - 1
      if (isAlias(node)) node = node.resolve(doc)
      if (isMap(node)) {
        const pair = node.items.find((p) => keyMatches(p.key, seg))
        if (!pair) break
        const keyStart = nodeStart(isScalar(pair.key) ? pair.key : null)
        const valueStart = nodeStart(pair.value as Node | null)
        if (last && at === 'key' && keyStart !== undefined) return toPos(keyStart)
        // `u:` with nothing after it has no value node: point at the key instead
        best = valueStart ?? keyStart ?? best
        node = pair.value as Node | null
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg] as Node | undefined
        if (!item) break
        best = nodeStart(item) ?? best
        node = item
      } else {
        break
      }
    }
    return toPos(best)
  }
}
