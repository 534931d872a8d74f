// Pruning after a build removes stale racklab/<name> tags only when the image carries our label.
import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { DockerGateway } from '../docker/types'
import { imagesDir } from '../paths'
import { ImageCatalog } from './images'
import { pruneStaleImages } from './prune-images'

describe('pruneStaleImages', () => {
  it('drops our stale tags, keeps the current ones and never touches a racklab/* tag without our label', async () => {
    const images = new ImageCatalog(imagesDir())
    const current = images.role('db')!.tag
    const tags: Record<string, { tag: string; labels: Record<string, string> }[]> = {
      'racklab/base': [{ tag: images.base().tag, labels: { 'racklab.image': 'base' } }, { tag: 'racklab/base:old', labels: { 'racklab.image': 'base' } }],
      'racklab/db': [
        { tag: current, labels: { 'racklab.image': 'db', 'racklab.role': 'db' } },
        { tag: 'racklab/db:stale', labels: { 'racklab.image': 'db', 'racklab.role': 'db' } },
        { tag: 'racklab/db:mine', labels: {} }, // someone's own image under our repository name
        { tag: 'racklab/db:web', labels: { 'racklab.image': 'web' } }, // not what this repository holds
      ],
    }
    const removeCalls: string[] = []
    const gw: Partial<DockerGateway> = {
      listImageTags: async (repo) => tags[repo] ?? [],
      removeImage: async (ref) => (removeCalls.push(ref), true),
    }
    const removed = await pruneStaleImages(gw as DockerGateway, images, ['db'])
    expect(removed).toEqual(['racklab/base:old', 'racklab/db:stale'])
    expect(removeCalls).toEqual(removed)
  })

  it('every lab image declares the label pruning looks for', () => {
    const dirs = readdirSync(imagesDir()).filter((d) => existsSync(join(imagesDir(), d, 'Dockerfile')))
    expect(dirs.length).toBeGreaterThan(3)
    for (const d of dirs) expect(readFileSync(join(imagesDir(), d, 'Dockerfile'), 'utf8'), `lab-images/${d}/Dockerfile`).toMatch(new RegExp(`^LABEL .*racklab\\.image=${d}(\\s|$)`, 'm'))
  })
})
