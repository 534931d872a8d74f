import { mkdtempSync, mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { beingRemoved, markRemoving } from './removal'

describe('a lab being removed', () => {
  it('is not while its state dir is there unmarked; is once marked, and once the dir is gone', () => {
    const home = mkdtempSync(join(tmpdir(), 'racklab-removal-'))
    const dir = join(home, 'lab-a')
    mkdirSync(dir)
    expect(beingRemoved(dir)).toBe(false)
    markRemoving(dir)
    expect(beingRemoved(dir)).toBe(true)
    rmSync(dir, { recursive: true })
    expect(beingRemoved(dir)).toBe(true)
    // marking a dir that is already gone does not make it again
    markRemoving(dir)
    expect(beingRemoved(dir)).toBe(true)
    expect(() => rmSync(dir)).toThrow(/ENOENT/)
    rmSync(home, { recursive: true })
  })
})
