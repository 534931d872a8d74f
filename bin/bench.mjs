#!/usr/bin/env node
// `npm run bench [name…]`: runs tests/bench/index.ts in plain Node and prints one JSON document.
import { fileURLToPath } from 'node:url'
import { register } from 'tsx/esm/api'

register({ tsconfig: fileURLToPath(new URL('../tsconfig.node.json', import.meta.url)) })
await import('../tests/bench/index.ts')
