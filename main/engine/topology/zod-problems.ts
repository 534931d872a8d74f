// Validates the parsed document against the contract's zod schema and turns every issue into a
// problem a person can act on: where (file:line:column, field path) and what was expected vs found.
import { TopologySchema, type Topology } from '@contract/topology'
import { z } from 'zod'
import type { FieldPath, PathSegment, ProblemList } from './problems.ts'

type Issue = z.core.$ZodIssue

/** What a YAML value looks like, for "got ..." */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing'
  if (v === null) return 'an empty value'
  if (Array.isArray(v)) return 'a list'
  if (typeof v === 'object') return 'a mapping'
  if (typeof v === 'string') return JSON.stringify(v)
  return String(v)
}

const typeNames: Record<string, string> = {
  object: 'a mapping (key: value)',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
}

function valueAt(data: unknown, path: FieldPath): unknown {
  let v = data
  for (const seg of path) {
    if (typeof v !== 'object' || v === null) return undefined
    v = (v as Record<PathSegment, unknown>)[seg]
  }
  return v
}

/** Messages that need the schema (is this number an integer?) are made here; only the error map sees it. */
const errorMap: z.core.$ZodErrorMap = (iss) => {
  const int = iss.schema instanceof z.ZodNumber && iss.schema.isInt === true
  if (iss.code === 'invalid_type') {
    const want = iss.expected === 'number' && int ? typeNames.int : (typeNames[iss.expected] ?? iss.expected)
    return iss.input === undefined ? `missing (required: ${want})` : `expected ${want}, got ${show(iss.input)}`
  }
  if ((iss.code !== 'too_small' && iss.code !== 'too_big') || iss.origin !== 'number') return undefined
  const kind = int ? 'integer' : 'number'
  const got = `got ${show(iss.input)}`
  if (iss.code === 'too_small') {
    const min = Number(iss.minimum)
    if (min === 0) return `expected a ${iss.inclusive ? 'non-negative' : 'positive'} ${kind}, ${got}`
    return `expected ${int ? 'an integer' : 'a number'} ${iss.inclusive ? '≥' : '>'} ${min}, ${got}`
  }
  return `expected ${int ? 'an integer' : 'a number'} ${iss.inclusive ? '≤' : '<'} ${Number(iss.maximum)}, ${got}`
}

function closest(word: string, options: readonly string[]): string | undefined {
  const lower = word.toLowerCase()
  return options.find((o) => o.toLowerCase() === lower) ?? options.find((o) => editDistance(o.toLowerCase(), lower) <= 2)
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost))
    }
    prev = row
  }
  return prev[b.length] ?? 0
}

function unwrap(s: z.ZodType): z.ZodType {
  let cur = s
  while (cur instanceof z.ZodDefault || cur instanceof z.ZodOptional) cur = cur.unwrap() as z.ZodType
  return cur
}

/** The field names the object at `path` accepts, found by walking the schema alongside the data. */
export function fieldsAt(path: FieldPath, data: unknown, root: z.ZodType = TopologySchema): string[] {
  let schema: z.ZodType = root
  for (let i = 0; i <= path.length; i++) {
    schema = unwrap(schema)
    if (schema instanceof z.ZodDiscriminatedUnion) {
      const kind = (valueAt(data, path.slice(0, i)) as { kind?: unknown } | undefined)?.kind
      const option = (schema.options as z.ZodType[]).find((o) => o instanceof z.ZodObject && o.shape.kind instanceof z.ZodLiteral && o.shape.kind.value === kind)
      if (!option) return []
      schema = option
    }
    if (i === path.length) break
    const seg = path[i]
    if (schema instanceof z.ZodObject && typeof seg === 'string') schema = (schema.shape as Record<string, z.ZodType>)[seg] ?? z.never()
    else if (schema instanceof z.ZodArray && typeof seg === 'number') schema = schema.element as z.ZodType
    else return []
  }
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : []
}

function report(list: ProblemList, issue: Issue, data: unknown, root: z.ZodType): void {
  const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol')
  const input = valueAt(data, path)
  switch (issue.code) {
    case 'invalid_type':
      list.add(path, issue.message)
      return
    case 'unrecognized_keys': {
      const allowed = fieldsAt(path, data, root)
      for (const key of issue.keys) {
        const guess = closest(key, allowed)
        const hint = guess ? ` (did you mean "${guess}"?)` : allowed.length ? ` (allowed here: ${allowed.join(', ')})` : ''
        list.add([...path, key], `unknown field "${key}"${hint}`, 'key')
      }
      return
    }
    case 'invalid_union': {
      if (issue.discriminator !== undefined && 'options' in issue && issue.options) {
        const opts = issue.options.map(String).join(', ')
        list.add(path, input === undefined ? `missing (required: one of ${opts})` : `expected one of ${opts}, got ${show(input)}`)
        return
      }
      list.add(path, issue.message)
      return
    }
    case 'invalid_value': {
      const opts = issue.values.map((v) => JSON.stringify(v)).join(', ')
      list.add(path, `expected ${issue.values.length === 1 ? opts : `one of ${opts}`}, got ${show(input)}`)
      return
    }
    case 'invalid_format':
      // the contract's regexes carry their own description, e.g. "a subnet like 10.231.0.0/24"
      list.add(path, `expected ${issue.message}, got ${show(input)}`)
      return
    case 'too_small':
    case 'too_big':
      if (issue.origin === 'array') {
        const n = Array.isArray(input) ? input.length : 0
        const bound = issue.code === 'too_small' ? `at least ${Number(issue.minimum)}` : `at most ${Number(issue.maximum)}`
        list.add(path, `expected ${bound} item${bound.endsWith(' 1') ? '' : 's'}, got ${n}`)
        return
      }
      if (issue.origin === 'string') {
        const bound = issue.code === 'too_small' ? `at least ${Number(issue.minimum)}` : `at most ${Number(issue.maximum)}`
        list.add(path, `expected ${bound} characters, got ${show(input)}`)
        return
      }
      list.add(path, issue.message)
      return
    case 'invalid_key':
      // a bad key in a record (the shelf's spares): point at the key itself
      for (const inner of issue.issues) list.add(path, `bad key: expected ${inner.message}`, 'key')
      return
    default:
      list.add(path, issue.message)
  }
}

/**
 * Parses with zod (the topology's schema unless another file kind's is given); on failure adds one problem
 * per issue (one per unknown key) and returns undefined.
 */
export function checkSchema(data: unknown, list: ProblemList): Topology | undefined
export function checkSchema<S extends z.ZodType>(data: unknown, list: ProblemList, schema: S): z.output<S> | undefined
export function checkSchema(data: unknown, list: ProblemList, schema: z.ZodType = TopologySchema): unknown {
  const res = schema.safeParse(data, { error: errorMap })
  if (res.success) return res.data
  for (const issue of res.error.issues) report(list, issue, data, schema)
  return undefined
}
