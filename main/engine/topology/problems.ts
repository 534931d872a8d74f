// A problem found in a topology file, pinned to file:line:column and the field path, so a person can
// go straight to the line. All problems of a file are collected and thrown together.
import { LabError } from '@contract/errors'

/** 1-based line and column, as editors show them. */
export interface Position {
  line: number
  column: number
}

export interface TopologyProblem extends Position {
  file: string
  /** field path like sites[0].racks[1].units[3].u, or "(document)" / "(yaml)" */
  path: string
  message: string
  /** the whole line as shown to the user: file:line:column: path: message */
  text: string
}

export type PathSegment = string | number
export type FieldPath = readonly PathSegment[]

/**
 * Finds where a field path sits in the source. `at: 'key'` points at the key of the last segment
 * (for "unknown field"), otherwise at its value. A path that does not exist in the document resolves
 * to its deepest existing ancestor (a missing field is reported where its object starts).
 */
export type Locator = (path: FieldPath, at?: 'key' | 'value') => Position

/** sites[0].racks[1].units[3].u */
export function formatPath(path: FieldPath): string {
  let out = ''
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`
  return out === '' ? '(document)' : out
}

export function problem(file: string, pos: Position, path: string, message: string): TopologyProblem {
  return { file, line: pos.line, column: pos.column, path, message, text: `${file}:${pos.line}:${pos.column}: ${path}: ${message}` }
}

/** Collects problems for one file, located through the file's Locator. */
export class ProblemList {
  readonly items: TopologyProblem[] = []
  constructor(
    readonly file: string,
    private readonly locate: Locator,
  ) {}

  /** where a path sits, for messages that refer to another place in the file */
  at(path: FieldPath): Position {
    return this.locate(path)
  }

  add(path: FieldPath, message: string, at: 'key' | 'value' = 'value'): void {
    this.items.push(problem(this.file, this.locate(path, at), formatPath(path), message))
  }

  push(p: TopologyProblem): void {
    this.items.push(p)
  }
}

/** Sorted by position, so the report reads top to bottom like the file. */
export function sortProblems(list: readonly TopologyProblem[]): TopologyProblem[] {
  return [...list].sort((a, b) => a.line - b.line || a.column - b.column || a.text.localeCompare(b.text))
}

export function topologyError(file: string, list: readonly TopologyProblem[], note?: string, what: 'topology' | 'scenario' = 'topology'): LabError {
  const sorted = sortProblems(list)
  const n = sorted.length
  const head = `${file}: the ${what} is invalid (${n} problem${n === 1 ? '' : 's'}):`
  const lines = [head, ...sorted.map((p) => `  ${p.text}`), ...(note ? [`  ${note}`] : [])]
  return new LabError(what === 'topology' ? 'TOPOLOGY_INVALID' : 'SCENARIO_INVALID', lines.join('\n'), { file, errors: sorted })
}
