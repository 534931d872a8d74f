// File storage bench (issue 10): WebDAV PUT and GET of a 10 MiB file and FTP RETR of a 50 MiB file through the
// edge (edge forwarder → lab DNS → VIP → nginx TLS or stream proxy → Perl file node, with N=2 fsynced copies on
// PUT and a SHA1 check on every read), each against nginx serving the same bytes from a file, measured two ways
// and both reported (nothing is dropped from the JSON):
// - nginxDirect…: a second nginx started on fe1 for the bench (plain HTTP on :8099, sendfile), read by the same
//   curl on the edge straight at fe1's address: no edge relay, no TLS, no proxy. …OverNginxDirect ratios.
// - nginxSamePath…: the frontends' own nginx serving the file at /bench-static/ (added to each frontend's config
//   in this throwaway lab) through the edge, exactly the way DAV and FTP travel: TLS on 443 for DAV's reference,
//   plain HTTP on 80 for FTP's (FTP is plain TCP through the edge and nginx's stream proxy). What is left of the
//   gap in …OverNginxSamePath is the storage layer's own cost (proxying to the node, the Perl node, the SHA1 on
//   every read, the N fsynced copies on a PUT).
// The reference is nginx's GET throughput for all three (a PUT has no nginx counterpart; the target is
// a fraction of it). Times are curl's own (time_total), best of ROUNDS; every PUT sends new bytes (a repeated
// SHA1 would be deduplicated, not stored). Own lab id, the edge's stack plus file1-3, brought up and down here.
//
// Profile per hop (session 8, before the changes; 2 shared cores, load average 3-35 during it, so best of 3-5
// and ranges, not single figures). 10 MiB unless said:
// - edge → fe1:8099 nginx direct (plain, sendfile): 6-32 ms (0.3-1.7 GiB/s); 50 MiB 26-74 ms.
// - edge → VIP nginx TLS, no edge relay: 17-28 ms (350-590 MiB/s); through the edge relay: 33 ms (306 MiB/s);
//   50 MiB through the edge 198-207 ms (241-252 MiB/s). A tiny request: 20 ms at the VIP, 97 ms through the edge
//   (load 22): the relay forks per connection and asks the lab DNS every time (1.4-7 ms; both are its design:
//   DNS round robin and a moved VIP are seen as the Internet sees them). The relay (Perl, 64 KiB sysread/
//   syswrite) spent 0.47 s CPU per 500 MiB; with 1 MiB reads 0.32 s; splice(2) through a pipe 0.34 s.
// - nginx /dav/: proxy_buffering off with the default 4-8 KiB proxy_buffer_size, proxy_request_buffering off
//   with a 16 KiB client_body_buffer_size, upstream keepalive 8 already; the FTP stream proxy at the default
//   16 KiB; HTTP/2 uploads with the default 64 KiB http2_body_preread_size: a 30 MiB h2 PUT took 2.8-8.9 s and
//   1.1 s of nginx CPU against 0.7-1.8 s and 0.33 s over HTTP/1.1 (flow-control stalls through the edge).
// - fe1 → file1:80 directly: GET 46 ms (219 MiB/s); HEAD 38 ms (it verifies the SHA1 too); PUT 1.08-1.69 s:
//   the node ignored "Expect: 100-continue", so curl waited its 1 s (nginx strips Expect, so not via the edge);
//   without Expect 124 ms.
// - the node (file1, 10 MiB): Digest::SHA add 12.7 ms (OpenSSL EVP 9.9), addfile's small reads 19 ms; write
//   5.4 ms, fsync 7.9 ms. GET: verify (a full read + SHA1), then a second read to send, 1 MiB syswrites. PUT:
//   spool while hashing (print: 8 KiB writes), then SERIAL: this node's link + fsync, then the whole file sent
//   to the peer over HTTP::Tiny (after the upload had ended), which spools, hashes and fsyncs, then the DB.
// - FTP RETR: node 1 MiB sysread/syswrite; nginx stream 16 KiB buffers; the edge relay's 64 KiB.
// Changes: the second copy streams to its node while the upload arrives (Stream.pm, SHA1 in a chunked trailer,
// verified before it lands; the two fsyncs overlap), 100 Continue, spool's one syswrite per chunk, 1 MiB
// hashing reads; nginx proxy_buffering on in memory (2 MiB, never a temp file), 1 MiB request buffer, 256 KiB
// stream buffers, http2_body_preread_size 1m; the edge relay's 1 MiB reads.
//
// Figures, MiB/s (one bench run per line; load average 20-60 from other work during the "after" runs, so the
// spread between runs of the same code is as large as some of the changes):
//                       DAV GET  DAV PUT  FTP RETR | nginx direct 10/50 | same path 10 TLS/50 plain
// before (session 7):     56.7     50.2    193     |  ~1250 / ~1300     |  (not measured)
// after, no h2 fix:      159.2     32.9    252.3   |  3380.7 / 1264.7   |  313.2 / 762.5
// after, run 1:          105.1     80.4    190.3   |  1677.3 / 1317.9   |  282.7 / 667.1
// after, run 2:           61.9     57.1    286.8   |  1602.1 / 891.2    |  289.5 / 884.6
// after, run 3:          134.3     55.6    254.1   |  2853.1 / 1231.0   |  313.8 / 986.1
// Ratios after (runs 1-3): against nginx direct GET 0.04-0.06, PUT 0.02-0.05, FTP 0.14-0.32 (targets 0.5, 0.3,
// 0.5: NOT met); against the same path GET 0.21-0.43 (0.51 in the no-h2-fix run), PUT 0.18-0.28, FTP 0.26-0.32
// (not met either, PUT closest). The direct reference is plain HTTP with sendfile one hop away; a DAV GET also
// pays the edge relay (a fork and a DNS query per connection, by design), TLS, the proxy hop and the SHA1 of
// every read, which the issue requires, so the direct ratios cannot reach the targets on this design.
//
// Session 10, the storage node's own cost (host load average 35-140 from other labs on the same 2 cores: a local
// 10 MiB GET on file1 took 0.1-18 s of wall time, so CPU time was the measure). Old and new code side by side on
// file1 (two servers on other ports, requests alternated, CLOCK_PROCESS_CPUTIME_ID per request):
// - SHA1: Digest::SHA 12.9-14.6 ms per 10 MiB, OpenSSL EVP through Net::SSLeay (SHA extensions) 6.4-7.4 ms. A 10
//   MiB GET on a kept-alive connection (nginx's upstream keepalive): 22-39 ms of node CPU before, 15-22 ms after.
//   The first request on a new connection costs 80-117 ms either way (the forked child's copy-on-write faults and
//   its MySQL connect): nginx's keepalive pool is what keeps that off the bench.
// - PUT 10 MiB: 117-153 ms of node CPU (229-278 for a connection's first), of which most was page faults: glibc
//   returned every freed 1 MiB chunk to the kernel and the next one faulted afresh. Fixed malloc thresholds
//   (GLIBC_TUNABLES in the image): 70-92 ms (143-197). GET unchanged by it (its read buffer is reused anyway).
// - Tried and dropped: reading a blob up to 64 MiB once into memory, hashing it there and sending the same bytes
//   (the brief's first idea): +30-50 ms CPU per 10 MiB GET, each request's fresh 10 MiB buffer page-faults while
//   the second read from the page cache costs 1.5-3 ms; above 32 MiB glibc mmaps every buffer whatever the
//   tunables, so a 50 MiB RETR would pay it too.
// Bench runs after both changes (one line each; host load average 19-31 from other labs, the references
// themselves 6-12 times below their quiet figures, so these ratios are mostly the load's):
//                       DAV GET  DAV PUT  FTP RETR | nginx direct 10/50 | same path 10 TLS/50 plain
// session 10, run 1:      13.3     10.0     66.6   |  438.9 / 331.6     |   47.7 / 123.5
// session 10, run 2:      39.7     12.7     33.3   |  621.2 / 328.8     |   25.7 / 136.9
// session 10, run 3:      41.4      9.6     32.6   |  573.4 / 518.2     |   37.2 / 125.5
// Ratios against the same path: GET 0.28-1.54, PUT 0.21-0.49, FTP 0.24-0.54 (runs 1-3): not a measurement of the
// change at this load; the CPU figures above are. A quiet host is needed to say whether the targets are met.
// Session 11, this lab alone on the host (which it keeps ~1 core busy by itself): every Perl server that
// accepted connections forked per connection, and a fork cost 75-250 ms here (the file nodes' FTP greeting 25-110
// ms, PASS 35-175 ms with its fresh MySQL connect; a tiny HTTPS request through the edge 230 ms). Preforked workers
// (lab-images/perl/Racklab/Prefork.pm): 0.3 ms, 0.4 ms, 4-6 ms. Quiet runs, before → after:
//                       DAV GET  DAV PUT  FTP RETR | same path 10 TLS/50 plain | ratios GET/PUT/FTP
// before, runs 1-2:   90.9-108.5  40-45.9  193-212  |  134-153 / 536-567        |  0.68-0.71 / 0.30 / 0.36-0.37
// after, runs 1-4:     137-208   46-65    307-376  |  264-311 / 781-1001       |  0.45-0.67 / 0.16-0.25 / 0.34-0.45
// The references gained more than DAV and FTP did (they cross the same edge), so the ratios did not rise. The
// fsync floor (twoFsyncedCopies10MiBMs, 41-45 ms) against a PUT of 153-174 ms says the disk is not the limit.
// Session 17 (a fresh machine, this lab alone): reads checked chunk by chunk as they are sent (Read.pm, Sums.pm:
// each 1 MiB chunk hashed against its sum, then sendfile; a node without a copy streams a holder's), uploads with
// early writeback (sync_file_range per chunk), the body reader appending in place. One run before, two after:
//                       DAV GET  DAV PUT  FTP RETR | same path 10 TLS/50 plain | ratios GET/PUT/FTP | PUT ms
// before:                190.8     61.9    376.1  |  322.8 / 996.0           |  0.59 / 0.19 / 0.38 | 161
// after, run 1:          167.3     88.5    451.5  |  338.4 / 999.9           |  0.49 / 0.26 / 0.45 | 113
// after, run 2:          184.9     84.3    421.9  |  292.0 / 931.9           |  0.63 / 0.29 / 0.45 | 119
// perf over 12 PUTs: the file nodes' Perl ~28 % of all CPU, curl ~21 % (TLS and its h2 upload), the monitor's
// execs ~20 %. FTP's 50 MiB: the node hashes 30 ms of it (SHA1 at ~1.7 GB/s with SHA-NI) and sends with sendfile;
// two more hops than the reference (node → nginx stream) on 2 shared cores; control and data set-up ~15 ms of ~110.
// after, run 3 (with the non-holder streaming): 180.8 / 82.0 / 400.1 MiB/s, ratios 0.54 / 0.25 / 0.37, PUT 122 ms.
// Re-replication (new in this run): 1,007 blobs (1,000 of 1-8 KiB) back to 2 live copies 28 s after file2's disk
// failed, by the keepers on their own schedule (target 30 s: met, barely; a quiet keeper waits up to 15 s before
// its next pass, and each blob is one peer PUT with its fsync).
// Session 18 (same machine): re-replication 28 → 19.8 → 10.1 s. (1) A node that drops claims wakes the other keepers
// (Wake.pm): the wait for their next turn is gone. (2) Every copy stored asked usage(), a walk of all the node's
// blobs: 25 ms per 1,000 blobs, per blob copied; each process now re-walks only the blob folders that changed
// (~4 ms for 256 folder stats). Tried and dropped: hashing the next chunks of a RETR while the socket is full
// (non-blocking sendfile): the node's own RETR time stayed 87-93 ms, because the 2 cores are saturated during a
// transfer (perf: 4 % idle; the file node 25 %, the edge relay 19 %, curl 14 %, nginx 9 %), so overlap buys nothing.
// Runs: GET/PUT/FTP over the same path 0.41 / 0.18 / 0.40 (PUT 140 ms; the reference 406 MiB/s, the fastest yet),
// then 0.46 / 0.29 / 0.33 (PUT 103 ms).
// Session 23 (a fresh machine, the same code, this lab alone): GET/PUT/FTP over the same path 0.45 / 0.22 / 0.45 (PUT
// 130 ms over a 29 ms fsync floor; the references 345 MiB/s TLS and 1,202 MiB/s plain); re-replication 14.3 s.
// Session 26 (a fresh machine, this lab alone), at the start: 0.48 / 0.20 / 0.41 (PUT 125 ms). Found with strace:
// syscall.ph defines its SYS_* subs in the package that requires it first, so Blobs.pm's and Read.pm's
// main::SYS_…() never had a number: early writeback (session 17) and sendfile had been off all along. A 10 MiB PUT
// straight from fe1 to file1 with early writeback really on: 95 → 56 ms best of 10 (Syscalls.pm; the image build now
// fails if the number is missing). sendfile, really on, was slower than writing the bytes just read for the hash
// (a 50 MiB GET fe1 → file1 83-92 ms against 66-67 ms), so it went. Through the edge, an HTTP/2 PUT then waited on
// flow control (HTTP/1.1 66 ms, HTTP/2 107 ms best of 8): the frontends' DAV body buffer, which nginx also uses as
// an h2 upload's window, is 16m (75-80 ms against 94-110 ms with 1m). Bench: GET/PUT/FTP 0.56 / 0.35 / 0.42 (PUT
// 77 ms). Then FTP's per-session cost: a 100-byte RETR cost the edge 43 ms of CPU and the file nodes ~100 ms in all,
// because each session forked a Prefork worker on the edge (two relays at once, at most three idle) and on the node
// (one spare, at most one idle), and the worker sent away at the end spent 37-68 ms in Perl's global destruction,
// copying shared pages only to free them. Workers now leave by POSIX::_exit after closing their database handles,
// and the edge keeps up to 4 idle relays: the edge 5.5 ms and the nodes ~17 ms per session; a 50 MiB RETR through
// the edge 89 → 85 ms best of 12 (75 ms with two idle FTP workers per node, which the idle lab's memory budget did
// not seem to allow then; it does: the idle lab 745 MiB with two). Bench: 0.45 / 0.33 / 0.45 (PUT 79 ms), and with two idle
// FTP workers 0.54 / 0.31 / 0.40 (PUT 91 ms, the fsync floor 49 ms that run). GET swings 0.44-0.56 and FTP 0.40-0.45
// between runs: a third of the requests go to the node without a copy, which streams a holder's, and in 5 rounds
// over 3 nodes most RETRs are a node's first session, which still forks its second worker. PUT met the 0.3 target
// in all four runs; GET in two of four; FTP in none (75 ms best of 12 by hand, the target needs ≤ 81 ms).
import { createRuntime } from '../../main/api/runtime'
import { containerName } from '../../main/engine/lab/naming'
import { atLeast, atMost, type BenchResult } from './figure'

