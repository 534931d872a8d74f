// YAML-level problems: syntax errors (with line:column) and duplicate keys (with the field path and
// both lines, which yaml itself only reports at the start of the enclosing mapping).
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml'
import { formatPath, problem, type FieldPath, type TopologyProblem } from './problems.ts'

/** After this many syntax errors the rest are almost always echoes of the first. */
const MAX_SYNTAX_ERRORS = 5

function findDuplicateKeys(doc: Document, lines: LineCounter, file: string): TopologyProblem[] {
  const out: TopologyProblem[] = []
  const pos = (offset: number): { line: number; column: number } => {
    const { line, col } = lines.linePos(offset)
    return { line, column: col }
  }
  const walk = (node: Node | null | undefined, path: FieldPath): void => {
    if (isMap(node)) {
      const first = new Map<string, number>()
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined
        const offset = isScalar(pair.key) ? pair.key.range?.[0] : undefined
        if (key === undefined || offset === undefined) continue
        const seen = first.get(key)
        if (seen === undefined) first.set(key, offset)
        else out.push(problem(file, pos(offset), formatPath([...path, key]), `duplicate key "${key}" (first at line ${pos(seen).line})`))
        walk(pair.value as Node | null, [...path, key])
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item as Node, [...path, i]))
    }
  }
  walk(doc.contents, [])
  return out
}

/** Problems that stop the file from being read as YAML at all; empty when the text parses. */
export function yamlProblems(text: string, file: string, doc: Document, lines: LineCounter): { problems: TopologyProblem[]; more: number } {
  if (doc.errors.length === 0) return { problems: [], more: 0 }
  const problems: TopologyProblem[] = []
  const syntax = doc.errors.filter((e) => e.code !== 'DUPLICATE_KEY').sort((a, b) => a.pos[0] - b.pos[0])
  for (const e of syntax.slice(0, MAX_SYNTAX_ERRORS)) {
    const { line, col } = lines.linePos(e.pos[0])
    const text = e.code === 'MULTIPLE_DOCS' ? 'a topology file holds one YAML document; remove the "---" separator and what follows, or merge them' : e.message
    problems.push(problem(file, { line, column: col }, '(yaml)', `YAML syntax: ${text}`))
  }
  if (syntax.length === 0) {
    // only duplicate keys: parse again allowing them, to say which key and where both copies are
    const relaxed = new LineCounter()
    const again = parseDocument(text, { lineCounter: relaxed, prettyErrors: false, uniqueKeys: false })
    problems.push(...findDuplicateKeys(again, relaxed, file))
  }
  const first = doc.errors[0]
  if (problems.length === 0 && first) {
    // a duplicate the walk cannot name (e.g. a complex key): still never let the file through
    const { line, col } = lines.linePos(first.pos[0])
    problems.push(problem(file, { line, column: col }, '(yaml)', `YAML: ${first.message}`))
  }
  return { problems, more: Math.max(0, syntax.length - MAX_SYNTAX_ERRORS) }
}
