// Docker 20.10 miscounts a network's endpoints when containers start and stop on it at once (as every up and
// down does): it then refuses to remove the network, "has active endpoints", with no endpoint left, until dockerd
// restarts. On the real daemon this test makes that happen, then checks what down does about it: the network is
// reported (not a failure) with how to clear it, the lab's next up can use it as it is, and the fix it names (a
// dockerd restart, then down) removes it.
// It runs on a scratch dockerd of its own (own socket, data-root, exec-root, pidfile, default bridge, no iptables:
// it never touches the engine the other tests use), so the network it leaves miscounted dies with that daemon.
// Not `--bridge none`: dockerd 20.10 then deletes the host's docker0, the other engine's default bridge (it did,
// and the next test's container on the default network failed). Its own bridge is made here and removed after. Needs root
// and the dockerd binary, and it is opt-in (RACKLAB_TEST_DOCKER_MISCOUNT=1): the miscount is a race inside Docker,
// reached here after 1 to 19 rounds (18 s to over 7 min), too uneven for CI to wait on. CI covers what down does
// with Docker's answer in remove-networks.spec.ts and down.spec.ts; this file shows the answer is real.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDockerGateway } from '../../main/engine/docker/gateway'
import { LABEL_LAB } from '../../main/engine/docker/types'
import { removeLabNetworks, type NetworksRemoved } from '../../main/engine/lab/remove-networks'

const canRun = process.env.RACKLAB_TEST_DOCKER_MISCOUNT === '1' && process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v dockerd'], { encoding: 'utf8' }).status === 0
const IMAGE = 'debian:bookworm-slim'
const LAB = 'miscount'
const NET = `racklab-${LAB}-int`
const EXT = `racklab-${LAB}-ext`
// far from every lab's block (10.231.x and the relocation pool): their bridges live in the host's routing table
const SUBNET = '10.254.251.0/24'
const EXT_SUBNET = '10.254.252.0/24'
const PER_ROUND = 8
/** each container stops (killed at once) and starts again this many times, at staggered moments: the starts and
 *  the exits' endpoint releases overlap, which reached the miscount fastest of the shapes tried */
const CYCLES = 8
const MAX_MS = 12 * 60_000

const dir = canRun ? mkdtempSync('/tmp/rlmc-') : ''
/** the scratch daemon's default bridge, made before it starts (an interface name: at most 15 characters) */
const BRIDGE = 'rlmc0'
const BRIDGE_CIDR = '10.254.250.1/24'
const sh = (script: string): void => void spawnSync('sh', ['-c', script])
const sock = join(dir, 'd.sock')
let daemon: ChildProcess | undefined
let scratch: Docker