const LAB = process.env.RACKLAB_BENCH_LAB_FILES ?? 'bench-files'
const ROUNDS = 5
const FRONTENDS = ['fe1', 'fe2']
const MIB = 1024 * 1024
const A = '-u alice:alice-2007'

type Runtime = Awaited<ReturnType<typeof createRuntime>>

async function sh(rt: Runtime, server: string, script: string): Promise<string> {
  const r = await rt.lab.gateway.exec(containerName(LAB, server), ['sh', '-c', script], { timeoutMs: 600_000 })
  if (r.exitCode !== 0) throw new Error(`${server}: ${script.slice(0, 60)}…: ${(r.stderr || r.stdout).trim().slice(0, 300)}`)
  return r.stdout.trim()
}

/** best curl time_total (s) of ROUNDS runs of `cmd` (a curl command line with -w '%{time_total}'); {i} is the round */
async function best(rt: Runtime, cmd: string): Promise<number> {
  return bestOf(async (i) => Number(await sh(rt, 'edge', cmd.replaceAll('{i}', String(i)))), cmd)
}

async function bestOf(once: (round: number) => Promise<number>, what = 'the fsync floor'): Promise<number> {
  let t = Infinity
  for (let i = 1; i <= ROUNDS; i++) t = Math.min(t, await once(i))
  if (!Number.isFinite(t) || t <= 0) throw new Error(`no time from: ${what}`)
  return t
}

