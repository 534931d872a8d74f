// Bench of the delay proxy (issue 16): what it adds, at 0 ms, to MariaDB round trips on the path replication
// takes (db2 → db1 over the int network), target ≤ 1 ms at p50. Inside db2, one connection as the replication
// user runs SELECT 1 in a loop (no docker exec per round trip); runs alternate plain, through the proxy, plain.
import type { Runtime } from '../../main/api/runtime'
import { createRuntime } from '../../main/api/runtime'
import { atMost, type BenchResult } from './figure'

const LAB = 'bench-net'
const TRIPS = 2000

const LOOP = `use DBI; use Time::HiRes qw(time);
my $dbh = DBI->connect("DBI:MariaDB:host=$ARGV[0];port=3306", "repl", $ENV{REPL_PASSWORD}, { RaiseError => 1 });
$dbh->selectrow_array("SELECT 1") for 1 .. 50;
my @t; for (1 .. ${TRIPS}) { my $t0 = time; $dbh->selectrow_array("SELECT 1"); push @t, time - $t0 }
@t = sort { $a <=> $b } @t; printf "%.1f %.1f\\n", $t[@t / 2] * 1e6, $t[int(@t * 0.95)] * 1e6;`

async function roundTrips(rt: Runtime, primaryIp: string): Promise<{ p50: number; p95: number }> {
  const c = rt.lab.container('db2')
  if (!c) throw new Error('db2 has no container')
  const r = await rt.lab.gateway.exec(c.id, ['perl', '-e', LOOP, primaryIp], { timeoutMs: 120_000 })
  const m = /^([\d.]+) ([\d.]+)$/.exec(r.stdout.trim())
  if (r.exitCode !== 0 || !m) throw new Error(`round-trip loop in db2: ${r.stderr || r.stdout}`)
  return { p50: Number(m[1]) / 1000, p95: Number(m[2]) / 1000 }
}

export async function benchNetfault(): Promise<BenchResult> {
  const rt = await createRuntime({ labId: LAB, watch: false })
  try {
    const up = await rt.lab.up(['db1', 'db2']).done
    if (up.status !== 'succeeded') throw new Error(`up failed: ${up.error?.message}`)
    await rt.lab.refresh()
    const ip = rt.lab.servers.get('db1')!.server.nics.find((n) => n.network === 'int')!.ip
    const before = await roundTrips(rt, ip)
    const applied = await rt.lab.book.run('cable:db2/int', 'add-latency', { ms: '0' })
    let proxied: { p50: number; p95: number }
    try {
      proxied = await roundTrips(rt, ip)
    } finally {
      await rt.lab.book.undo(applied.seq)
    }
    const after = await roundTrips(rt, ip)
    const plainP50 = (before.p50 + after.p50) / 2
    return {
      mariadbRoundTripP50Ms: Number(plainP50.toFixed(3)),
      mariadbRoundTripViaProxyP50Ms: Number(proxied.p50.toFixed(3)),
      mariadbRoundTripViaProxyP95Ms: Number(proxied.p95.toFixed(3)),
      delayProxyAddedP50Ms: atMost(Number((proxied.p50 - plainP50).toFixed(3)), 1),
    }
  } finally {
    await rt.lab.down(true).done.catch(() => undefined)
    rt.close()
  }
}
