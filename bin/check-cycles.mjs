#!/usr/bin/env node
// Fails when modules of main/, preload/ or renderer/ import each other in a circle, type-only imports
// included (a type cycle is still two modules that can't be understood apart). Part of `npm run lint`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const alias = { '@contract': join(root, 'preload/contract') }
const files = []
const walk = (d) => {
  for (const n of readdirSync(d)) {
    const p = join(d, n)
    if (n === 'node_modules' || n.startsWith('.')) continue
    if (statSync(p).isDirectory()) walk(p)
    else if (/\.(ts|vue)$/.test(n) && !/\.(spec|test)\.ts$/.test(n) && !n.endsWith('.d.ts')) files.push(p)
  }
}
for (const d of ['main', 'preload', 'renderer/src']) walk(join(root, d))

const resolveSpec = (from, spec) => {
  let base
  if (spec.startsWith('.')) base = resolve(dirname(from), spec)
  else {
    const a = Object.keys(alias).find((k) => spec === k || spec.startsWith(k + '/'))
    if (!a) return undefined
    base = alias[a] + spec.slice(a.length)
  }
  for (const c of [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, `${base}/index.ts`]) if (existsSync(c) && statSync(c).isFile()) return c
  return undefined
}
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g
const graph = new Map()
for (const f of files) {
  const text = readFileSync(f, 'utf8')
  const deps = new Set()
  for (const m of text.matchAll(IMPORT)) {
    const to = resolveSpec(f, m[1] ?? m[2])
    if (to && to !== f) deps.add(to)
  }
  graph.set(f, [...deps])
}
const cycles = []
const state = new Map()
const stack = []
const visit = (f) => {
  state.set(f, 1)
  stack.push(f)
  for (const to of graph.get(f) ?? []) {
    if (state.get(to) === 1) cycles.push([...stack.slice(stack.indexOf(to)), to].map((p) => relative(root, p)))
    else if (!state.has(to)) visit(to)
  }
  stack.pop()
  state.set(f, 2)
}
for (const f of graph.keys()) if (!state.has(f)) visit(f)
if (cycles.length) {
  process.stderr.write(`import cycles (${cycles.length}):\n${cycles.map((c) => '  ' + c.join(' → ')).join('\n')}\n`)
  process.exit(1)
}
process.stderr.write(`no import cycles in ${graph.size} modules\n`)
