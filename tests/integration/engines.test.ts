// Several Docker engines: a second real dockerd (its own socket, data-root and bridges) registered with
// `racklab engines add`; a lab (db1 + db2) on each engine at once, `racklab labs` listing both with their engine,
// a fault in one leaving the other healthy, `down` removing each from its own engine; then a workshop spread over
// both engines (least-loaded) and `workshop down`, which leaves nothing in the way of the next workshop.
// The second engine is named by RACKLAB_TEST_SECOND_ENGINE (e.g. unix:///var/run/docker-two.sock; start one with
// dockerd --host unix:///var/run/docker-two.sock --data-root /var/lib/docker-two --exec-root /var/run/docker-two
// --pidfile /var/run/docker-two.pid --bridge two0, after `ip link add two0 type bridge && ip addr add
// 10.254.240.1/24 dev two0 && ip link set two0 up` — not --bridge none: dockerd 20.10 then deletes the host's
// docker0, the first engine's default bridge — or a second engine of the lab bench); without it this file is
// skipped, saying so.
// Its own labs (eng-a, eng-b, engws-*) and state dir: never the shared TEST_LAB.
import { existsSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ProbeResult } from '@contract/status'
import { connectDocker, dockerClientFor, resolveDockerHost } from '../../main/engine/docker/connect'
import { racklab, until, type CliResult } from './helpers'

const SECOND = process.env.RACKLAB_TEST_SECOND_ENGINE
const HOME = join(process.env.RACKLAB_TEST_HOME ?? tmpdir(), 'engines')
const env = { RACKLAB_HOME: HOME, RACKLAB_PRUNE_IMAGES: '0', RACKLAB_ENGINE: '' }
const cli = (args: string[], lab = 'eng-a'): Promise<CliResult> => racklab(args, { env: { ...env, RACKLAB_LAB: lab } })
const json = <T>(r: CliResult): T => JSON.parse(r.stdout) as T

const one = connectDocker().docker
const two: Docker | undefined = SECOND ? dockerClientFor(resolveDockerHost({ DOCKER_HOST: SECOND }, existsSync, HOME)) : undefined
const engines = (): [string, Docker][] => [['default', one], ['two', two!]]
/** every Docker object of a lab on one engine */
async function objectsOf(d: Docker, lab: string): Promise<string[]> {
  const f = { filters: { label: [`racklab.lab=${lab}`] } }
  const [cs, ns, vs] = await Promise.all([d.listContainers({ all: true, ...f }), d.listNetworks(f), d.listVolumes(f)])
  return [...cs.map((c) => `container ${c.Names[0]}`), ...ns.map((n) => `network ${n.Name}`), ...(vs.Volumes ?? []).map((v) => `volume ${v.Name}`)]
}
const replication = async (lab: string): Promise<ProbeResult | undefined> => json<{ results: ProbeResult[] }>(await cli(['check', '--json'], lab)).results.find((r) => r.id === 'db.replication' && r.target === 'db2')

interface LabsDoc {
  engines: { name: string; reachable: boolean }[]
  labs: { lab: string; engine: string; state: string; servers: { running: number; total: number } }[]
}

