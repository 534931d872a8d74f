// racklab/base + racklab/db on the real engine, driven with the docker CLI (independent of the engine's own
// build and run path): a primary and two GTID replicas on an internal network of their own, provisioning,
// replication through a stopped replica, killed servers and a pulled cable, then checksums and the probes.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Exec, probeChecksums, probePing, probeReplication } from '../../main/engine/probes/db'
import { ROOT, until } from './helpers'

const RUN = `dbtest-${randomBytes(3).toString('hex')}`
const SUBNET = '10.231.200'
const SERVERS = { db1: 11, db2: 12, db3: 13 } as const
type Server = keyof typeof SERVERS
const name = (s: Server): string => `${RUN}-${s}`
const ip = (s: Server): string => `${SUBNET}.${SERVERS[s]}`
const label = `racklab.lab=${RUN}`
const timings: Record<string, number> = {}

interface Out {
  code: number
  stdout: string
  stderr: string
}
function docker(args: string[], stdin?: string): Promise<Out> {
  return new Promise((resolve) => {
    const child = spawn('docker', args)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
    child.stdin.end(stdin ?? '')
  })
}
async function must(args: string[], stdin?: string): Promise<string> {
  const r = await docker(args, stdin)
  if (r.code !== 0) throw new Error(`docker ${args.slice(0, 3).join(' ')} … exited ${r.code}: ${r.stderr.trim()}`)
  return r.stdout
}
const exec: Exec = (server, cmd) => docker(['exec', `${RUN}-${server}`, ...cmd]).then((r) => ({ exitCode: r.code, stdout: r.stdout, stderr: r.stderr }))
const sql = async (s: Server, q: string): Promise<string> => (await must(['exec', name(s), 'mariadb', '-N', '-B', 'racklab', '-e', q])).trim()
async function timed<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now()
  const v = await fn()
  timings[key] = Math.round(performance.now() - t0)
  return v
}

const ENV = { REPL_PASSWORD: "r3pl'pw", APP_PASSWORD: 'app-pw', BACKUP_PASSWORD: 'backup-pw' }
function run(s: Server, opts: { primary?: Server; role?: 'primary' | 'replica' } = {}): Promise<string> {
  const primary = opts.role ?? (s === 'db1' ? 'primary' : 'replica')
  const role = primary === 'primary'
    ? ['-e', 'DB_ROLE=primary', '-e', `APP_PASSWORD=${ENV.APP_PASSWORD}`, '-e', `BACKUP_PASSWORD=${ENV.BACKUP_PASSWORD}`, '-e', `LAB_NETS=${SUBNET}.0/24`]
    : ['-e', 'DB_ROLE=replica', '-e', `PRIMARY_HOST=${ip(opts.primary ?? 'db1')}`]
  return must(['run', '-d', '--name', name(s), '--hostname', s, '--label', label, '--label', `racklab.server=${s}`, '--network', RUN, '--ip', ip(s),
    '--tmpfs', '/run', '-v', `${name(s)}:/var/lib/mysql`, '-e', `SERVER_ID=${SERVERS[s]}`, '-e', `REPL_PASSWORD=${ENV.REPL_PASSWORD}`, ...role, 'racklab/db:latest'])
}
async function healthy(s: Server): Promise<void> {
  await until(`${s} healthy`, async () => {
    const [health, running] = (await must(['inspect', '-f', '{{.State.Health.Status}} {{.State.Running}}', name(s)])).trim().split(' ')
    if (running !== 'true') throw new Error(`${s} stopped: ${(await docker(['logs', '--tail', '20', name(s)])).stderr}`)
    return health === 'healthy'
  }, 60_000, 100)
}
const answers = (s: Server): Promise<boolean> => until(`${s} answering`, async () => (await probePing(exec, s)).ok, 60_000, 100)
// polls through restarts: a server that does not answer yet simply has not caught up yet
const rowOn = (s: Server, tag: string): Promise<boolean> =>
  until(`row ${tag} on ${s}`, async () => (await sql(s, `SELECT COUNT(*) FROM address_book WHERE email = '${tag}@example.test'`).catch(() => '')) === '1', 60_000, 100)
const write = (tag: string): Promise<string> => sql('db1', `INSERT INTO address_book (user_id, name, email) SELECT id, '${tag}', '${tag}@example.test' FROM users WHERE login = 'alice'`)

