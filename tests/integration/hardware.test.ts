// Physical faults reach the real containers: a pulled cable stops replication, a tripped circuit kills the
// switches on it and cuts their servers off, a dark rack kills its servers hard, and every break has a way back.
import { readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDockerGateway } from '../../main/engine/docker/gateway'
import { containerName } from '../../main/engine/lab/naming'
import { sql } from './lab-driver'
import { racklab as racklabCli, ROOT, TEST_LAB, until } from './helpers'

// nyi-2007 with nyi-1 on 15 A circuits: at full load one side can no longer carry the rack, which is the
// failure FastMail sized its circuits against (fastmail-facts.md §4). Every command of this file uses it.
const TOPO = join(tmpdir(), `racklab-nyi-2007-15a-${process.pid}.yaml`)
writeFileSync(
  TOPO,
  readFileSync(join(ROOT, 'resources/topologies/nyi-2007.yaml'), 'utf8').replace(/(id: nyi-1-[ab], side: [AB], volts: 120, amps: )20/g, '$115'),
)
const racklab = (args: string[]): ReturnType<typeof racklabCli> => racklabCli([...args, '--topology', TOPO])

const docker = new Docker()
const gw = createDockerGateway()
const act = async (target: string, action: string): Promise<string> => {
  const r = await racklab(['act', target, action, '--json'])
  if (r.code !== 0) throw new Error(`act ${target} ${action} failed: ${r.stdout}${r.stderr}`)
  return (JSON.parse(r.stdout) as { text: string }).text
}
const networksOf = async (server: string): Promise<string[]> =>
  Object.keys((await docker.getContainer(containerName(TEST_LAB, server)).inspect()).NetworkSettings.Networks).map((n) => n.replace(`racklab-${TEST_LAB}-`, '')).sort()
const running = async (server: string): Promise<boolean> => (await docker.getContainer(containerName(TEST_LAB, server)).inspect()).State.Running
const status = async (): Promise<{ servers: { id: string; state: string; health: string }[]; hardware: { circuits: { id: string; state: string; amps: number }[] } }> =>
  JSON.parse((await racklab(['status', '--json'])).stdout) as never
let marker = 0
const write = async (): Promise<string> => {
  const email = `hw-${Date.now()}-${++marker}@fastmail.test`
  await sql('db1', `INSERT INTO address_book (user_id, name, email) SELECT id, 'hw', '${email}' FROM users WHERE login='bob'`)
  return email
}
const seen = async (server: string, email: string): Promise<boolean> => (await sql(server, `SELECT COUNT(*) FROM address_book WHERE email='${email}'`).catch(() => '0')) === '1'

describe('hardware faults on the real DB tier', () => {
  beforeAll(async () => {
    await racklab(['down', '--volumes'])
    const up = await racklab(['up', '--only', 'db1,db2,db3'])
    if (up.code !== 0) throw new Error(`up failed: ${up.stderr}`)
  })
  afterAll(async () => {
    await racklab(['down', '--volumes'])
  })

  it('refuses impossible actions with the reason and changes nothing', async () => {
    const r = await racklab(['act', 'circuit:nyi-1-a', 'reset', '--json'])
    expect(r.code).toBe(1)
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'REFUSED' } })
    expect(JSON.parse(r.stdout).error.message).toMatch(/not tripped/)
    const list = JSON.parse((await racklab(['actions', 'cable:db2/int', '--json'])).stdout) as { id: string; enabled: boolean }[]
    expect(list.find((a) => a.id === 'plug')).toMatchObject({ enabled: false })
  })

  it('pull db2’s internal cable → replication stops → plug it → it catches up', async () => {
    await act('cable:db2/int', 'unplug')
    expect(await networksOf('db2')).toEqual(['wan'])
    const email = await write()
    await new Promise((r) => setTimeout(r, 3000))
    expect(await seen('db2', email)).toBe(false)
    expect(await seen('db3', email)).toBe(true)
    await act('cable:db2/int', 'plug')
    expect(await networksOf('db2')).toEqual(['int', 'wan'])
    const t0 = Date.now()
    await until('db2 to catch up after the cable is back', () => seen('db2', email), 60_000)
    console.log(`db2 caught up ${Date.now() - t0} ms after the cable was plugged back`)
  })

  it('trip nyi-1 A at idle: the single-PSU switches on it die and cut db1 off int; dual-PSU db1 keeps running on B', async () => {
    await act('circuit:nyi-1-a', 'trip')
    const s = await status()
    expect(s.hardware.circuits.find((c) => c.id === 'nyi-1-a')?.state).toBe('tripped')
    expect(s.hardware.circuits.find((c) => c.id === 'nyi-1-b')?.amps).toBeGreaterThan(0)
    expect(await running('db1')).toBe(true)
    expect(await networksOf('db1')).toEqual(['wan'])
    const email = await write()
    await until('db3 (over the WAN) to get the row', () => seen('db3', email), 20_000)
    expect(await seen('db2', email)).toBe(false)
  })

  it('at full load, B cannot carry A’s load and trips too → rack dark → db1 killed hard; reset and power on → healthy with its data', async () => {
    const before = await sql('db1', 'SELECT COUNT(*) FROM address_book')
    for (const id of ['fe1', 'web1', 'mx1', 'db1', 'imap1']) await act(`server:${id}`, 'run-hot')
    const t0 = Date.now()
    await until('circuit nyi-1-b to trip on overload', async () => (await status()).hardware.circuits.find((c) => c.id === 'nyi-1-b')?.state === 'tripped', 60_000, 500)
    console.log(`nyi-1-b tripped ${Date.now() - t0} ms (wall) after the run-hot; the lab clock runs 60× faster`)
    await until('db1 to be killed', async () => !(await running('db1')), 10_000)
    const killed = await docker.getContainer(containerName(TEST_LAB, 'db1')).inspect()
    expect(killed.State.ExitCode).toBe(137)
    expect((await status()).servers.find((x) => x.id === 'db1')?.state).toBe('powered-off')
    expect((await racklab(['check', '--fresh'])).code).toBe(1)

    for (const id of ['fe1', 'web1', 'mx1', 'db1', 'imap1']) await act(`server:${id}`, 'run-idle')
    await act('circuit:nyi-1-a', 'reset')
    await act('circuit:nyi-1-b', 'reset')
    expect(await running('db1')).toBe(false) // servers stay off until someone powers them on
    await act('rack:nyi-1', 'power-on')
    await until('db1 to boot and be healthy', async () => (await status()).servers.find((x) => x.id === 'db1')?.health === 'healthy', 120_000, 1000)
    expect(await networksOf('db1')).toEqual(['int', 'wan'])
    expect(await sql('db1', 'SELECT COUNT(*) FROM address_book')).toBe(before)
    const email = await write()
    for (const r of ['db2', 'db3'])
      await until(`${r} to replicate after the blackout`, () => seen(r, email), 60_000).catch(async (e: unknown) => {
        const st = await gw.exec(containerName(TEST_LAB, r), ['mariadb', '-e', 'SHOW SLAVE STATUS\\G'])
        throw new Error(`${(e as Error).message}\n${st.stdout}`)
      })
    await until('every probe to pass', async () => (await racklab(['check'])).code === 0, 60_000, 1000)
  })
})
