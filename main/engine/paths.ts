// Where Racklab finds its files (lab-images/, resources/, dist-web/) and keeps lab state.
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

let root: string | undefined

/** The folder holding lab-images/ and resources/: the repo in development, the app's resources when packaged. */
export function appRoot(): string {
  if (process.env.RACKLAB_ROOT) return process.env.RACKLAB_ROOT
  if (root) return root
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'racklab') return (root = dir)
    const up = dirname(dir)
    if (up === dir) throw new Error('cannot find the Racklab folder (package.json named racklab); set RACKLAB_ROOT')
    dir = up
  }
}

export const imagesDir = (): string => join(appRoot(), 'lab-images')
export const webDir = (): string => join(appRoot(), 'dist-web')
export const stateHome = (): string => process.env.RACKLAB_HOME ?? join(homedir(), '.racklab')
export const labStateDir = (labId: string): string => join(stateHome(), labId)

export function appVersion(): string {
  return (JSON.parse(readFileSync(join(appRoot(), 'package.json'), 'utf8')) as { version: string }).version
}

/** the built engine service script the CLI starts detached (npm run build:cli makes it) */
export const engineEntry = (): string => process.env.RACKLAB_ENGINE_ENTRY ?? join(appRoot(), 'out', 'cli', 'engine.mjs')
