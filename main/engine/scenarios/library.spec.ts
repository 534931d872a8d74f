import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Topology } from '@contract/topology'
import type { LabEngine } from '../lab/lab-engine'
import { loadTopology } from '../topology/loader'
import { listScenarios, scenariosDir, startScenario } from './library'

let lab: LabEngine
beforeAll(async () => {
  const topology: Topology = (await loadTopology()).topology
  lab = { topology, requireEngine: () => undefined } as unknown as LabEngine
})

describe('the shipped scenarios', () => {
  it('are listed with their steps in words', async () => {
    const list = await listScenarios(lab)
    const pull = list.find((s) => s.id === 'db2-cable-pull')
    expect(pull).toMatchObject({ name: 'db2-cable-pull', up: ['db1', 'db2', 'db3'], cleanup: ['act cable:db2/int plug', expect.stringMatching(/^exec on db1: mariadb/)] })
    expect(pull!.steps).toContain('act cable:db2/int unplug')
    expect(list.every((s) => !s.error)).toBe(true)
    // an exercise says that it leaves the lab broken (it is graded by a workshop, not cleaned up)
    expect(list.find((s) => s.id === 'db2-replication-exercise')?.description).toMatch(/^Exercise: its steps break the lab and leave it broken for a student to fix \(\d+ objectives, \d+ points/)
    expect(pull!.description ?? '').not.toMatch(/^Exercise/)
    expect(scenariosDir()).toMatch(/resources\/scenarios$/)
  })

  it('a file that does not load is listed with its problem, and refused when run; an unknown id is NOT_FOUND', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'racklab-scenarios-'))
    writeFileSync(join(dir, 'bad.yaml'), 'name: bad\nsteps:\n  - act: server:db9 power-off\n')
    const [bad] = await listScenarios(lab, dir)
    expect(bad).toMatchObject({ id: 'bad', steps: [], error: expect.stringContaining('bad.yaml:3:10: steps[0].act: no server "db9"') })
    await expect(startScenario(lab, { id: 'bad' }, dir)).rejects.toMatchObject({ code: 'SCENARIO_INVALID' })
    await expect(startScenario(lab, { id: 'nope' }, dir)).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'no scenario "nope" (scenario.list has them)' })
  })
})