describe.skipIf(!SECOND)('labs on two Docker engines (needs RACKLAB_TEST_SECOND_ENGINE: a second dockerd)', () => {
  beforeAll(async () => {
    rmSync(HOME, { recursive: true, force: true })
    for (const [name, d] of engines()) expect(await d.ping().then(() => true, () => false), `engine ${name} answers`).toBe(true)
    const added = await cli(['engines', 'add', 'two', '--host', SECOND!, '--json'])
    expect(added.code, added.stderr).toBe(0)
  })

  afterAll(async () => {
    for (const lab of ['eng-a', 'eng-b']) await cli(['down', '--volumes'], lab)
    await racklab(['workshop', 'down', 'engws'], { env })
    for (const [name, d] of engines()) for (const lab of ['eng-a', 'eng-b', 'engws-1', 'engws-2']) expect(await objectsOf(d, lab), `${lab} on ${name}`).toEqual([])
    rmSync(HOME, { recursive: true, force: true })
  }, 300_000)

  it('refuses bad engines with a clear error: a duplicate name, a host that does not answer, an unknown name', async () => {
    const dup = await cli(['engines', 'add', 'two', '--host', SECOND!])
    expect(dup.code).toBe(1)
    expect(dup.stderr).toMatch(/an engine named "two" is already registered/)
    const dead = await cli(['engines', 'add', 'gone', '--host', `unix://${join(HOME, 'no-such.sock')}`])
    expect(dead.code).toBe(2)
    expect(dead.stderr).toMatch(/engine gone at unix:\/\/.*no-such\.sock does not answer.*nothing was registered/)
    const bad = await cli(['engines', 'add', 'x', '--host', 'ftp://somewhere'])
    expect(bad.stderr).toMatch(/use unix:\/\/\/path\/to\/docker\.sock or tcp:\/\/host:port/)
    const unknown = await cli(['up', '--only', 'db1', '--engine', 'nope'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/unknown engine "nope": registered are two \(and default\)/)
    const ls = json<{ engines: { name: string; reachable: boolean; capacity?: { freeMemoryBytes: number } }[] }>(await cli(['engines', 'ls', '--json']))
    expect(ls.engines.map((e) => [e.name, e.reachable])).toEqual([['default', true], ['two', true]])
    for (const e of ls.engines) expect(e.capacity!.freeMemoryBytes).toBeGreaterThan(0)
  })

  it('puts a lab on each engine at once, records where, and every later command reaches that engine', async () => {
    const ups = await Promise.all([cli(['up', '--only', 'db1,db2', '--json'], 'eng-a'), cli(['up', '--only', 'db1,db2', '--engine', 'two', '--json'], 'eng-b')])
    for (const r of ups) expect(r.code, r.stderr.slice(-2000)).toBe(0)
    console.log(`a lab on each engine, up at once in ${Math.round(Math.max(...ups.map((u) => u.ms)))} ms`)
    // each lab's containers are on its own engine only
    expect((await objectsOf(one, 'eng-a')).filter((o) => o.startsWith('container')).sort()).toEqual(['container /racklab-eng-a-db1', 'container /racklab-eng-a-db2'])
    expect(await objectsOf(one, 'eng-b')).toEqual([])
    expect((await objectsOf(two!, 'eng-b')).filter((o) => o.startsWith('container')).length).toBe(2)
    expect(await objectsOf(two!, 'eng-a')).toEqual([])
    // no --engine any more: eng-b's commands go to engine two because its state says so
    const exec = await cli(['exec', 'db2', '--', 'hostname'], 'eng-b')
    expect(exec.code, exec.stderr).toBe(0)
    expect(exec.stdout.trim()).toBe('db2')
    const wrong = await cli(['status', '--engine', 'default'], 'eng-b')
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toMatch(/lab eng-b lives on engine two .*a lab lives whole on one engine/)
    const rm = await cli(['engines', 'rm', 'two'])
    expect(rm.code).toBe(1)
    expect(rm.stderr).toMatch(/engine two still holds labs eng-b/)
  }, 600_000)

  it('racklab labs lists both, each with its engine', async () => {
    const doc = json<LabsDoc>(await cli(['labs', '--json']))
    expect(doc.engines.map((e) => [e.name, e.reachable])).toEqual([['default', true], ['two', true]])
    expect(doc.labs.find((l) => l.lab === 'eng-a')).toMatchObject({ engine: 'default', state: 'running', servers: { running: 2, total: 2 } })
    expect(doc.labs.find((l) => l.lab === 'eng-b')).toMatchObject({ engine: 'two', state: 'running', servers: { running: 2, total: 2 } })
    expect(doc.labs.filter((l) => l.lab === 'eng-b')).toHaveLength(1) // listed once, not also as down on default
    const ls = json<{ engines: { name: string; labs: string[] }[] }>(await cli(['engines', 'ls', '--json']))
    expect(ls.engines.find((e) => e.name === 'two')!.labs).toEqual(['eng-b'])
    expect(ls.engines.find((e) => e.name === 'default')!.labs).toContain('eng-a')
  })

  it('a cable pulled in the lab on engine two stops its replication and leaves the lab on default healthy', async () => {
    await until('both labs healthy', async () => (await replication('eng-a'))?.ok && (await replication('eng-b'))?.ok, 60_000, 1000)
    expect((await cli(['act', 'cable:db2/int', 'unplug', '--json'], 'eng-b')).code).toBe(0)
    await until('eng-b replication to fail', async () => (await replication('eng-b'))?.ok === false || undefined, 60_000, 1000)
    const a = json<{ ok: boolean; results: ProbeResult[] }>(await cli(['check', '--json'], 'eng-a'))
    expect(a.ok, JSON.stringify(a.results.filter((r) => !r.ok))).toBe(true)
    expect((await cli(['act', 'cable:db2/int', 'plug', '--json'], 'eng-b')).code).toBe(0)
    await until('eng-b replication back', async () => (await replication('eng-b'))?.ok === true || undefined, 60_000, 1000)
  }, 180_000)

  it('down removes each lab from its own engine', async () => {
    for (const lab of ['eng-b', 'eng-a']) {
      const r = await cli(['down', '--volumes'], lab)
      expect(r.code, r.stderr).toBe(0)
    }
    for (const [name, d] of engines()) for (const lab of ['eng-a', 'eng-b']) expect(await objectsOf(d, lab), `${lab} on ${name}`).toEqual([])
  }, 120_000)

  it('a workshop spreads its labs over both engines, and workshop down removes every lab and token', async () => {
    const created = await racklab(['workshop', 'create', '--labs', '2', '--name', 'engws', '--only', 'db1,db2', '--engine', 'default,two', '--json'], { env })
    expect(created.code, created.stderr.slice(-3000)).toBe(0)
    const labs = json<{ labs: { lab: string; engine: string; ok: boolean }[] }>(created).labs
    // least-loaded by free memory: with both engines empty the first goes to default, whose lab then uses memory
    expect(labs.map((l) => l.engine).sort()).toEqual(['default', 'two'])
    for (const l of labs) {
      const d = l.engine === 'two' ? two! : one
      expect((await objectsOf(d, l.lab)).filter((o) => o.startsWith('container')), `${l.lab} on ${l.engine}`).toHaveLength(2)
    }
    const shown = json<{ labs: { lab: string; engine: string; studentToken: string }[] }>(await racklab(['workshop', 'show', '--name', 'engws', '--json'], { env }))
    expect(shown.labs.map((l) => l.engine)).toEqual(labs.map((l) => l.engine))
    const rmBusy = await cli(['engines', 'rm', 'two'])
    expect(rmBusy.code).toBe(1)

    const down = await racklab(['workshop', 'down', 'engws', '--json'], { env })
    expect(down.code, down.stderr.slice(-3000)).toBe(0)
    expect(json<{ ok: boolean; labs: { ok: boolean }[] }>(down).labs.every((l) => l.ok)).toBe(true)
    for (const [name, d] of engines()) for (const l of labs) expect(await objectsOf(d, l.lab), `${l.lab} on ${name}`).toEqual([])
    // no tokens, no lab state, no engine service left: the next workshop of that name starts clean
    expect(existsSync(join(HOME, '.workshops', 'engws.json'))).toBe(false)
    for (const l of labs) expect(existsSync(join(HOME, l.lab)), `${l.lab}'s state dir`).toBe(false)
    const gone = await racklab(['workshop', 'show', '--name', 'engws'], { env })
    expect(gone.stderr).toMatch(/no workshop "engws"/)
    const again = await racklab(['workshop', 'create', '--labs', '1', '--name', 'engws', '--only', 'db1,db2', '--engine', 'two', '--json'], { env })
    expect(again.code, again.stderr.slice(-3000)).toBe(0)
    const fresh = json<{ labs: { studentToken: string }[] }>(await racklab(['workshop', 'show', '--name', 'engws', '--json'], { env }))
    expect(fresh.labs[0]!.studentToken).not.toBe(shown.labs[0]!.studentToken)
    expect((await racklab(['workshop', 'down', 'engws'], { env })).code).toBe(0)
    // with no lab left there, the engine can go
    const rm = await cli(['engines', 'rm', 'two', '--json'])
    expect(rm.code, rm.stderr).toBe(0)
  }, 900_000)
})
