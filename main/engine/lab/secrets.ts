// Per-lab passwords for service accounts, made once and kept with the lab's state so a restarted app adopts the lab.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

export interface LabSecrets {
  repl: string
  app: string
  backup: string
  cyrus: string
}

const fresh = (): string => randomBytes(12).toString('base64url')

export function loadSecrets(file: string): LabSecrets {
  const made: LabSecrets = { repl: fresh(), app: fresh(), backup: fresh(), cyrus: fresh() }
  if (existsSync(file)) {
    const have = JSON.parse(readFileSync(file, 'utf8')) as Partial<LabSecrets>
    const merged = { ...made, ...have }
    if (Object.keys(have).length !== Object.keys(merged).length) writeFileSync(file, JSON.stringify(merged, null, 2), { mode: 0o600 })
    return merged
  }
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, JSON.stringify(made, null, 2), { mode: 0o600 })
  return made
}
