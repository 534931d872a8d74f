#!/usr/bin/env node
// `npm run bench [name…]`: runs tests/bench/ in plain Node and prints one JSON document, alone on stdout, so
// `npm run -s bench | jq .` parses. Everything else a bench (or a library it uses) writes to stdout goes to stderr.
import { fileURLToPath } from 'node:url'
import { register } from 'tsx/esm/api'

const stdout = process.stdout.write.bind(process.stdout)
process.stdout.write = process.stderr.write.bind(process.stderr)

register({ tsconfig: fileURLToPath(new URL('../tsconfig.node.json', import.meta.url)) })
const { runBenches } = await import('../tests/bench/index.ts')
try {
  const doc = await runBenches(process.argv.slice(2))
  stdout(JSON.stringify(doc, null, 2) + '\n')
} catch (e) {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`)
  process.exitCode = 2
}
