// Entry of the built engine service (out/cli/engine.mjs).
import { runEngine } from './engine-main'

process.exitCode = await runEngine(process.argv.slice(2))
