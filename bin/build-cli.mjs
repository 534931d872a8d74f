#!/usr/bin/env node
// Builds the `racklab` CLI and the per-lab engine service into out/cli/ as plain JavaScript (esbuild), so no
// TypeScript is compiled at run time. Both files carry one build id (a hash of the output), so a CLI can tell
// an engine left running by another build.
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const r = (p) => fileURLToPath(new URL(p, import.meta.url))
const PLACEHOLDER = '__racklab_build_id_placeholder__'
const outdir = r('../out/cli')
const result = await build({
  entryPoints: { racklab: r('../main/cli/index.ts'), engine: r('../main/daemon/index.ts') },
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  alias: { '@contract': r('../preload/contract') },
  tsconfig: r('../tsconfig.node.json'),
  define: { __RACKLAB_BUILD__: JSON.stringify(PLACEHOLDER) },
  sourcemap: 'linked',
  logLevel: 'warning',
  metafile: true,
})
const outputs = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.mjs'))
const hash = createHash('sha256')
for (const f of outputs.sort()) hash.update(readFileSync(f))
const id = hash.digest('hex').slice(0, 12)
for (const f of outputs) {
  const text = readFileSync(f, 'utf8')
  if (text.includes(PLACEHOLDER)) writeFileSync(f, text.replaceAll(PLACEHOLDER, id))
}
process.stderr.write(`racklab: built out/cli (build ${id})\n`)
