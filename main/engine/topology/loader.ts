// Loads a topology file: YAML (keeping source positions) → zod schema → cross-reference checks.
// Every problem names file:line:column and the field path; all of them are thrown together as one
// LabError('TOPOLOGY_INVALID') so a person fixes the file in one pass.
import { isAbsolute, relative, resolve } from 'node:path'
import type { Topology } from '@contract/topology'
import { LabError } from '@contract/errors'
import { LineCounter, parseDocument } from 'yaml'
import { DocumentTooLarge, readCappedText } from './read-capped.ts'
import { ProblemList, topologyError, type FieldPath, type Position } from './problems.ts'
import { bundledTopologyPath } from './resources-dir.ts'
import { validateRefs, type RefCheckOptions } from './validate-refs.ts'
import { makeLocator } from './yaml-locate.ts'
import { yamlProblems } from './yaml-syntax.ts'
import { checkSchema } from './zod-problems.ts'

export { resourcesDir, bundledTopologyPath, DEFAULT_TOPOLOGY } from './resources-dir.ts'

export interface LoadedTopology {
  topology: Topology
  /** the name used in messages: the path as given, or the bundled file's path relative to the cwd */
  fileName: string
  /** absolute path, or undefined when parsed from a string */
  path?: string
  /** where a field sits in the source, e.g. to point at a unit from a later error */
  locate: (path: FieldPath) => Position
}

export type LoadOptions = RefCheckOptions

/** Parses topology text; throws LabError TOPOLOGY_INVALID listing every problem with file:line:column. */
export function parseTopology(text: string, fileName: string, opts: LoadOptions = {}): LoadedTopology {
  const lines = new LineCounter()
  // prettyErrors off: we format positions ourselves, without yaml's code frame in the message
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  const syntax = yamlProblems(text, fileName, doc, lines)
  if (syntax.problems.length > 0) {
    const note = syntax.more > 0 ? `(and ${syntax.more} more YAML errors after these, most likely caused by the first)` : undefined
    throw topologyError(fileName, syntax.problems, note)
  }

  const locate = makeLocator(doc, lines)
  const list = new ProblemList(fileName, locate)
  let data: unknown
  try {
    data = doc.toJS()
  } catch (e) {
    // e.g. too many alias expansions (a "billion laughs" file)
    list.add([], `YAML could not be read: ${e instanceof Error ? e.message : String(e)}`)
    throw topologyError(fileName, list.items)
  }
  const topology = checkSchema(data, list)
  if (!topology) throw topologyError(fileName, list.items)
  validateRefs(topology, list, opts)
  if (list.items.length > 0) throw topologyError(fileName, list.items)
  return { topology, fileName, locate: (p) => locate(p) }
}

function displayName(abs: string): string {
  const rel = relative(process.cwd(), abs)
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs
}

/** Reads and parses a topology file; without a file, the bundled default (nyi-2007). */
export async function loadTopology(file?: string, opts: LoadOptions = {}): Promise<LoadedTopology> {
  const abs = file === undefined ? bundledTopologyPath() : resolve(file)
  const fileName = file ?? displayName(abs)
  let text: string
  try {
    text = await readCappedText(abs)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    const why = e instanceof DocumentTooLarge ? e.message : code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : String(e)
    throw new LabError('TOPOLOGY_INVALID', `cannot read topology ${fileName}: ${why}`, { file: fileName, errors: [] })
  }
  return { ...parseTopology(text, fileName, opts), path: abs }
}
