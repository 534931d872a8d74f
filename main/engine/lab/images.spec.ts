import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ImageCatalog, STAMP_TTL_MS } from './images'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function imagesDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'rl-images-'))
  dirs.push(d)
  for (const sub of ['base', 'perl', 'file']) mkdirSync(join(d, sub))
  writeFileSync(join(d, 'base', 'Dockerfile'), 'FROM scratch\n')
  writeFileSync(join(d, 'file', 'Dockerfile'), 'FROM racklab/base\n')
  writeFileSync(join(d, 'file', 'server'), 'v1\n')
  writeFileSync(join(d, 'perl', 'Lib.pm'), '1;\n')
  return d
}

describe('image catalog', () => {
  it('a role image is tagged by its context, the base and the shared Perl; the same catalog sees an edit made after its first answer', () => {
    const d = imagesDir()
    let now = 0
    const catalog = new ImageCatalog(d, undefined, () => now)
    const first = catalog.role('file')!.tag
    expect(first).toMatch(/^racklab\/file:[0-9a-f]{12}$/)
    expect(catalog.role('file')!.tag).toBe(first)
    writeFileSync(join(d, 'file', 'server'), 'v2, longer\n')
    // within STAMP_TTL_MS the folders are not looked at again (status asks at every change) ...
    expect(catalog.role('file')!.tag).toBe(first)
    // ... after it they are, and revalidate() (up's first step) looks at once
    now += STAMP_TTL_MS
    const second = catalog.role('file')!.tag
    expect(second).not.toBe(first)
    writeFileSync(join(d, 'perl', 'Lib.pm'), 'print 1;\n1;\n')
    catalog.revalidate()
    const third = catalog.role('file')!.tag
    expect(third).not.toBe(second)
    const base = catalog.base().tag
    writeFileSync(join(d, 'base', 'Dockerfile'), 'FROM scratch\nRUN true\n')
    catalog.revalidate()
    expect(catalog.base().tag).not.toBe(base)
    expect(catalog.role('file')!.tag).not.toBe(third)
    // a fresh catalog over the same folders agrees: the tag is the content's, not the cache's
    expect(new ImageCatalog(d).role('file')!.tag).toBe(catalog.role('file')!.tag)
  })

  it('no Dockerfile, or a role the engine does not run: no image', () => {
    const d = imagesDir()
    mkdirSync(join(d, 'empty'))
    expect(new ImageCatalog(d).role('empty')).toBeUndefined()
    expect(new ImageCatalog(d, (r) => r !== 'file').role('file')).toBeUndefined()
  })
})
