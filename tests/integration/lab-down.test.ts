// `down` leaves nothing of the lab behind, as `docker compose down` does — networks included, also after cable
// pulls and replugs (on Docker 20.10 these can leave a stale endpoint that blocks the network's removal), so the
// next lab can start at once. `up` reports each phase's wall time.
import Docker from 'dockerode'
import { afterAll, describe, expect, it } from 'vitest'
import { racklab, TEST_LAB } from './helpers'

const docker = new Docker()
const ours = { filters: { label: [`racklab.lab=${TEST_LAB}`] } }
const left = async (): Promise<{ containers: string[]; networks: string[]; volumes: string[] }> => ({
  containers: (await docker.listContainers({ all: true, ...ours })).map((c) => c.Names[0] ?? c.Id),
  networks: (await docker.listNetworks(ours)).map((n) => n.Name),
  volumes: ((await docker.listVolumes(ours)).Volumes ?? []).map((v) => v.Name),
})
const act = async (target: string, action: string): Promise<void> => {
  const r = await racklab(['act', target, action, '--json'])
  if (r.code !== 0) throw new Error(`act ${target} ${action} failed: ${r.stdout}${r.stderr}`)
}

describe('down removes the whole lab', () => {
  afterAll(async () => {
    await racklab(['down', '--volumes'])
  })

  it('after a cable is pulled and plugged back: no container, network or (with --volumes) volume is left', async () => {
    await racklab(['down', '--volumes'])
    const up = await racklab(['up', '--only', 'db1,db2', '--json'])
    expect(up.code, up.stderr).toBe(0)
    const doc = JSON.parse(up.stdout) as { timings: { totalMs: number; phases: { phase: string; wallMs: number }[] } }
    // --json carries the phases of the run: the ones every up has are there with their wall time
    const phases = doc.timings.phases.map((p) => p.phase)
    for (const p of ['engine connect', 'image check', 'networks', 'volumes', 'create', 'start', 'wait healthy']) expect(phases).toContain(p)
    expect(doc.timings.totalMs).toBeGreaterThan(0)

    await act('cable:db2/int', 'unplug')
    await act('cable:db2/int', 'plug')
    await act('cable:db2/int', 'unplug')
    await act('cable:db2/int', 'plug')
    const before = await left()
    expect(before.networks.length).toBeGreaterThan(0)
    expect(before.containers).toHaveLength(2)

    const down = await racklab(['down', '--volumes', '--json'])
    expect(down.code, `${down.stdout}${down.stderr}`).toBe(0)
    expect(await left()).toEqual({ containers: [], networks: [], volumes: [] })
  })

  it('up --timings prints the phases on stderr and keeps stdout for results', async () => {
    const up = await racklab(['up', '--only', 'db1', '--timings'])
    expect(up.code, up.stderr).toBe(0)
    expect(up.stderr).toMatch(/^wait healthy \(level 0\)\s+\d+\.\d\d s/m)
    expect(up.stderr).toMatch(/^total\s+\d+\.\d\d s/m)
    expect(up.stdout).toBe('')
    const down = await racklab(['down', '--volumes'])
    expect(down.code, down.stderr).toBe(0)
    expect(await left()).toEqual({ containers: [], networks: [], volumes: [] })
  })
})