const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d

/** 1,000 small files (1-8 KiB) uploaded on file1 (copies on file1 and file2, the first other rack), then file2's disk
 *  fails: the time until file1's status shows no blob under N live copies (the keepers copy them to file3) */
async function reReplication(rt: Runtime): Promise<{ blobs: number; ms: number }> {
  await sh(rt, 'file1', [
    'set -e; rm -rf /tmp/rr; mkdir -p /tmp/rr; cd /tmp/rr',
    `perl -e 'open(my $r, "<", "/dev/urandom") or die; for my $i (1 .. 1000) { read($r, my $b, 1024 + ($i * 131) % 7168); open(my $f, ">", "f$i") or die; print {$f} $b; close $f }'`,
    `curl -sf ${A} -X MKCOL http://127.0.0.1/dav/rerepl/ -o /dev/null`,
    `ls | grep '^f' | xargs -P 8 -I{} curl -sf ${A} -T {} http://127.0.0.1/dav/rerepl/{} -o /dev/null`,
  ].join('\n'))
  const status = async (): Promise<{ underReplicated: number; lost: number; totalBlobs: number }> =>
    JSON.parse(await sh(rt, 'file1', 'racklab-file status')) as { underReplicated: number; lost: number; totalBlobs: number }
  const before = await status()
  if (before.underReplicated || before.lost) throw new Error(`blobs under N before the disk failure: ${JSON.stringify(before)}`)
  const t0 = performance.now()
  await sh(rt, 'file2', 'racklab-file fail-disk >/dev/null')
  for (;;) {
    const s = await status()
    if (!s.underReplicated && !s.lost && performance.now() - t0 > 1000) return { blobs: s.totalBlobs, ms: performance.now() - t0 }
    if (performance.now() - t0 > 300_000) throw new Error(`blobs still under N after 300 s: ${JSON.stringify(s)}`)
    await new Promise((r) => setTimeout(r, 500))
  }
}

