// Loads and checks the hardware catalogue. Every problem is reported as file:line:column: path: message
// (the same form as the topology loader), all at once, in one LabError.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml'
import { LabError } from '@contract/errors'
import { CatalogSchema, type Catalog, type CatalogDoc, type CatalogModel } from './catalog-schema.ts'

type Path = readonly (string | number)[]

/** resources/hardware/catalog.yaml, resolved from this source file (dev, tests, bench). */
export const defaultCatalogPath = (): string => fileURLToPath(new URL('../../../resources/hardware/catalog.yaml', import.meta.url))

export function formatPath(path: Path): string {
  let out = ''
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`
  return out === '' ? '(document)' : out
}

/** Offset of the deepest node of `path` that exists in the document (of its last key, with `atKey`). */
function locate(doc: Document, path: Path, atKey = false): number {
  let node: unknown = doc.contents
  let best = (node as Node | null)?.range?.[0] ?? 0
  for (const [i, seg] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(seg))
      if (!pair) break
      if (atKey && i === path.length - 1 && isScalar(pair.key) && pair.key.range) return pair.key.range[0]
      node = pair.value
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg]
    } else break
    const start = (node as Node | null | undefined)?.range?.[0]
    if (start === undefined) break
    best = start
  }
  return best
}

/** Cross-field rules zod cannot see: unique ids, part references, sane numbers. */
function crossCheck(doc: CatalogDoc, add: (path: Path, msg: string) => void): void {
  const first = new Map<string, number>()
  doc.models.forEach((m, i) => {
    const prev = first.get(m.id)
    if (prev !== undefined) add(['models', i, 'id'], `duplicate model id "${m.id}" (first at models[${prev}])`)
    else first.set(m.id, i)
  })
  const byId = new Map(doc.models.map((m) => [m.id, m]))
  doc.models.forEach((m, i) => {
    if (m.kind === 'server' || m.kind === 'enclosure' || m.kind === 'switch') {
      if (m.psu.standard > m.psu.slots) add(['models', i, 'psu', 'standard'], `${m.psu.standard} standard PSUs do not fit ${m.psu.slots} slots`)
      if (m.psu.slots === 0) add(['models', i, 'psu', 'slots'], 'a powered unit needs at least one PSU slot')
      const part = m.psu.part === undefined ? undefined : byId.get(m.psu.part)
      if (m.psu.part !== undefined && part?.kind !== 'psu') add(['models', i, 'psu', 'part'], `"${m.psu.part}" is not a psu model of this catalogue`)
      if (m.power.load < m.power.idle) add(['models', i, 'power', 'load'], `load (${m.power.load} W) is below idle (${m.power.idle} W)`)
      if (m.power.bootSurgeSeconds > m.power.bootSeconds) add(['models', i, 'power', 'bootSurgeSeconds'], 'the boot surge cannot outlast the boot')
      if (m.size.u < 1) add(['models', i, 'size', 'u'], 'a powered unit is at least 1U high')
    }
    if (m.kind === 'disk' && m.power.load < m.power.idle) add(['models', i, 'power', 'load'], 'load is below idle')
  })
}

/** Parses catalogue text; `file` names it in error messages. */
export function parseCatalog(text: string, file: string): Catalog {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false })
  const problems: { offset: number; text: string }[] = []
  const at = (offset: number, path: string, msg: string): void => {
    const { line, col } = lines.linePos(offset)
    problems.push({ offset, text: `${file}:${line}:${col}: ${path}: ${msg}` })
  }
  for (const e of doc.errors) at(e.pos[0], '(yaml)', e.message.split('\n')[0] ?? e.message)
  if (problems.length === 0) {
    const parsed = CatalogSchema.safeParse(doc.toJS())
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol')
        // point at the offending key itself, not at the start of its object
        const where = issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined ? [...path, issue.keys[0]] : path
        at(locate(doc, where, issue.code === 'unrecognized_keys'), formatPath(path), issue.message)
      }
    } else {
      crossCheck(parsed.data, (path, msg) => at(locate(doc, path), formatPath(path), msg))
      if (problems.length === 0) return indexCatalog(parsed.data)
    }
  }
  problems.sort((a, b) => a.offset - b.offset)
  const n = problems.length
  const head = `${file}: the hardware catalogue is invalid (${n} problem${n === 1 ? '' : 's'}):`
  throw new LabError('TOPOLOGY_INVALID', [head, ...problems.map((p) => `  ${p.text}`)].join('\n'), { file, errors: problems.map((p) => p.text) })
}

export function indexCatalog(doc: CatalogDoc): Catalog {
  const models: Record<string, CatalogModel> = {}
  for (const m of doc.models) models[m.id] = m
  return { power: doc.power, slowdown: doc.slowdown, models }
}

/** Reads and parses a catalogue file (the default one when no path is given). */
export function loadCatalog(file: string = defaultCatalogPath()): Catalog {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e)
    throw new LabError('TOPOLOGY_INVALID', `cannot read the hardware catalogue ${file}: ${why}`)
  }
  return parseCatalog(text, file)
}

/** Rack height of a model, for the topology loader's overlap check; undefined if the model is unknown. */
export function heightOf(catalog: Catalog, modelId: string): number | undefined {
  const m = catalog.models[modelId]
  return m === undefined || m.kind === 'disk' || m.kind === 'psu' ? undefined : m.size.u
}
