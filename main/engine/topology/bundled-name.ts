// The bundled topology's name, read without parsing the whole file: every CLI command needs the lab id, and
// a full YAML + schema load costs more than the rest of `racklab status`. A unit test holds it equal to the
// name the loader reads.
import { readFileSync } from 'node:fs'
import { bundledTopologyPath } from './resources-dir'

export function bundledTopologyName(): string {
  const m = /^name:\s*["']?([A-Za-z0-9][A-Za-z0-9._-]*)["']?\s*(#.*)?$/m.exec(readFileSync(bundledTopologyPath(), 'utf8'))
  if (!m?.[1]) throw new Error(`${bundledTopologyPath()}: no top-level name`)
  return m[1]
}
