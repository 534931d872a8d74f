// Bench of the mail chain on a lab of its own (db1, imap1, imap2, mx1): (1) messages per second through the
// whole chain (swaks → Postfix + milters → LMTP proxy → Cyrus) against the same Postfix delivering to Cyrus's
// LMTP directly (virtual_transport switched for the run, then restored): the ratio is the proxy's cost;
// (2) SMTP accept → visible on the replica, p50/p95 (target p50 ≤ 2 s); (3) recovery: 20 messages queued on
// mx1 while imap1 is powered off, then the time from imap1 healthy again to all 20 in its mailbox (target
// ≤ 30 s: the engine flushes the MXs' queues when a store can take mail); (4) the MX's own answer to a message: the
// time from the end of DATA to Postfix's 250 (the three milters' work on it), p50 of END_OF_DATA_SAMPLES, timed by
// a small SMTP client inside mx1 (swaks' own start-up would swamp it). It was 700 ms with the milters on TCP (each
// waited for a delayed ACK, session 27), 55 ms on unix sockets. Everything runs inside the lab.
import { randomBytes } from 'node:crypto'
import { createRuntime } from '../../main/api/runtime'
import { containerName } from '../../main/engine/lab/naming'
import { atMost, type BenchResult } from './figure'

const LAB = 'bench-mail'
const SERVERS = ['db1', 'imap1', 'imap2', 'mx1']
const N = 30
const LATENCY_SAMPLES = 10
const END_OF_DATA_SAMPLES = 10

// one SMTP session per sample against 127.0.0.1:25, printing the milliseconds from the message's end (sent) to the
// reply (read); a reply other than 250 fails the bench
const END_OF_DATA_CLIENT = String.raw`
use strict; use IO::Socket::INET; use Time::HiRes qw(time);
for my $i (1 .. $ARGV[0]) {
  my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => 25) or die "connect: $!\n";
  my $rd = sub { my $l = ''; while (defined(my $x = <$s>)) { $l .= $x; last if $x =~ /^\d{3} / } $l };
  my $ok = sub { my ($want) = @_; my $r = $rd->(); die "wanted $want, got: $r" unless $r =~ /^$want/m; $r };
  $ok->(220); print $s "EHLO bench.example.test\r\n"; $ok->(250);
  print $s "MAIL FROM:<b\@example.test>\r\n"; $ok->(250); print $s "RCPT TO:<bob\@fastmail.test>\r\n"; $ok->(250);
  print $s "DATA\r\n"; $ok->(354);
  my $t = time;
  print $s "From: b\@example.test\r\nTo: bob\@fastmail.test\r\nSubject: end of data $i\r\nX-Racklab-Bench: eod\r\n\r\nbench\r\n.\r\n";
  $ok->('250 ');
  printf "%.1f\n", (time - $t) * 1000;
  print $s "QUIT\r\n"; close $s;
}
`

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!
}

