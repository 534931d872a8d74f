import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { bundledTopologyPath, resourcesDir } from './resources-dir.ts'

describe('resourcesDir', () => {
  afterEach(() => vi.unstubAllEnvs())

  it('finds the repo resources from the source tree', () => {
    vi.stubEnv('RACKLAB_RESOURCES', '')
    vi.stubEnv('RACKLAB_ROOT', '')
    expect(existsSync(join(resourcesDir(), 'topologies', 'nyi-2007.yaml'))).toBe(true)
    expect(bundledTopologyPath()).toBe(join(resourcesDir(), 'topologies', 'nyi-2007.yaml'))
  })
  it('honours RACKLAB_RESOURCES, then RACKLAB_ROOT', () => {
    vi.stubEnv('RACKLAB_ROOT', '/opt/racklab')
    expect(resourcesDir()).toBe('/opt/racklab/resources')
    vi.stubEnv('RACKLAB_RESOURCES', '/srv/res')
    expect(resourcesDir()).toBe('/srv/res')
  })
})
