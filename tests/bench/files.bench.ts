// File storage bench (issue 10): WebDAV PUT and GET of a 10 MiB file and FTP RETR of a 50 MiB file through the
// edge (edge forwarder → lab DNS → VIP → nginx TLS or stream proxy → Perl file node, with N=2 fsynced copies on
// PUT and a SHA1 check on every read), each against nginx serving the same bytes from a file: a second nginx
// started on fe1 for the bench (plain HTTP on :8099, sendfile), read by the same curl on the edge. The
// reference is nginx's GET throughput for all three (a PUT has no nginx counterpart; the target is a
// fraction of it). Times are curl's own (time_total), best of ROUNDS; every PUT sends new bytes (a repeated
// SHA1 would be deduplicated, not stored). Own lab id, the edge's stack plus file1-3, brought up and down here.
// Measured once (2 cores shared with other work, load average ~60): nginx 96.5 MiB/s (10 MiB), DAV GET 10.7,
// DAV PUT 2.9, FTP RETR 22.1 (nginx 733.7 on 50 MiB): ratios 0.11, 0.03, 0.03 — all under the targets
// (0.5, 0.3, 0.5). Not yet profiled: each hop (the edge's Perl relay, TLS at nginx, the node's Perl HTTP loop with
// its SHA1 check on read, two fsynced copies on PUT) is a candidate.
import { createRuntime } from '../../main/api/runtime'
import { containerName } from '../../main/engine/lab/naming'
import { atLeast, type BenchResult } from './figure'

const LAB = process.env.RACKLAB_BENCH_LAB_FILES ?? 'bench-files'
const ROUNDS = 5
const FRONTENDS = ['fe1', 'fe2']
const MIB = 1024 * 1024

type Runtime = Awaited<ReturnType<typeof createRuntime>>

async function sh(rt: Runtime, server: string, script: string): Promise<string> {
  const r = await rt.lab.gateway.exec(containerName(LAB, server), ['sh', '-c', script], { timeoutMs: 600_000 })
  if (r.exitCode !== 0) throw new Error(`${server}: ${script.slice(0, 60)}…: ${(r.stderr || r.stdout).trim().slice(0, 300)}`)
  return r.stdout.trim()
}

/** best curl time_total (s) of ROUNDS runs of `cmd` (a curl command line with -w '%{time_total}'); {i} is the round */
async function best(rt: Runtime, cmd: string): Promise<number> {
  let t = Infinity
  for (let i = 1; i <= ROUNDS; i++) t = Math.min(t, Number(await sh(rt, 'edge', cmd.replaceAll('{i}', String(i)))))
  if (!Number.isFinite(t) || t <= 0) throw new Error(`no time from: ${cmd}`)
  return t
}

const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d

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
    const A = '-u alice:alice-2007'
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
    }
  } finally {
    await rt.lab.down(true).done.catch(() => undefined)
    rt.close()
  }
}
