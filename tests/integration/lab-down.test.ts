// `down` leaves nothing of the lab behind, as `docker compose down` does — networks included, also after cable
// pulls and replugs (on Docker 20.10 these can leave a stale endpoint that blocks the network's removal), so the
// next lab can start at once. `up` reports each phase's wall time.
// The one thing allowed to stay is a network Docker 20.10 miscounted (it refuses "has active endpoints" with no
// endpoint left; only a dockerd restart recounts): down must say so, and this test checks Docker's side of it.
import Docker from 'dockerode'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { containerName } from '../../main/engine/lab/naming'
import { racklab, ROOT, TEST_LAB } from './helpers'

const docker = new Docker()
const ours = { filters: { label: [`racklab.lab=${TEST_LAB}`] } }
const left = async (): Promise<{ containers: string[]; networks: string[]; volumes: string[] }> => ({
  containers: (await docker.listContainers({ all: true, ...ours })).map((c) => c.Names[0] ?? c.Id),
  networks: (await docker.listNetworks(ours)).map((n) => n.Name),
  volumes: ((await docker.listVolumes(ours)).Volumes ?? []).map((v) => v.Name),
})
/** the lab's networks still there that down did not report as miscounted by Docker, or that Docker does not show
 *  as miscounted (an endpoint listed, or it could be removed after all: then it was ours to remove) */
const networksLeft = async (said: string): Promise<string[]> => {
  const out: string[] = []
  for (const name of (await left()).networks) {
    const reported = said.includes(`network ${name} left behind`)
    const listed = Object.keys(((await docker.getNetwork(name).inspect()) as { Containers?: object }).Containers ?? {})
    const refused = await docker.getNetwork(name).remove().then(() => '', (e: Error) => e.message)
    if (!reported || listed.length || !/active endpoints/.test(refused)) out.push(name)
  }
  return out
}
const act = async (target: string, action: string): Promise<void> => {
  const r = await racklab(['act', target, action, '--json'])
  if (r.code !== 0) throw new Error(`act ${target} ${action} failed: ${r.stdout}${r.stderr}`)
}

const scratch = mkdtempSync(join(tmpdir(), 'racklab-lab-down-'))

describe('down removes the whole lab', () => {
  afterAll(async () => {
    // an engine left on the edited topology would refuse the embedded one's down
    await racklab(['engine', 'stop'])
    await racklab(['down', '--volumes'])
    rmSync(scratch, { recursive: true, force: true })
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
    expect({ ...(await left()), networks: await networksLeft(down.stdout) }).toEqual({ containers: [], networks: [], volumes: [] })
  })

  it('up --timings prints the phases on stderr and keeps stdout for results', async () => {
    const up = await racklab(['up', '--only', 'db1', '--timings'])
    expect(up.code, up.stderr).toBe(0)
    expect(up.stderr).toMatch(/^wait healthy \(level 0\)\s+\d+\.\d\d s/m)
    expect(up.stderr).toMatch(/^total\s+\d+\.\d\d s/m)
    expect(up.stdout).toBe('')
    const down = await racklab(['down', '--volumes'])
    expect(down.code, down.stderr).toBe(0)
    expect({ ...(await left()), networks: await networksLeft(down.stderr) }).toEqual({ containers: [], networks: [], volumes: [] })
  })

  it('up makes a container anew when its settings changed (an edited topology), as compose does, and keeps it otherwise', async () => {
    const ns1 = async (): Promise<{ id: string; env: string[] }> => {
      const i = await docker.getContainer(containerName(TEST_LAB, 'ns1')).inspect()
      return { id: i.Id, env: i.Config.Env ?? [] }
    }
    expect((await racklab(['up', '--only', 'ns1'])).code).toBe(0)
    const first = await ns1()
    expect((await racklab(['up', '--only', 'ns1'])).code).toBe(0)
    expect((await ns1()).id, 'an unchanged server keeps its container').toBe(first.id)

    const edited = join(scratch, 'nyi-2007-example.yaml')
    writeFileSync(edited, readFileSync(join(ROOT, 'resources/topologies/nyi-2007.yaml'), 'utf8').replace(/^domain: .*$/m, 'domain: example.test'))
    // a running engine keeps the topology it was started with, and says so (and the CLI exits: it hung here)
    const refused = await racklab(['up', '--only', 'ns1', '--topology', edited])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/runs topology embedded, not .*nyi-2007-example\.yaml; stop it first \(racklab engine stop/)
    expect((await racklab(['engine', 'stop'])).code).toBe(0)
    const up = await racklab(['up', '--only', 'ns1', '--topology', edited])
    expect(up.code, up.stderr).toBe(0)
    const second = await ns1()
    expect(second.id, 'the changed server was made anew').not.toBe(first.id)
    expect(second.env).toContain('LAB_DOMAIN=example.test')
    expect((await racklab(['journal', '--topology', edited])).stdout).toMatch(/ns1: its settings changed since its container was made .*made anew, data volumes kept/)
    expect((await racklab(['up', '--only', 'ns1', '--topology', edited])).code).toBe(0)
    expect((await ns1()).id).toBe(second.id)
    expect((await racklab(['engine', 'stop'])).code).toBe(0)
  })
})
