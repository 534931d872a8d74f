// The workshop file holds every token: saved whole and owner-only, read back as it was.
import { mkdtempSync, readdirSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { loadWorkshop, newWorkshop, saveWorkshop, workshopsDir } from './workshop-file'

describe('workshop file', () => {
  it('is saved owner-only in an owner-only folder, with no temp file left, and loads back unchanged', () => {
    const home = mkdtempSync(join(tmpdir(), 'racklab-ws-'))
    const w = newWorkshop('ws', 3, 'db-outage')
    const file = saveWorkshop(w, home)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(statSync(workshopsDir(home)).mode & 0o777).toBe(0o700)
    saveWorkshop({ ...w, labs: w.labs.map((l) => ({ ...l, startedAt: 7 })) }, home)
    expect(readdirSync(workshopsDir(home))).toEqual(['ws.json'])
    expect(loadWorkshop('ws', home).labs.map((l) => l.startedAt)).toEqual([7, 7, 7])
  })
})