describe('racklab/db: primary and two replicas', () => {
  beforeAll(async () => {
    await timed('build base', () => must(['build', '-q', '-t', 'racklab/base:latest', join(ROOT, 'lab-images/base')]))
    await timed('build db', () => must(['build', '-q', '-t', 'racklab/db:latest', join(ROOT, 'lab-images/db')]))
    await must(['network', 'create', '--internal', '--subnet', `${SUBNET}.0/24`, '--label', label, RUN])
    for (const s of Object.keys(SERVERS) as Server[]) await must(['volume', 'create', '--label', label, name(s)])
  })

  afterAll(async () => {
    for (const s of Object.keys(SERVERS) as Server[]) await docker(['rm', '-fv', name(s)])
    for (const s of Object.keys(SERVERS) as Server[]) await docker(['volume', 'rm', name(s)])
    await docker(['network', 'rm', RUN])
    console.log(`db-image timings (ms): ${JSON.stringify(timings)}`)
    const left = await must(['ps', '-aq', '--filter', `label=${label}`])
    const vols = await must(['volume', 'ls', '-q', '--filter', `label=${label}`])
    expect(left.trim() + vols.trim()).toBe('')
  })

  it('an entrypoint given a command runs that command instead of a server', async () => {
    const r = await docker(['run', '--rm', '--network', 'none', 'racklab/db:latest', 'mariadb', '--version'])
    expect(r.stdout).toMatch(/^mariadb\s+Ver .*10\.11/)
    const bad = await docker(['run', '--rm', '--network', 'none', '-e', 'SERVER_ID=1', '-e', 'DB_ROLE=leader', 'racklab/db:latest'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('DB_ROLE must be primary or replica')
  })

  it('starts all three at once (replicas before their primary answers) and they become healthy', async () => {
    const t0 = performance.now()
    await Promise.all((['db1', 'db2', 'db3'] as Server[]).map((s) => run(s)))
    await Promise.all((['db1', 'db2', 'db3'] as Server[]).map(async (s) => {
      await answers(s)
      timings[`${s} run→answers`] = Math.round(performance.now() - t0)
      await healthy(s)
      timings[`${s} run→healthy`] = Math.round(performance.now() - t0)
    }))
    for (const s of ['db2', 'db3'] as Server[]) await until(`${s} replicating`, async () => (await probeReplication(exec, s)).ok, 30_000, 200)
    timings['run→replicas running'] = Math.round(performance.now() - t0)
    expect(await sql('db2', 'SELECT @@read_only')).toBe('1')
    expect(await sql('db1', 'SELECT @@read_only')).toBe('0')
  })

  it('provisions users on the primary idempotently and refuses to on a replica', async () => {
    const lines = [
      { kind: 'store', id: 'imap1-store', name: 'Store 1', master: 'imap1', replica: 'imap2' },
      { name: 'alice', password: 'alice-2007', fullName: 'Alice Archer', store: 'imap1' },
      { name: 'bob', password: "b'ob\"é", fullName: 'Bob Baker', store: 'imap3' },
      { name: 'carol', password: 'carol-2007', fullName: 'Carol Cooper', store: '' },
    ].map((l) => JSON.stringify(l)).join('\n') + '\n'
    const first = await docker(['exec', '-i', name('db1'), 'racklab-provision-users', '--domain', 'example.test'], lines)
    expect(first.code, first.stderr).toBe(0)
    expect(JSON.parse(first.stdout)).toMatchObject({ users: { created: 3 }, stores: { created: 2 }, domains: { created: 1 } })
    const again = await docker(['exec', '-i', name('db1'), 'racklab-provision-users', '--domain', 'example.test'], lines)
    expect(JSON.parse(again.stdout)).toMatchObject({ users: { created: 0, updated: 0, unchanged: 3 }, stores: { unchanged: 1 } })
    expect(await sql('db1', "SELECT COALESCE(store, 'none') FROM users WHERE login = 'carol'")).toBe('none')
    // the stored hash is sha256$salt$SHA2(salt||password) and checks in SQL
    const check = "SELECT login FROM users WHERE password_hash = CONCAT('sha256$', SUBSTRING_INDEX(SUBSTRING_INDEX(password_hash, '$', 2), '$', -1), '$', SHA2(CONCAT(SUBSTRING_INDEX(SUBSTRING_INDEX(password_hash, '$', 2), '$', -1), 'b''ob\"é'), 256))"
    expect(await sql('db1', check)).toBe('bob')
    expect(await sql('db1', "SELECT backend FROM mailroute WHERE address = 'bob@example.test'")).toBe('imap3')
    const onReplica = await docker(['exec', '-i', name('db2'), 'racklab-provision-users'], lines)
    expect(onReplica.code).toBe(1)
    expect(onReplica.stderr).toContain('read-only replica')
  })

  it('a row written on db1 is read on db2 and db3', async () => {
    await write('first')
    await timed('catch-up of one row', () => Promise.all([rowOn('db2', 'first'), rowOn('db3', 'first')]))
    expect(await sql('db3', "SELECT login FROM users WHERE login = 'alice'")).toBe('alice')
  })

  it('a stopped replica catches up after start', async () => {
    await timed('docker stop db2', () => must(['stop', name('db2')]))
    expect((await must(['inspect', '-f', '{{.State.ExitCode}}', name('db2')])).trim()).toBe('0')
    await write('while-db2-stopped')
    const t0 = performance.now()
    await must(['start', name('db2')])
    await rowOn('db2', 'while-db2-stopped')
    timings['db2 start→caught up'] = Math.round(performance.now() - t0)
  })

  it('replication survives docker kill + start of the primary and of a replica', async () => {
    await must(['kill', name('db1')])
    let t0 = performance.now()
    await must(['start', name('db1')])
    await answers('db1')
    timings['db1 kill+start→answers'] = Math.round(performance.now() - t0)
    await write('after-primary-kill')
    await Promise.all([rowOn('db2', 'after-primary-kill'), rowOn('db3', 'after-primary-kill')])
    timings['db1 start→replicas caught up'] = Math.round(performance.now() - t0)
    await must(['kill', name('db3')])
    await write('while-db3-killed')
    t0 = performance.now()
    await must(['start', name('db3')])
    await rowOn('db3', 'while-db3-killed')
    timings['db3 kill+start→caught up'] = Math.round(performance.now() - t0)
  })

  it('a pulled cable is noticed by the replica, and it catches up once reconnected with its address', async () => {
    await must(['network', 'disconnect', RUN, name('db3')])
    let t0 = performance.now()
    await write('cable-out')
    const noticed = await until('db3 noticing the pulled cable', async () => {
      const r = await probeReplication(exec, 'db3')
      return r.ok ? false : r
    }, 30_000, 500)
    timings['cable pull→noticed'] = Math.round(performance.now() - t0)
    expect(noticed.message).toContain('db3 is not receiving from 10.231.200.11')
    t0 = performance.now()
    await must(['network', 'connect', '--ip', ip('db3'), RUN, name('db3')])
    await rowOn('db3', 'cable-out')
    timings['reconnect→caught up'] = Math.round(performance.now() - t0)
    await until('db3 replicating again', async () => (await probeReplication(exec, 'db3')).ok, 10_000, 200)
  })

  it('a replica recreated on its volume with another PRIMARY_HOST is re-pointed; another role is refused', async () => {
    await must(['rm', '-fv', name('db3')])
    const wrongRole = await docker(['run', '--rm', '--network', RUN, '-v', `${name('db3')}:/var/lib/mysql`, '-e', 'SERVER_ID=13', '-e', 'DB_ROLE=primary',
      '-e', `REPL_PASSWORD=${ENV.REPL_PASSWORD}`, '-e', `APP_PASSWORD=${ENV.APP_PASSWORD}`, '-e', `LAB_NETS=${SUBNET}.0/24`, 'racklab/db:latest'])
    expect(wrongRole.code).toBe(1)
    expect(wrongRole.stderr).toContain('this volume was initialised as replica, not primary')
    // chained: db1 → db2 → db3 (db2 logs what it applies, log-slave-updates)
    await run('db3', { primary: 'db2' })
    await answers('db3')
    await until('db3 replicating from db2', async () => (await probeReplication(exec, 'db3')).message.includes(`from ${ip('db2')}`), 20_000, 200)
    await write('via-db2')
    await rowOn('db3', 'via-db2')
    const logs = await docker(['logs', name('db3')])
    expect(logs.stderr).toContain(`primary changed from ${ip('db1')} to ${ip('db2')}`)
    // and back to db1, as the lab's topology has it
    await must(['rm', '-fv', name('db3')])
    await run('db3')
    await until('db3 replicating from db1', async () => (await probeReplication(exec, 'db3')).message.includes(`from ${ip('db1')}`), 20_000, 200)
  })

  it('all three hold identical tables, and the probes say so', async () => {
    const tables = ['users', 'stores', 'domains', 'address_book', 'web_sessions', 'files', 'file_copies']
    const r = await until('equal checksums', async () => {
      const c = await probeChecksums(exec, ['db1', 'db2', 'db3'], tables)
      return c.ok ? c : false
    }, 20_000, 200)
    expect(r.checksums.db1?.['racklab.address_book']).toBe(r.checksums.db3?.['racklab.address_book'])
    expect(r.checksums.db1?.['racklab.address_book']).not.toBe('0')
    for (const s of ['db2', 'db3'] as Server[]) expect((await probeReplication(exec, s)).values).toMatchObject({ ioRunning: true, sqlRunning: true, lagSeconds: 0 })
    expect((await probePing(exec, 'db1')).ok).toBe(true)
    const stopped = await probePing(exec, 'nope')
    expect(stopped.ok).toBe(false)
  })
})