async function startDaemon(): Promise<void> {
  daemon = spawn('dockerd', ['--host', `unix://${sock}`, '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'x'), '--pidfile', join(dir, 'd.pid'), '--bridge', BRIDGE, '--iptables=false', '--ip-masq=false'], { stdio: 'ignore' })
  scratch = new Docker({ socketPath: sock })
  const end = Date.now() + 60_000
  for (;;) {
    if (await scratch.ping().then(() => true, () => false)) return
    if (Date.now() > end) throw new Error('the scratch dockerd did not answer within 60 s')
    await new Promise((r) => setTimeout(r, 250))
  }
}

async function stopDaemon(): Promise<void> {
  const d = daemon
  daemon = undefined
  if (!d || d.exitCode !== null) return
  await new Promise<void>((resolve) => {
    d.once('exit', () => resolve())
    d.kill('SIGTERM')
  })
}

const gateway = (): ReturnType<typeof createDockerGateway> => createDockerGateway({ docker: scratch, host: { kind: 'unix', socketPath: sock, label: sock } })

/** one round of what up and down do to a network: containers started at once, stopped at once, removed */
async function round(n: number): Promise<void> {
  const ids = await Promise.all(
    Array.from({ length: PER_ROUND }, async (_, i) => {
      const c = await scratch.createContainer({
        name: `mc-${n}-${i}`,
        Image: IMAGE,
        Cmd: ['sleep', '600'],
        Labels: { [LABEL_LAB]: LAB },
        HostConfig: { NetworkMode: NET },
      })
      // on two networks, the second joined before the start, as up wires a server's NICs
      await scratch.getNetwork(EXT).connect({ Container: c.id })
      return c.id
    }),
  )
  const c = (id: string): Docker.Container => scratch.getContainer(id)
  await Promise.all(ids.map((id) => c(id).start()))
  await Promise.all(
    ids.map(async (id, i) => {
      await new Promise((r) => setTimeout(r, (i * 37) % 300))
      for (let k = 0; k < CYCLES; k++) {
        await c(id).stop({ t: 0 })
        await c(id).start()
      }
    }),
  )
  await Promise.all(ids.map((id) => c(id).stop({ t: 0 })))
  await Promise.all(ids.map((id) => scratch.getContainer(id).remove({ force: true })))
}

describe.skipIf(!canRun)('a network Docker 20.10 miscounted (opt-in, RACKLAB_TEST_DOCKER_MISCOUNT=1; root and dockerd: a scratch daemon)', () => {
  beforeAll(async () => {
    sh(`ip link del ${BRIDGE} 2>/dev/null; ip link add ${BRIDGE} type bridge && ip addr add ${BRIDGE_CIDR} dev ${BRIDGE} && ip link set ${BRIDGE} up`)
    await startDaemon()
    // the one image the rounds need, from the test engine (the base image every lab image starts from)
    const main = createDockerGateway()
    await main.ensureBaseImage(() => undefined)
    await scratch.loadImage(await new Docker().getImage(IMAGE).get())
  }, 600_000)

  afterAll(async () => {
    // a failed run can leave the miscounted network: a restart counts again, so its bridge can go with it
    if (daemon) {
      await stopDaemon()
      await startDaemon()
      await removeLabNetworks(gateway(), LAB, () => undefined).catch(() => undefined)
    }
    await stopDaemon()
    // and a bridge the daemon kept (it leaves them for its next start) goes from the host
    sh(`ip -o -4 addr | awk '/ 10\\.254\\.25[012]\\./ {print $2}' | sort -u | xargs -r -n1 ip link del`)
    // the daemon unmounts its layers when it stops; a mount left by a killed one would make rm fail
    sh(`grep -o " ${dir}[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l`)
    rmSync(dir, { recursive: true, force: true })
  }, 120_000)

  it('down reports it with the fix instead of failing; the next up can use it; after a dockerd restart it goes', async () => {
    const gw = gateway()
    const spec = { name: NET, subnet: SUBNET, internal: true, labels: { [LABEL_LAB]: LAB, 'racklab.network': 'int' } }
    const ext = { name: EXT, subnet: EXT_SUBNET, internal: false, labels: { [LABEL_LAB]: LAB, 'racklab.network': 'ext' } }
    let result: NetworksRemoved | undefined
    let rounds = 0
    for (const end = Date.now() + MAX_MS; Date.now() < end; ) {
      rounds++
      await gw.ensureNetwork(spec)
      await gw.ensureNetwork(ext)
      await round(rounds)
      result = await removeLabNetworks(gw, LAB, () => undefined)
      if (result.miscounted.length) break
    }
    console.log(`Docker miscounted a network after ${rounds} round(s) of ${PER_ROUND} containers stopped and started ${CYCLES} times at once`)
    expect(result?.miscounted, `no miscount in ${rounds} rounds (${MAX_MS / 60_000} min): this Docker may not have the 20.10 bug, so the case was not reached`).toHaveLength(1)
    const m = result!.miscounted[0]!
    expect([NET, EXT]).toContain(m.network)
    expect(m.why).toMatch(/lists none and no container is attached/)
    // Docker's side, checked without racklab: nothing listed on it, and it still refuses
    const inspected = (await scratch.getNetwork(m.network).inspect()) as { Containers?: Record<string, unknown> }
    expect(Object.keys(inspected.Containers ?? {})).toEqual([])
    expect(await scratch.getNetwork(m.network).remove().then(() => 'removed', (e: Error) => e.message)).toMatch(/has active endpoints/)

    // the lab's next up: the network is taken as it is, and a server on it starts and gets its address
    const same = m.network === NET ? spec : ext
    await gw.ensureNetwork(same)
    const ip = same.subnet.replace(/0\/24$/, '11')
    const c = await scratch.createContainer({ name: 'mc-next-up', Image: IMAGE, Cmd: ['sleep', '600'], Labels: { [LABEL_LAB]: LAB }, HostConfig: { NetworkMode: m.network }, NetworkingConfig: { EndpointsConfig: { [m.network]: { IPAMConfig: { IPv4Address: ip } } } } })
    await c.start()
    expect(((await c.inspect()).NetworkSettings.Networks[m.network] as { IPAddress?: string }).IPAddress).toBe(ip)
    await c.remove({ force: true })

    // the fix it names: dockerd restarted (it counts the endpoints again), then down removes the network
    await stopDaemon()
    await startDaemon()
    const after = await removeLabNetworks(gateway(), LAB, () => undefined)
    expect(after).toEqual({ removed: 1, miscounted: [] })
    expect(await scratch.listNetworks({ filters: { label: [`${LABEL_LAB}=${LAB}`] } })).toEqual([])
  }, 900_000)
})

// a reader without root or dockerd learns why nothing ran
if (!canRun) console.log('docker-miscount: skipped: opt-in (RACKLAB_TEST_DOCKER_MISCOUNT=1), and needs root and the dockerd binary to start a scratch daemon')