export async function benchFiles(): Promise<BenchResult> {
  const rt = await createRuntime({ labId: LAB, watch: false })
  try {
    const up = await rt.lab.up(['edge', 'file1', 'file2', 'file3']).done
    if (up.status !== 'succeeded') throw new Error(`up failed: ${up.error?.message}`)
    const ctx = rt.lab.hookContext('edge')
    const fe1 = ctx.ipOf('fe1')
    for (const fe of FRONTENDS) {
      await sh(rt, fe, [
        'set -e; umask 022; mkdir -p /tmp/bench; head -c 10485760 /dev/urandom >/tmp/bench/b10; head -c 52428800 /dev/urandom >/tmp/bench/b50',
        // the direct reference: a second nginx, plain HTTP on :8099, sendfile
        "printf 'daemon on; pid /tmp/bench-nginx.pid; error_log /tmp/bench-nginx.err; events {} http { access_log off; sendfile on; server { listen 8099; root /tmp/bench; } }' >/tmp/bench-nginx.conf",
        'nginx -c /tmp/bench-nginx.conf',
        // fe's firewall serves only its public ports: open the bench's own port in this throwaway lab
        'nft insert rule inet racklab input tcp dport 8099 accept',
        // the same-path reference: the frontend's own nginx serves the files at /bench-static/ on 443 and 80
        "perl -pi -e '$_ = \"        location /bench-static/ { alias /tmp/bench/; }\\n$_\" if m{location = /racklab-health}' /etc/nginx/racklab.conf",
        'nginx -q -t', 'nginx -s reload 2>/dev/null', 'sleep 1',
      ].join('\n'))
    }
    const dav = 'https://127.0.0.1/dav/bench'
    await sh(rt, 'edge', [
      `set -e; curl -sSfk ${A} -X MKCOL ${dav}/ -o /dev/null || true`,
      `curl -sSf http://${fe1}:8099/b10 -o /tmp/b10; curl -sSf http://${fe1}:8099/b50 -o /tmp/b50`,
      ...Array.from({ length: ROUNDS }, (_, i) => `head -c 10485760 /dev/urandom >/tmp/p${i + 1}`),
      `curl -sSfk ${A} -T /tmp/b10 ${dav}/b10 -o /dev/null; curl -sSfk ${A} -T /tmp/b50 ${dav}/b50 -o /dev/null`,
      // both references answer through the edge (a 301 or 404 here would time a redirect, not the file)
      `curl -sSfk https://127.0.0.1/bench-static/b10 -o /dev/null; curl -sSf http://127.0.0.1/bench-static/b50 -o /dev/null`,
    ].join('\n'))
    const w = `-o /dev/null -w '%{time_total}'`
    const direct10 = await best(rt, `curl -sf ${w} http://${fe1}:8099/b10`)
    const direct50 = await best(rt, `curl -sf ${w} http://${fe1}:8099/b50`)
    const samePath10 = await best(rt, `curl -sfk ${w} https://127.0.0.1/bench-static/b10`)
    const samePath50 = await best(rt, `curl -sf ${w} http://127.0.0.1/bench-static/b50`)
    const davGet = await best(rt, `curl -sfk ${A} ${w} ${dav}/b10`)
    const davPut = await best(rt, `curl -sfk ${A} -T /tmp/p{i} ${w} ${dav}/p{i}`)
    const ftpRetr = await best(rt, `curl -sf ${A} ${w} ftp://127.0.0.1/bench/b50`)
    // the floor a PUT stands on: two 10 MiB copies written and fsynced at once on two nodes' blob disks (here
    // every node's volume is the same host disk), as a PUT's two copies are, with no network, TLS or DB at all
    const floor = await bestOf(async () => {
      const one = (n: string): Promise<string> => sh(rt, n, 'head -c 10485760 /dev/urandom >/tmp/floor-src; s=$(date +%s%N); dd if=/tmp/floor-src of=/srv/blobs/.floor bs=1M conv=fsync 2>/dev/null; e=$(date +%s%N); rm -f /srv/blobs/.floor; echo $(( (e - s) / 1000 ))')
      // each timed inside its node (no exec overhead); the slower of the two is when both copies are durable
      return Math.max(...(await Promise.all([one('file1'), one('file2')])).map(Number)) / 1e6
    })
    const reRepl = await reReplication(rt)
    const mibs = (bytes: number, s: number): number => round(bytes / MIB / s, 1)
    return {
      nginxDirectGet10MiBps: mibs(10 * MIB, direct10),
      nginxDirectGet50MiBps: mibs(50 * MIB, direct50),
      nginxSamePathTlsGet10MiBps: mibs(10 * MIB, samePath10),
      nginxSamePathPlainGet50MiBps: mibs(50 * MIB, samePath50),
      davGet10MiBps: mibs(10 * MIB, davGet),
      davPut10MiBps: mibs(10 * MIB, davPut),
      ftpRetr50MiBps: mibs(50 * MIB, ftpRetr),
      davGetOverNginxDirect: atLeast(round(direct10 / davGet), 0.5),
      davPutOverNginxDirect: atLeast(round(direct10 / davPut), 0.3),
      ftpRetrOverNginxDirect: atLeast(round(direct50 / ftpRetr), 0.5),
      davGetOverNginxSamePath: atLeast(round(samePath10 / davGet), 0.5),
      davPutOverNginxSamePath: atLeast(round(samePath10 / davPut), 0.3),
      ftpRetrOverNginxSamePath: atLeast(round(samePath50 / ftpRetr), 0.5),
      // what the disk alone allows: two fsynced 10 MiB copies at once (the slower dd of the two, timed in its
      // node), and the PUT's time over it (1.0 would be a PUT that costs nothing but its fsyncs)
      twoFsyncedCopies10MiBMs: round(floor * 1000, 0),
      davPutMs: round(davPut * 1000, 0),
      davPutOverFsyncFloor: round(davPut / floor),
      // issue 10: after a node loses its disk, 1,000 small files back to N copies in ≤ 30 s of wall time, by the
      // keepers on their own schedule (no replicate-now), timed from the disk failure to no blob under N
      reReplicationBlobs: reRepl.blobs,
      reReplicationS: atMost(round(reRepl.ms / 1000, 1), 30),
    }
  } finally {
    await rt.lab.down(true).done.catch(() => undefined)
    rt.close()
  }
}
