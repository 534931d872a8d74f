#!/usr/bin/env node
// The `racklab` command: the CLI built to plain JavaScript (npm run build:cli, run on install by `prepare`).
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const built = fileURLToPath(new URL('../out/cli/racklab.mjs', import.meta.url))
if (!existsSync(built)) {
  process.stderr.write('racklab: the CLI is not built (out/cli/racklab.mjs missing): run npm run build:cli\n')
  process.exit(2)
}
const { main } = await import(built)
process.exitCode = await main(process.argv.slice(2))
