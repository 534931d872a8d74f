// Web tier bench: inbox page requests/s through the whole public path (edge forwarder → lab DNS → VIP →
// nginx TLS+gzip → Apache/mod_perl → MariaDB session + Cyrus over IMAP) against Apache directly (plain HTTP
// from fe1 to web1, same session). Both loads use the same curl build (Debian's, inside the lab) with the
// same parallelism and HTTP/1.1. Note the edge path spreads over web1+web2 (nginx's pool) while the direct
// load hits web1 alone; each inbox request costs an IMAP login and DB reads, so a ratio near or below 1 means
// the frontend tier is not the bottleneck. Measured once (2 cores): edge 150 req/s, direct 135, ratio 0.9. Own lab id, brought up and
// taken down here (the whole nyi-2007 lab: several minutes the first time images are built).
import { createRuntime } from '../../main/api/runtime'
import { containerName } from '../../main/engine/lab/naming'

const LAB = process.env.RACKLAB_BENCH_LAB ?? 'bench-web'
const REQUESTS = 300
const PARALLEL = 4

type Runtime = Awaited<ReturnType<typeof createRuntime>>

async function sh(rt: Runtime, server: string, cmd: string[]): Promise<string> {
  const r = await rt.lab.gateway.exec(containerName(LAB, server), cmd, { timeoutMs: 300_000 })
  if (r.exitCode !== 0) throw new Error(`${server}: ${cmd.slice(0, 3).join(' ')}…: ${(r.stderr || r.stdout).trim().slice(0, 300)}`)
  return r.stdout
}

/** curl's own clock: REQUESTS requests, PARALLEL at a time; returns requests/s and the status codes seen */
async function load(rt: Runtime, server: string, url: string, cookie: string, extra: string[]): Promise<{ rps: number; codes: string }> {
  const script = `t0=$(date +%s.%N); curl -s ${extra.join(' ')} --http1.1 -Z --parallel-max ${PARALLEL} -H 'Accept-Encoding: gzip' -b '${cookie}' -o /dev/null -w '%{http_code}\\n' '${url}&n=[1-${REQUESTS}]' | sort | uniq -c | tr -s ' ' | tr '\\n' ';'; t1=$(date +%s.%N); echo; echo "$t0 $t1"`
  const out = (await sh(rt, server, ['sh', '-c', script])).trim().split('\n')
  const [t0, t1] = (out.pop() ?? '').split(' ').map(Number)
  const codes = (out.join('') || '').trim()
  if (!new RegExp(`^\\s*${REQUESTS} 200;?$`).test(codes)) throw new Error(`${server}: not every request answered 200 (count code: ${codes})`)
  return { rps: REQUESTS / ((t1 ?? 0) - (t0 ?? 0)), codes }
}

export async function benchWeb(): Promise<Record<string, number>> {
  const rt = await createRuntime({ labId: LAB, watch: false })
  try {
    const up = await rt.lab.up().done
    if (up.status !== 'succeeded') throw new Error(`up failed: ${up.error?.message}`)
    // one session, used by both loads: the sessions table is shared, so web1 serves it directly too
    const head = await sh(rt, 'edge', ['curl', '-sk', '-D', '-', '-o', '/dev/null', '-d', 'username=alice&password=alice-2007', 'https://127.0.0.1/login'])
    const salt = /[?&]s=([0-9a-f]{16})/.exec(head)?.[1]
    const cookie = /fm_session=([0-9a-f]+)/.exec(head)?.[1]
    if (!salt || !cookie) throw new Error(`login through the edge failed: ${head.slice(0, 300)}`)
    const path = `/mail/inbox?s=${salt}&f=INBOX`
    await load(rt, 'edge', `https://127.0.0.1${path}`, `fm_session=${cookie}`, ['-k']) // warm-up
    const edge = await load(rt, 'edge', `https://127.0.0.1${path}`, `fm_session=${cookie}`, ['-k'])
    const direct = await load(rt, 'fe1', `http://${rt.lab.hookContext('fe1').ipOf('web1')}${path}`, `fm_session=${cookie}`, [])
    return {
      requests: REQUESTS,
      parallel: PARALLEL,
      edgeRps: Math.round(edge.rps * 10) / 10,
      directApacheRps: Math.round(direct.rps * 10) / 10,
      directOverEdgeRatio: Math.round((direct.rps / edge.rps) * 100) / 100,
    }
  } finally {
    await rt.lab.down(true).done.catch(() => undefined)
    rt.close()
  }
}
