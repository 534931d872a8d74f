// Two labs of nyi-2007 on one Docker engine at once (db1 + db2 each): both come up together, each on its own
// subnets with every address keeping its last octet, each replicates on its own, a cable pulled in one leaves
// the other healthy, `racklab labs` lists both, and `down` removes each one's networks and nothing else.
// Own lab names and state dirs (reloc-a, reloc-b): never the shared TEST_LAB, never anyone else's objects.
// Run with RACKLAB_TEST_ANY_SUBNETS=1 so the global setup does not wait for 10.231.x: these labs may be relocated.
import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LabStatus, ProbeResult } from '@contract/status'
import { createDockerGateway } from '../../main/engine/docker/gateway'
import { buildLabImage } from '../../main/engine/lab/build-image'
import { ImageCatalog } from '../../main/engine/lab/images'
import { containerName } from '../../main/engine/lab/naming'
import { parseSubnet, type Subnet } from '../../main/engine/topology/ipv4'
import { racklab, ROOT, until, type CliResult } from './helpers'

const LABS = ['reloc-a', 'reloc-b'] as const
/** a network of this test's own that takes reloc-b's subnets while it is down, so its next up must move */
const BLOCKER = 'racklab-reloc-blocker'
/** takes the topology's own int subnet, so both labs must relocate and race for the same first free block
 * (as in a full test run, where the shared test lab holds the topology's subnets) */
const RACE = 'racklab-reloc-race'
type Lab = (typeof LABS)[number]
const home = (lab: Lab): string => join(tmpdir(), `racklab-test-${lab}`)
// RACKLAB_PRUNE_IMAGES=0: this test builds images of this checkout and must not remove other checkouts' images
const cli = (lab: Lab, args: string[]): Promise<CliResult> => racklab(args, { env: { RACKLAB_LAB: lab, RACKLAB_HOME: home(lab), RACKLAB_PRUNE_IMAGES: '0' } })
const json = <T>(r: CliResult): T => JSON.parse(r.stdout) as T

const docker = new Docker()
const gw = createDockerGateway()
const status = async (lab: Lab): Promise<LabStatus> => json<LabStatus>(await cli(lab, ['status', '--json']))
const check = async (lab: Lab): Promise<{ ok: boolean; results: ProbeResult[] }> => json(await cli(lab, ['check', '--json']))
const replication = async (lab: Lab): Promise<ProbeResult | undefined> => (await check(lab)).results.find((r) => r.id === 'db.replication' && r.target === 'db2')
async function sql(lab: Lab, server: string, query: string): Promise<string> {
  const r = await gw.exec(containerName(lab, server), ['mariadb', '-N', '-B', 'racklab', '-e', query], { timeoutMs: 15_000 })
  if (r.exitCode !== 0) throw new Error(`${lab}/${server}: ${r.stderr}`)
  return r.stdout.trim()
}
const networksOf = async (lab: Lab): Promise<{ name: string; subnet: string }[]> =>
  (await docker.listNetworks({ filters: { label: [`racklab.lab=${lab}`] } })).map((n) => ({ name: n.Name, subnet: n.IPAM?.Config?.[0]?.Subnet ?? '' }))
const overlaps = (a: Subnet, b: Subnet): boolean => a.base < b.base + b.size && b.base < a.base + a.size