export async function benchMail(): Promise<BenchResult> {
  const rt = await createRuntime({ labId: LAB, watch: false })
  const exec = async (server: string, cmd: string[], timeoutMs = 120_000): Promise<string> => {
    const r = await rt.lab.gateway.exec(containerName(LAB, server), cmd, { timeoutMs })
    if (r.exitCode !== 0) throw new Error(`${server}: ${cmd[0]} exit ${r.exitCode}: ${(r.stderr || r.stdout).slice(-300)}`)
    return r.stdout
  }
  const count = async (server: string, token: string): Promise<number> =>
    (JSON.parse(await exec(server, ['racklab-mail-find', '--user', 'bob', '--header', 'X-Racklab-Bench', '--value', token])) as { messages: unknown[] }).messages.length
  /** N messages from 4 parallel swaks loops inside mx1; seconds until all are on imap1 */
  const burst = async (): Promise<number> => {
    const token = randomBytes(4).toString('hex')
    const t0 = performance.now()
    await exec('mx1', ['bash', '-c', `seq ${N} | xargs -P4 -I{} swaks -S -S --server 127.0.0.1 --to bob@fastmail.test --from b@example.test --header 'X-Racklab-Bench: ${token}-{}' --body 'bench {}'`], 300_000)
    for (;;) {
      if ((await count('imap1', token)) >= N) return (performance.now() - t0) / 1000
      if (performance.now() - t0 > 120_000) throw new Error(`only part of the burst ${token} arrived on imap1 within 120 s`)
      await new Promise((r) => setTimeout(r, 200))
    }
  }
  try {
    const up = await rt.lab.up(SERVERS).done
    if (up.status !== 'succeeded') throw new Error(`up failed: ${up.error?.message}`)
    const viaProxy = burst
    const chainS = await viaProxy()

    const imap1 = rt.lab.hookContext('mx1').ipOf('imap1')
    const proxyTransport = (await exec('mx1', ['postconf', '-h', 'virtual_transport'])).trim()
    let directS: number
    try {
      await exec('mx1', ['postconf', '-e', `virtual_transport = lmtp:inet:${imap1}:24`])
      await exec('mx1', ['postfix', 'reload'])
      directS = await burst()
    } finally {
      await exec('mx1', ['postconf', '-e', `virtual_transport = ${proxyTransport}`])
      await exec('mx1', ['postfix', 'reload'])
    }

    const endOfData = (await exec('mx1', ['perl', '-e', END_OF_DATA_CLIENT, String(END_OF_DATA_SAMPLES)])).trim().split('\n').map(Number)

    const lat: number[] = []
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const token = randomBytes(4).toString('hex')
      await exec('mx1', ['swaks', '-S', '-S', '--server', '127.0.0.1', '--to', 'bob@fastmail.test', '--from', 'b@example.test', '--header', `X-Racklab-Bench: ${token}`])
      const t0 = performance.now() // swaks has had its 250 for the DATA
      while ((await count('imap2', token)) < 1) {
        if (performance.now() - t0 > 30_000) throw new Error(`message ${token} not on the replica after 30 s`)
        await new Promise((r) => setTimeout(r, 50))
      }
      lat.push(performance.now() - t0)
    }
    // (3) recovery after a power-off: queued on mx1, delivered once imap1 is back
    const token = randomBytes(4).toString('hex')
    await rt.lab.act('server:imap1', 'power-off')
    await exec('mx1', ['bash', '-c', `seq 20 | xargs -P4 -I{} swaks -S -S --server 127.0.0.1 --to bob@fastmail.test --from b@example.test --header 'X-Racklab-Bench: ${token}-{}' --body 'queued {}'`], 300_000)
    await rt.lab.act('server:imap1', 'power-on')
    const t0 = performance.now()
    for (;;) {
      // this one-shot runtime has no clock ticking: move the hardware model (the boot) along here
      await rt.lab.syncHardware()
      await rt.lab.refresh()
      const st = rt.lab.serverStatus('imap1')
      if (st.state === 'running' && st.health === 'healthy') break
      if (performance.now() - t0 > 300_000) throw new Error('imap1 was not healthy 5 minutes after its power-on')
      await new Promise((r) => setTimeout(r, 200))
    }
    const healthyAt = performance.now()
    while ((await count('imap1', token)) < 20) {
      if (performance.now() - healthyAt > 300_000) throw new Error('the 20 queued messages were not all on imap1 5 minutes after it was healthy')
      await new Promise((r) => setTimeout(r, 250))
    }
    const recoveryS = Math.round(performance.now() - healthyAt) / 1000
    return {
      queuedDeliveredAfterHealthyS: atMost(recoveryS, 30),
      messages: N,
      chainMsgPerS: Math.round((N / chainS) * 100) / 100,
      directMsgPerS: Math.round((N / directS) * 100) / 100,
      chainVsDirectRatio: Math.round((directS / chainS) * 100) / 100,
      replicaVisibleP50Ms: atMost(Math.round(pct(lat, 50)), 2000),
      replicaVisibleP95Ms: Math.round(pct(lat, 95)),
      endOfDataTo250P50Ms: Math.round(pct(endOfData, 50)),
      endOfDataTo250P95Ms: Math.round(pct(endOfData, 95)),
    }
  } finally {
    await rt.lab.down(true).done
    rt.close()
  }
}
