// Where the app's bundled resources (topologies, catalogue, scenarios) live. Found by walking up
// from this module, so it works from source (main/engine/topology/) and from a bundle (out/main/).
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

let cached: string | undefined

/**
 * Absolute path of the `resources` directory. RACKLAB_RESOURCES overrides it; RACKLAB_ROOT (the app
 * folder, see engine/paths.ts) means <root>/resources.
 */
export function resourcesDir(): string {
  const override = process.env.RACKLAB_RESOURCES
  if (override) return resolve(override)
  if (process.env.RACKLAB_ROOT) return resolve(process.env.RACKLAB_ROOT, 'resources')
  if (cached) return cached
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'resources')
    if (existsSync(join(candidate, 'topologies'))) return (cached = candidate)
    const parent = dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  throw new Error(`no resources/topologies directory above ${fileURLToPath(import.meta.url)}; set RACKLAB_RESOURCES`)
}

export const DEFAULT_TOPOLOGY = 'nyi-2007'

/** The bundled topology file of that name (default nyi-2007). */
export function bundledTopologyPath(name: string = DEFAULT_TOPOLOGY): string {
  return join(resourcesDir(), 'topologies', `${name}.yaml`)
}