describe('two labs on one engine', () => {
  beforeAll(async () => {
    for (const lab of LABS) await cli(lab, ['down', '--volumes'])
    // build the images once here, so the two ups below race for subnets, not for the same build
    const catalog = new ImageCatalog(join(ROOT, 'lab-images'))
    await gw.ensureBaseImage(() => {})
    for (const ref of [catalog.base(), catalog.role('db')!]) if (!(await gw.imageExists(ref.tag))) await buildLabImage(gw, catalog, ref, () => {})
  })

  afterAll(async () => {
    for (const n of [BLOCKER, RACE]) await docker.getNetwork(n).remove().catch(() => undefined)
    for (const lab of LABS) await cli(lab, ['down', '--volumes'])
    for (const lab of LABS) expect(await networksOf(lab)).toEqual([])
    for (const lab of LABS) rmSync(home(lab), { recursive: true, force: true })
  })

  it('both come up at once, each on its own subnets, every address keeping its last octet', async () => {
    // if something already holds 10.231.0.0/24 the labs race for the pool anyway
    await docker.createNetwork({ Name: RACE, Internal: true, Labels: { 'racklab.lab': 'reloc-race' }, IPAM: { Driver: 'default', Config: [{ Subnet: '10.231.0.0/24' }] } }).catch(() => undefined)
    const ups = await Promise.all(LABS.map((lab) => cli(lab, ['up', '--only', 'db1,db2', '--json'])))
    for (const [i, r] of ups.entries()) expect(r.code, `${LABS[i]}: ${r.stderr.slice(-2000)} ${r.stdout.slice(-2000)}`).toBe(0)
    const [a, b] = await Promise.all(LABS.map(status))
    const subnets = [a!.subnets!, b!.subnets!]
    for (const s of subnets) expect(Object.keys(s).sort()).toEqual(['ext', 'int', 'wan'])
    // nothing of one lab overlaps anything of the other, nor any network of someone else on the engine
    const mine = new Set(LABS.flatMap((l) => [`racklab-${l}-int`, `racklab-${l}-ext`, `racklab-${l}-wan`]))
    const others = (await docker.listNetworks()).filter((n) => !mine.has(n.Name)).flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? '')).map((s) => parseSubnet(s)).filter((s): s is Subnet => typeof s !== 'string')
    const used = [...Object.values(subnets[0]!), ...Object.values(subnets[1]!)].map((s) => parseSubnet(s) as Subnet)
    for (const [i, x] of used.entries()) {
      for (const y of used.slice(i + 1)) expect(overlaps(x, y)).toBe(false)
      for (const o of others) expect(overlaps(x, o)).toBe(false)
    }
    // Docker has what the status says, and every server keeps the topology's last octet
    for (const [i, lab] of LABS.entries()) {
      const st = [a, b][i]!
      for (const n of await networksOf(lab)) expect(n.subnet).toBe(st.subnets![n.name.replace(`racklab-${lab}-`, '')])
      const ip = (id: string, net: string): string => st.servers.find((s) => s.id === id)!.ips[net]!
      expect(ip('db1', 'int').split('.')[3]).toBe('11')
      expect(ip('db2', 'int').split('.')[3]).toBe('12')
      expect(ip('db1', 'wan').split('.')[3]).toBe('11')
      const inspect = await docker.getContainer(containerName(lab, 'db2')).inspect()
      expect(inspect.NetworkSettings.Networks[`racklab-${lab}-int`]?.IPAddress).toBe(ip('db2', 'int'))
      // db2 replicates from its own lab's db1
      expect(inspect.Config.Env).toContain(`PRIMARY_HOST=${ip('db1', 'int')}`)
    }
    console.log(`two labs up at once in ${Math.round(Math.max(...ups.map((u) => u.ms)))} ms: ${LABS.map((l, i) => `${l} ${JSON.stringify(subnets[i])}`).join('; ')}`)
  })

  it('each lab replicates on its own: a row written in one is read on its replica and nowhere else', async () => {
    for (const lab of LABS) await sql(lab, 'db1', `INSERT INTO address_book (user_id, name, email) SELECT id, '${lab}', '${lab}@fastmail.test' FROM users WHERE login='alice'`)
    for (const lab of LABS) {
      await until(`${lab}'s row on its db2`, async () => (await sql(lab, 'db2', `SELECT COUNT(*) FROM address_book WHERE email='${lab}@fastmail.test'`).catch(() => '0')) === '1', 30_000)
      const other = LABS.find((l) => l !== lab)!
      expect(await sql(other, 'db2', `SELECT COUNT(*) FROM address_book WHERE email='${lab}@fastmail.test'`)).toBe('0')
    }
    for (const lab of LABS) {
      const r = await until(`${lab} checks pass`, async () => {
        const c = await check(lab)
        return c.ok ? c : undefined
      }, 60_000, 1000)
      expect(r.results.find((x) => x.id === 'db.replication' && x.target === 'db2')?.message).toContain(`replicates from ${(await status(lab)).servers.find((s) => s.id === 'db1')!.ips.int}`)
    }
  })

  it('a cable pulled in lab A stops A\'s replication and leaves lab B healthy; plugged back, A catches up', async () => {
    const pulled = await cli('reloc-a', ['act', 'cable:db2/int', 'unplug', '--json'])
    expect(pulled.code, pulled.stderr).toBe(0)
    await until('reloc-a replication to fail', async () => (await replication('reloc-a'))?.ok === false || undefined, 60_000, 1000)
    const b = await check('reloc-b')
    expect(b.ok, JSON.stringify(b.results)).toBe(true)
    const bNets = Object.keys((await docker.getContainer(containerName('reloc-b', 'db2')).inspect()).NetworkSettings.Networks).sort()
    expect(bNets).toEqual(['racklab-reloc-b-int', 'racklab-reloc-b-wan'])
    await sql('reloc-a', 'db1', "INSERT INTO address_book (user_id, name, email) SELECT id, 'late', 'late@fastmail.test' FROM users WHERE login='alice'")
    expect((await cli('reloc-a', ['act', 'cable:db2/int', 'plug', '--json'])).code).toBe(0)
    await until('reloc-a db2 to catch up', async () => (await sql('reloc-a', 'db2', "SELECT COUNT(*) FROM address_book WHERE email='late@fastmail.test'").catch(() => '0')) === '1', 60_000)
    await until('reloc-a replication ok again', async () => (await replication('reloc-a'))?.ok === true || undefined, 60_000, 1000)
  })

  it('racklab labs lists both with their servers and subnets', async () => {
    const r = await cli('reloc-a', ['labs', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const doc = json<{ labs: { lab: string; state: string; servers: { running: number; total: number }; subnets: Record<string, string>; memoryBytes?: number }[] }>(r)
    for (const lab of LABS) {
      const l = doc.labs.find((x) => x.lab === lab)
      // the subnets in use on the engine: the networks its servers need (db1, db2: int and wan), as planned
      const live = Object.fromEntries((await networksOf(lab)).map((n) => [n.name.replace(`racklab-${lab}-`, ''), n.subnet]))
      expect(Object.keys(live).sort()).toEqual(['int', 'wan'])
      expect(l, lab).toMatchObject({ state: 'running', servers: { running: 2, total: 2 }, subnets: live })
      expect((await status(lab)).subnets).toMatchObject(live)
      expect(l!.memoryBytes).toBeGreaterThan(0)
    }
  })

  it('down removes one lab\'s containers and networks and leaves the other running', async () => {
    const keep = (await docker.listContainers({ filters: { label: ['racklab.lab=reloc-b'] } })).map((c) => c.Id).sort()
    expect((await cli('reloc-a', ['down', '--volumes'])).code).toBe(0)
    expect(await networksOf('reloc-a')).toEqual([])
    expect(await docker.listContainers({ all: true, filters: { label: ['racklab.lab=reloc-a'] } })).toEqual([])
    expect((await docker.listContainers({ filters: { label: ['racklab.lab=reloc-b'] } })).map((c) => c.Id).sort()).toEqual(keep)
    expect((await check('reloc-b')).ok).toBe(true)
  })

  it('the remaining lab keeps its subnets and runs the web and mail tiers on them: every probe passes', async () => {
    const before = (await status('reloc-b')).subnets!
    const up = await cli('reloc-b', ['up', '--only', 'edge', '--json'])
    expect(up.code, up.stderr.slice(-3000)).toBe(0)
    const st = await status('reloc-b')
    expect(st.subnets).toEqual(before)
    const prefix = before.ext!.split('.').slice(0, 3).join('.')
    expect(st.servers.find((s) => s.id === 'edge')!.ips.ext).toBe(`${prefix}.200`)
    const r = await until('every probe of reloc-b to pass', async () => {
      const c = await check('reloc-b')
      return c.ok ? c : undefined
    }, 180_000, 2000).catch(async (e: unknown) => {
      throw new Error(`${(e as Error).message}: ${JSON.stringify((await check('reloc-b')).results.filter((x) => !x.ok))}`)
    })
    const ids = r.results.map((x) => x.id)
    expect(ids).toEqual(expect.arrayContaining(['web.vips', 'web.https', 'web.login', 'smtp.accept']))
    // the service IPs moved with the lab: .100 and .101 of its own ext subnet
    expect(r.results.find((x) => x.id === 'web.vips')!.message).toContain(`${prefix}.100→fe1`)
    const eps = json<{ service: string; host: string; port: number }[]>(await cli('reloc-b', ['endpoints', '--json']))
    expect(eps.find((e) => e.service === 'https')).toMatchObject({ host: '127.0.0.1' })
  }, 1_200_000)

  it('a lab whose subnets were taken while it was down moves on its next up, and its kept volumes follow', async () => {
    const before = (await status('reloc-b')).subnets!
    const down = await cli('reloc-b', ['down'])
    expect(down.code, down.stderr.slice(-2000)).toBe(0)
    await docker.createNetwork({ Name: BLOCKER, Internal: true, Labels: { 'racklab.lab': 'reloc-blocker' }, IPAM: { Driver: 'default', Config: [{ Subnet: before.int! }] } })
    const up = await cli('reloc-b', ['up', '--only', 'db1,db2', '--json'])
    expect(up.code, up.stderr.slice(-3000)).toBe(0)
    const st = await status('reloc-b')
    expect(st.subnets!.int).not.toBe(before.int)
    expect(st.servers.find((s) => s.id === 'db1')!.ips.int!.split('.')[3]).toBe('11')
    // the primary's volume was made for the old subnets: it granted the new ones; the replica was re-pointed
    const logs = (await cli('reloc-b', ['logs', 'db1', '--tail', '200'])).stdout
    expect(logs).toContain(`lab subnets changed from '${Object.values(before).join(',')}'`)
    await sql('reloc-b', 'db1', "INSERT INTO address_book (user_id, name, email) SELECT id, 'moved', 'moved@fastmail.test' FROM users WHERE login='alice'")
    await until('the row on the moved db2', async () => (await sql('reloc-b', 'db2', "SELECT COUNT(*) FROM address_book WHERE email IN ('moved@fastmail.test', 'reloc-b@fastmail.test')").catch(() => '0')) === '2', 60_000)
    await until('replication ok after the move', async () => (await replication('reloc-b'))?.ok === true || undefined, 60_000, 1000)
  }, 600_000)
})
