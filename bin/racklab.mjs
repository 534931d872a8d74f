#!/usr/bin/env node
// The `racklab` command: runs the TypeScript CLI in plain Node (no Electron) through tsx.
import { fileURLToPath } from 'node:url'
import { register } from 'tsx/esm/api'

register({ tsconfig: fileURLToPath(new URL('../tsconfig.node.json', import.meta.url)) })
const { main } = await import('../main/cli/index.ts')
process.exitCode = await main(process.argv.slice(2))
