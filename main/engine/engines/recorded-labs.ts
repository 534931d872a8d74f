// The labs this machine placed, by engine: each lab state dir's engine.json (a lab without one is on default).
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { DEFAULT_ENGINE } from './engine-entry'
import { readLabEngine } from './lab-record'

/** lab → the engine its record names (default when it has none); only dirs that are labs' (secrets, journal…) */
export function recordedLabs(home: string): Map<string, string> {
  const out = new Map<string, string>()
  if (!existsSync(home)) return out
  for (const name of readdirSync(home)) {
    const dir = join(home, name)
    if (name.startsWith('.') || !statSync(dir).isDirectory()) continue
    if (!['secrets.json', 'journal.jsonl', 'subnets.json', 'engine.json'].some((f) => existsSync(join(dir, f)))) continue
    out.set(name, readLabEngine(dir)?.engine ?? DEFAULT_ENGINE)
  }
  return out
}
