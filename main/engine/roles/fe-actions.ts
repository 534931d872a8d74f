// Service actions on a frontend: stop/start nginx (its service IPs move away and back), move the service IP
// it homes to another frontend and back (keepalived's track file for it: 1 released, 0 not; lab-images/fe),
// expire the certificate and renew it.
// Every break names its inverse in the sentence it returns, which the journal records.
import { frontendStatuses, type FeStatus } from '../probes/web'
import { frontendVips } from './fe-vips'
import { installFrontendLeaf } from './fe-tls'
import type { HookContext, RoleAction } from './types'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

async function must(c: HookContext, cmd: string[]): Promise<string> {
  const r = await c.exec(c.server.id, cmd, { timeoutMs: 30_000 })
  if (r.exitCode !== 0) throw new Error(`${c.server.id}: ${cmd.join(' ')} failed: ${(r.stderr || r.stdout).trim()}`)
  return r.stdout
}

/** whether a frontend has the address now: `ip addr` only, not racklab-fe-status, which also asks every
 *  backend and openssl and took seconds on a loaded host (its failures read as "nobody holds it") */
async function holds(c: HookContext, fe: string, ip: string): Promise<boolean> {
  const r = await c.exec(fe, ['ip', '-o', '-4', 'addr', 'show'], { timeoutMs: 10_000 }).catch(() => undefined)
  return r?.exitCode === 0 && r.stdout.includes(` ${ip}/`)
}

/**
 * Who holds a service IP once keepalived has settled the way we expect, as "fe2"; "nobody" or "fe1+fe2" if it
 * did not settle within 20 s. Quiet, it takes 1–4 s (keepalived sees a track file change at once, preemption
 * waits for 3 adverts); on a loaded host the status execs themselves take seconds, hence the deadline, not a count.
 */
async function holderOf(c: HookContext, ip: string, settled: (holder: string) => boolean): Promise<string> {
  let last = 'nobody'
  const deadline = Date.now() + 20_000
  for (;;) {
    const holders = (await Promise.all(c.serversOf('fe').map(async (fe) => ((await holds(c, fe, ip)) ? [fe] : [])))).flat()
    last = holders.join('+') || 'nobody'
    if ((holders.length === 1 && settled(holders[0]!)) || Date.now() > deadline) return last
    await sleep(250)
  }
}

/** s6's "up" means the run script was spawned, not that nginx kept running: see it hold its pid for a moment,
 *  or say what s6 saw (an nginx that exits at once is restarted every second and never serves) */
async function nginxRunning(c: HookContext): Promise<void> {
  const alive = 'pid=$(cat /run/nginx.pid 2>/dev/null) && kill -0 "$pid" && sleep 1 && kill -0 "$pid"'
  const deadline = Date.now() + 15_000
  for (;;) {
    const r = await c.exec(c.server.id, ['sh', '-c', alive], { timeoutMs: 10_000 }).catch(() => undefined)
    if (r?.exitCode === 0) return
    if (Date.now() > deadline) {
      const st = await c.exec(c.server.id, ['s6-svstat', '/etc/s6/nginx'], { timeoutMs: 10_000 }).catch((e: unknown) => ({ stdout: (e as Error).message }))
      throw new Error(`${c.server.id}: nginx did not stay up after s6 started it (s6-svstat: ${st.stdout.trim()})`)
    }
    await sleep(500)
  }
}

export async function feActions(c: HookContext): Promise<RoleAction[]> {
  const me = c.server.id
  const st = (await frontendStatuses((s, cmd) => c.exec(s, cmd), [me], { tls: true })).get(me)
  const down = typeof st === 'string' || st === undefined ? `${me} does not answer (${st ?? 'no status'})` : undefined
  const s = st as FeStatus
  const homed = frontendVips(c.topology).filter((v) => v.home === me)
  const cert = down ? undefined : s.tls?.cert
  const actions: RoleAction[] = [
    {
      id: 'stop-nginx',
      label: 'Stop nginx (web and mail proxy); its service IPs move to the other frontends',
      kind: 'break',
      ...(down ? { refused: down } : !s.nginx ? { refused: 'nginx is already stopped' } : {}),
      run: async () => {
        await must(c, ['s6-svc', '-wd', '-T', '10000', '-d', '/etc/s6/nginx'])
        const moved = await Promise.all(homed.map(async (v) => `${v.ip} → ${await holderOf(c, v.ip, (h) => h !== me)}`))
        return `nginx stopped on ${me}${moved.length ? `; ${moved.join(', ')}` : ''} (undo: start-nginx)`
      },
    },
    {
      id: 'start-nginx',
      label: 'Start nginx again; its service IPs come back',
      kind: 'restore',
      ...(down ? { refused: down } : s.nginx ? { refused: 'nginx is running' } : {}),
      run: async () => {
        await must(c, ['s6-svc', '-wu', '-T', '10000', '-u', '/etc/s6/nginx'])
        await nginxRunning(c)
        const back = await Promise.all(homed.map(async (v) => `${v.ip} → ${await holderOf(c, v.ip, (h) => h === me)}`))
        return `nginx started on ${me}${back.length ? `; ${back.join(', ')}` : ''} (inverse of stop-nginx)`
      },
    },
  ]
  for (const v of homed) {
    const tag = v.ip.split('.').pop()!
    const released = !down && s.released.includes(v.vrid)
    actions.push(
      {
        id: `move-vip-${tag}`,
        label: `Move service IP ${v.ip} from ${me} to another frontend`,
        kind: 'operate',
        ...(down ? { refused: down } : released ? { refused: `${v.ip} is already moved away` } : {}),
        run: async () => {
          await must(c, ['sh', '-c', 'echo 1 >"$1"', 'release', `/run/racklab/release/${v.vrid}`])
          return `${v.ip} released by ${me}, now on ${await holderOf(c, v.ip, (h) => h !== me)} (undo: return-vip-${tag})`
        },
      },
      {
        id: `return-vip-${tag}`,
        label: `Bring service IP ${v.ip} back to ${me}`,
        kind: 'restore',
        ...(down ? { refused: down } : !released ? { refused: `${v.ip} was not moved away` } : {}),
        run: async () => {
          await must(c, ['sh', '-c', 'echo 0 >"$1"', 'release', `/run/racklab/release/${v.vrid}`])
          return `${v.ip} back on ${await holderOf(c, v.ip, (h) => h === me)} (inverse of move-vip-${tag})`
        },
      },
    )
  }
  actions.push(
    {
      id: 'expire-cert',
      label: `Replace ${me}'s certificate with one that expired yesterday`,
      kind: 'break',
      ...(down ? { refused: down } : cert?.expired ? { refused: 'the certificate is already expired' } : {}),
      run: async () => {
        await installFrontendLeaf(c, await c.labCa(), true)
        return `${me} now presents an expired certificate; browsers and racklab check refuse it (undo: renew-cert)`
      },
    },
    {
      id: 'renew-cert',
      label: `Issue ${me} a fresh certificate from the lab CA`,
      kind: 'restore',
      ...(down ? { refused: down } : {}),
      run: async () => {
        await installFrontendLeaf(c, await c.labCa())
        return `${me} has a fresh certificate from the lab CA (inverse of expire-cert)`
      },
    },
  )
  return actions
}
