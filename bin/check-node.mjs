#!/usr/bin/env node
// CI's first check after npm ci: is this Node inside package.json's engines.node, and is this run on the range's
// lowest line (CI runs Debian's Node 20, the floor README promises)? Exits 1 outside the range.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { register } from 'tsx/esm/api'

register({ tsconfig: fileURLToPath(new URL('../tsconfig.node.json', import.meta.url)) })
const { describeNode } = await import('../main/cli/node-range.ts')
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
const range = pkg.engines?.node
if (!range) {
  console.error('package.json: engines.node is missing')
  process.exit(1)
}
const r = describeNode(process.versions.node, range)
;(r.ok ? console.log : console.error)(r.text)
process.exit(r.ok ? 0 : 1)
