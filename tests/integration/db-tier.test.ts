// The DB tier for real: `racklab up --only db1,db2,db3` on the Docker engine, replication to both replicas,
// a stopped replica catching up, probes, adoption by a new process, Ctrl-C, and `down` sparing foreign objects.
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from './lab-driver'
import { racklab, TEST_LAB, until } from './helpers'

const docker = new Docker()
const json = <T>(s: string): T => JSON.parse(s) as T

describe('DB tier on the real engine', () => {
  beforeAll(async () => {
    await racklab(['down', '--volumes'])
  })
  afterAll(async () => {
    await racklab(['down', '--volumes'])
  })

  it('Ctrl-C during up leaves only labelled objects, and the next up completes', async () => {
    const interrupted = await racklab(['up', '--only', 'db1,db2,db3'], { signalAfter: (err) => err.includes('[start]') || err.includes('[health]') })
    expect(interrupted.code).not.toBe(0)
    for (const c of await docker.listContainers({ all: true, filters: { name: [`racklab-${TEST_LAB}-`] } })) expect(c.Labels['racklab.lab']).toBe(TEST_LAB)
  })

  it('up builds what is missing, starts db1, db2, db3 and waits until healthy', async () => {
    const r = await racklab(['up', '--only', 'db1,db2,db3', '--json'])
    expect(r.stderr).not.toContain('Error')
    expect(r.code).toBe(0)
    const doc = json<{ ok: boolean; servers: { id: string; state: string; health: string }[] }>(r.stdout)
    expect(doc.ok).toBe(true)
    for (const id of ['db1', 'db2', 'db3']) expect(doc.servers.find((s) => s.id === id)).toMatchObject({ state: 'running', health: 'healthy' })
    // a server outside --only is not started (backup1 has its image, lab-images/backup, built or not)
    expect(doc.servers.find((s) => s.id === 'backup1')).toMatchObject({ state: 'absent' })
    console.log(`up (images cached or built): ${Math.round(r.ms)} ms`)
  })

  it('up again is idempotent', async () => {
    const before = (await docker.listContainers({ filters: { label: [`racklab.lab=${TEST_LAB}`] } })).map((c) => c.Id).sort()
    const r = await racklab(['up', '--only', 'db1,db2,db3'])
    expect(r.code).toBe(0)
    const after = (await docker.listContainers({ filters: { label: [`racklab.lab=${TEST_LAB}`] } })).map((c) => c.Id).sort()
    expect(after).toEqual(before)
  })

  it('test users are provisioned and a row written on db1 is read on db2 and db3', async () => {
    expect(await sql('db1', 'SELECT login FROM users ORDER BY login')).toBe('alice\nbob\ncarol\ndave')
    await sql('db1', "INSERT INTO address_book (user_id, name, email) SELECT id, 'Bob', 'bob@fastmail.test' FROM users WHERE login='alice'")
    // a replica that is healthy may still be applying db1's earlier binlog (seen in a fresh-clone npm test: db2 had no
    // racklab database yet right after the up), so an error counts as "not yet" until the wait ends
    for (const s of ['db2', 'db3'])
      await until(`the row on ${s}`, async () => (await sql(s, "SELECT COUNT(*) FROM address_book WHERE email='bob@fastmail.test'").catch(() => '0')) === '1', 20_000)
  })

  it('stop db2, write, start db2: it catches up', async () => {
    expect((await racklab(['status', '--json'])).code).toBe(0)
    const { dispatchOnce } = await import('./dispatch-once')
    const stopped = await dispatchOnce('server.control', { server: 'db2', op: 'stop' })
    expect(stopped).toMatchObject({ ok: true, value: { state: 'stopped' } })
    await sql('db1', "INSERT INTO address_book (user_id, name, email) SELECT id, 'Carol', 'carol@fastmail.test' FROM users WHERE login='alice'")
    const started = await dispatchOnce('server.control', { server: 'db2', op: 'start' })
    expect(started).toMatchObject({ ok: true, value: { state: 'running' } })
    await until('db2 to catch up', async () => (await sql('db2', "SELECT COUNT(*) FROM address_book WHERE email='carol@fastmail.test'").catch(() => '0')) === '1', 60_000)
  })

  it('check: replication threads running, lag, checksums equal on all three', async () => {
    const r = await until('all probes to pass', async () => {
      const x = await racklab(['check', '--fresh', '--json'])
      return x.code === 0 ? x : undefined
    }, 60_000, 1000)
    const doc = json<{ ok: boolean; results: { id: string; target: string; ok: boolean }[] }>(r.stdout)
    expect(doc.ok).toBe(true)
    const ids = doc.results.map((x) => `${x.id}:${x.target}`)
    expect(ids).toEqual(expect.arrayContaining(['db.replication:db2', 'db.replication:db3']))
    expect(doc.results.some((x) => x.id.startsWith('db.checksum'))).toBe(true)
  })

  it('a new process adopts the running lab from its labels', async () => {
    type Servers = { servers: { id: string; state: string; health: string }[] }
    const healthy = (s: Servers): boolean => ['db1', 'db2', 'db3'].every((id) => s.servers.some((x) => x.id === id && x.state === 'running' && x.health === 'healthy'))
    // Docker's own health check (every 2 s) may not have passed yet on db2, restarted by the test before
    const s = await until('db1-3 running and healthy', async () => {
      const x = json<Servers>((await racklab(['status', '--json'])).stdout)
      return healthy(x) ? x : undefined
    }, 60_000, 1000)
    for (const id of ['db1', 'db2', 'db3']) expect(s.servers.find((x) => x.id === id)).toMatchObject({ state: 'running', health: 'healthy' })
    // back-end servers publish nothing (internal networks); endpoints come from the edge once it runs
    const ep = await racklab(['endpoints', '--json'])
    expect(ep.code).toBe(0)
    expect(Array.isArray(JSON.parse(ep.stdout))).toBe(true)
  })

  it('down leaves foreign containers, networks and volumes alone, keeps data volumes unless asked', async () => {
    const tag = `foreign-${Date.now()}`
    const net = await docker.createNetwork({ Name: tag, Labels: { 'racklab.lab': 'someone-else' } })
    const vol = await docker.createVolume({ Name: tag })
    const ctr = await docker.createContainer({ name: tag, Image: 'debian:bookworm-slim', Cmd: ['sleep', '600'], Labels: { owner: 'not-racklab' } })
    await ctr.start()
    try {
      const r = await racklab(['down'])
      expect(r.code).toBe(0)
      expect(await docker.listContainers({ all: true, filters: { label: [`racklab.lab=${TEST_LAB}`] } })).toHaveLength(0)
      expect((await ctr.inspect()).State.Running).toBe(true)
      expect((await net.inspect()).Name).toBe(tag)
      expect((await vol.inspect()).Name).toBe(tag)
      const vols = await docker.listVolumes({ filters: { label: [`racklab.lab=${TEST_LAB}`] } })
      expect(vols.Volumes?.length).toBeGreaterThanOrEqual(3)
      // data survives down/up
      expect((await racklab(['up', '--only', 'db1,db2,db3'])).code).toBe(0)
      expect(await sql('db3', "SELECT COUNT(*) FROM address_book WHERE email='carol@fastmail.test'")).toBe('1')
    } finally {
      await ctr.remove({ force: true })
      await net.remove()
      await vol.remove()
    }
  })
})
