// Network faults without netem on a small lab (db1 primary in nyi-1, db2 replica in nyi-2, db3 offsite over
// the WAN): latency through the delay proxy shows as replication lag and goes with its undo; a delay proxy
// killed mid-fault ends its fault (link restored, ledgered); loss is applied and removed; rack nyi-1 is
// partitioned from nyi-2 on the internal network while the WAN keeps working; a restarted engine undoes what
// the previous one left in place.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ProbeResult } from '@contract/status'
import { containerName } from '../../main/engine/lab/naming'
import { check, exec } from './lab-driver'
import { racklab, TEST_HOME, TEST_LAB, until, type CliResult } from './helpers'

const docker = new Docker()
const ok = (r: CliResult, what: string): CliResult => {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}: ${r.stdout}${r.stderr}`)
  return r
}
const ledger = (): { seq?: number; end?: number; action?: string; target?: string; undoes?: number; ok?: boolean; text?: string }[] =>
  readFileSync(join(TEST_HOME, TEST_LAB, 'actions.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as never)
/** the ledger entry that undid action `seq`, once it has finished (its begin line is written before it runs) */
const undoneBy = (seq: number) => {
  const lines = ledger()
  const begin = lines.find((l) => l.undoes === seq)
  return begin && lines.some((l) => l.end === begin.seq) ? begin : undefined
}
const sidecar = (server: string): Docker.Container => docker.getContainer(containerName(TEST_LAB, `${server}-netfault`))
async function inSidecar(server: string, cmd: string): Promise<string> {
  const ex = await sidecar(server).exec({ Cmd: ['sh', '-c', cmd], AttachStdout: true, AttachStderr: true })
  const stream = await ex.start({})
  const chunks: Buffer[] = []
  await new Promise<void>((r) => {
    stream.on('data', (c: Buffer) => chunks.push(c))
    stream.on('end', () => r())
  })
  // demux by hand: 8-byte frame headers
  const all = Buffer.concat(chunks)
  let out = ''
  for (let i = 0; i + 8 <= all.length; ) {
    const n = all.readUInt32BE(i + 4)
    out += all.subarray(i + 8, i + 8 + n).toString()
    i += 8 + n
  }
  return out
}
const replication = async (server: string): Promise<ProbeResult | undefined> => (await check()).find((r) => r.id === 'db.replication' && r.target === server)
const heartbeatMs = async (server: string): Promise<number | undefined> => {
  const r = await replication(server)
  return r?.ok ? (r.values?.heartbeatMs as number | undefined) : undefined
}
/** packets lost out of `count` pinging from one server to an address */
async function lost(from: string, ip: string, count = 100): Promise<number> {
  const r = await exec(from, ['ping', '-n', '-q', '-c', String(count), '-i', '0.02', '-W', '1', ip], { timeoutMs: 30_000 })
  const m = /(\d+) packets transmitted, (\d+) received/.exec(r.stdout)
  if (!m) throw new Error(`ping from ${from}: ${r.stdout}${r.stderr}`)
  return Number(m[1]) - Number(m[2])
}
const ipOf = async (server: string, net: string): Promise<string> => (await docker.getContainer(containerName(TEST_LAB, server)).inspect()).NetworkSettings.Networks[`racklab-${TEST_LAB}-${net}`]!.IPAddress

describe('network faults without netem', () => {
  let db1Int = ''
  let db1Wan = ''
  beforeAll(async () => {
    await racklab(['down', '--volumes'])
    ok(await racklab(['up', '--only', 'db1,db2,db3']), 'up')
    db1Int = await ipOf('db1', 'int')
    db1Wan = await ipOf('db1', 'wan')
  })
  afterAll(async () => {
    await racklab(['down', '--volumes'])
  })

  it('lists the faults this host supports, and netem is not needed', async () => {
    const list = JSON.parse(ok(await racklab(['actions', 'cable:db3/wan', '--json']), 'actions').stdout) as { id: string; enabled: boolean; reason?: string; family?: string }[]
    const byId = new Map(list.map((a) => [a.id, a]))
    for (const id of ['add-latency', 'add-loss', 'limit-bandwidth']) expect(byId.get(id), id).toMatchObject({ enabled: true, family: 'network' })
    expect(byId.get('remove-latency')).toMatchObject({ enabled: false, reason: 'no latency fault on cable:db3/wan' })
  })

  it('latency on the WAN to db3 shows as replication lag, and the undo takes it away', async () => {
    await until('db3 replicating', async () => (await heartbeatMs('db3')) !== undefined, 180_000, 1000)
    ok(await racklab(['act', 'cable:db3/wan', 'add-latency', 'ms=800']), 'add-latency')
    // the IO thread reconnects through the proxy (several round trips of 1.6 s each), then every event is late
    const lag = await until('db3 lag ≥ 700 ms', async () => {
      const ms = await heartbeatMs('db3')
      return ms !== undefined && ms >= 700 && ms
    }, 120_000, 2000)
    expect(lag).toBeLessThan(3000)
    ok(await racklab(['undo']), 'undo')
    await until('db3 lag back under 300 ms', async () => {
      const ms = await heartbeatMs('db3')
      return ms !== undefined && ms < 300
    }, 90_000, 2000)
    expect(await inSidecar('db3', 'iptables-legacy -t nat -S; iptables-nft -t nat -S 2>/dev/null')).not.toMatch(/RL-LAT/)
  })

  it('a delay proxy killed mid-fault ends its fault: the link is restored and the ledger says so', async () => {
    ok(await racklab(['act', 'cable:db3/wan', 'add-latency', 'ms=50']), 'add-latency')
    const applied = ledger().filter((l) => l.action === 'add-latency').at(-1)!.seq!
    await inSidecar('db3', 'kill $(cat /tmp/rl-delay-wan.pid)')
    const undo = await until('the fault undone by the engine', async () => undoneBy(applied), 60_000, 500)
    expect(undo.action).toBe('remove-latency')
    expect(await inSidecar('db3', 'iptables-legacy -t nat -S; iptables-nft -t nat -S 2>/dev/null')).not.toMatch(/RL-LAT/)
    const journal = ok(await racklab(['journal']), 'journal').stdout
    expect(journal).toMatch(/the delay proxy on db3 \(wan\) died: ending add-latency cable:db3\/wan/)
    await until('db3 replicating again', async () => (await heartbeatMs('db3')) !== undefined, 60_000, 1000)
  })

  it('loss on db2’s int cable drops packets both ways, and its undo stops it', async () => {
    ok(await racklab(['act', 'cable:db2/int', 'add-loss', 'percent=50']), 'add-loss')
    const during = await lost('db2', db1Int)
    // 50 % each way: a round trip survives a quarter of the time
    expect(during).toBeGreaterThan(50)
    expect(during).toBeLessThan(95)
    ok(await racklab(['undo']), 'undo')
    expect(await lost('db2', db1Int)).toBe(0)
  })

  it('a bandwidth limit on db1’s int cable caps what db1 sends (tbf), and its undo lifts it', async () => {
    const db2Int = await ipOf('db2', 'int')
    /** KB/s from db1 to db2 over int, 512 KB through a plain TCP socket */
    const rate = async (): Promise<number> => {
      const recv = exec('db2', ['perl', '-MIO::Socket::INET', '-MTime::HiRes=time', '-e', 'my $l = IO::Socket::INET->new(LocalPort => 39999, Listen => 1, ReuseAddr => 1) or die; my $c = $l->accept; my $t = time; my $n = 0; while (my $r = sysread($c, my $b, 65536)) { $t = time if !$n; $n += $r } printf "%d %.3f\\n", $n, time - $t'], { timeoutMs: 60_000 })
      // the listener may take a while to start on a busy host: the sender tries for 30 s
      const sent = await exec('db1', ['perl', '-MIO::Socket::INET', '-e', `my $s; for (1 .. 300) { $s = IO::Socket::INET->new(PeerAddr => '${db2Int}', PeerPort => 39999) and last; select(undef, undef, undef, 0.1) } $s or die "$!"; print $s 'x' x (512 * 1024); close $s`], { timeoutMs: 60_000 })
      if (sent.exitCode !== 0) throw new Error(`send from db1: ${sent.stderr}`)
      const [bytes, secs] = (await recv).stdout.trim().split(' ').map(Number)
      expect(bytes).toBe(512 * 1024)
      return bytes! / 1024 / Math.max(secs!, 0.001)
    }
    ok(await racklab(['act', 'cable:db1/int', 'limit-bandwidth', 'kbit=1024']), 'limit-bandwidth')
    const limited = await rate()
    // 1024 kbit/s is 128 KB/s
    expect(limited).toBeGreaterThan(90)
    expect(limited).toBeLessThan(160)
    ok(await racklab(['undo']), 'undo')
    expect(await rate()).toBeGreaterThan(1000)
  })

  it('partitions nyi-1 from nyi-2 on int; each side works inside, the WAN still carries db3; heal joins them', async () => {
    const r = ok(await racklab(['act', 'rack:nyi-1', 'partition', 'from=nyi-2', 'network=int']), 'partition')
    expect(r.stderr + r.stdout).toMatch(/partitioned nyi-1 from nyi-2 on int/)
    expect(await lost('db2', db1Int, 20)).toBe(20)
    // each side still works: db1 takes writes, db2 answers its own clients, db3 still replicates over the WAN
    expect((await exec('db1', ['mariadb', '-N', '-e', 'SELECT 1'])).stdout.trim()).toBe('1')
    expect((await exec('db2', ['mariadb', '-N', '-e', 'SELECT 1'])).stdout.trim()).toBe('1')
    expect(await lost('db3', db1Wan, 20)).toBe(0)
    await until('db3 still replicating', async () => (await heartbeatMs('db3')) !== undefined, 30_000, 1000)
    await until('db2 seen as cut off', async () => (await replication('db2'))?.ok === false, 60_000, 2000)
    ok(await racklab(['act', 'rack:nyi-2', 'heal-partition', 'from=nyi-1', 'network=int']), 'heal from the other side')
    expect(await lost('db2', db1Int, 20)).toBe(0)
    await until('db2 replicating again', async () => (await heartbeatMs('db2')) !== undefined, 60_000, 1000)
  })

  it('a restarted engine undoes the faults the previous one left in place', async () => {
    ok(await racklab(['act', 'cable:db2/int', 'add-loss', 'percent=100']), 'add-loss')
    const applied = ledger().filter((l) => l.action === 'add-loss').at(-1)!.seq!
    ok(await racklab(['engine', 'stop']), 'engine stop')
    ok(await racklab(['status']), 'status (a new engine)')
    await until('the loss undone', async () => undoneBy(applied), 60_000, 500)
    expect(await lost('db2', db1Int, 20)).toBe(0)
  })
})
