// DockerGateway on the real engine. Everything created here carries racklab.lab=gwtest-<random>
// (or the gwtest- name prefix) and is removed in afterAll; other helpers share this engine.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { spawn } from 'node:child_process'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LabError } from '@contract/errors'
import type { EngineStatus } from '@contract/status'
import { dockerClientFor, resolveDockerHost } from '../../main/engine/docker/connect'
import { createDockerGateway } from '../../main/engine/docker/gateway'
import { LABEL_LAB, type ContainerSpec, type LabDockerEvent } from '../../main/engine/docker/types'

const labId = `gwtest-${Math.random().toString(36).slice(2, 8)}`
const labels = { [LABEL_LAB]: labId }
const g = createDockerGateway()
const docker = new Docker({ socketPath: '/var/run/docker.sock' })
const net = { int: `${labId}-int`, ext: `${labId}-ext` }
const vol = `${labId}-data`
const imageTag = (t: string): string => `racklab-${labId}:${t}`
const subnets: Record<string, string> = {}
const events: LabDockerEvent[] = []
const engine: EngineStatus[] = []
let stopEvents: (() => void) | undefined
let a = ''
const ctxDirs: string[] = []

const ip = (key: string, host: number): string => (subnets[key] ?? '').replace(/0\/24$/, String(host))
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
async function until<T>(f: () => Promise<T> | T, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await f()
    if (ok(v) || Date.now() > end) return v
    await sleep(100)
  }
}

/** Networks overlap if another helper picked the same subnet; try a few random ones. */
async function makeNetwork(key: 'int' | 'ext', internal: boolean): Promise<void> {
  for (let i = 0; ; i++) {
    const subnet = `10.${200 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 250)}.0/24`
    try {
      await g.ensureNetwork({ name: net[key], subnet, internal, labels: { ...labels, 'racklab.network': key } })
      subnets[key] = subnet
      return
    } catch (e) {
      if (i >= 5 || !/overlap/i.test((e as Error).message)) throw e
    }
  }
}

function spec(name: string, extra: Partial<ContainerSpec> = {}): ContainerSpec {
  return {
    name: `${labId}-${name}`,
    image: 'debian:bookworm-slim',
    hostname: name,
    labels: { ...labels, 'racklab.server': name },
    env: { RACKLAB_TEST: '1' },
    networks: [],
    volumes: {},
    cmd: ['sh', '-c', 'echo started-ok; echo warned >&2; exec sleep infinity'],
    stopTimeout: 2,
    ...extra,
  }
}

async function context(dockerfile: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'racklab-gwtest-'))
  ctxDirs.push(dir)
  await writeFile(join(dir, 'Dockerfile'), dockerfile)
  await writeFile(join(dir, 'hello.txt'), 'hello from the context\n')
  return dir
}

beforeAll(async () => {
  await g.ensureBaseImage(() => undefined)
  stopEvents = g.watchEvents(labId, (e) => events.push(e), (s) => engine.push(s))
  await sleep(300) // the event stream is open before anything is created
  await makeNetwork('int', true)
  await makeNetwork('ext', false)
  await g.ensureVolume({ name: vol, labels: { ...labels, 'racklab.volume': 'data' } })
  a = await g.createContainer(spec('a', { networks: [{ name: net.int, ip: ip('int', 10), aliases: ['alpha'] }], volumes: { [vol]: '/data' }, tmpfs: ['/run'], capAdd: ['NET_ADMIN'], dns: [ip('int', 53)] }))
  await g.startContainer(a)
})

afterAll(async () => {
  stopEvents?.()
  const mine = await docker.listContainers({ all: true, filters: { label: [`${LABEL_LAB}=${labId}`] } })
  const foreign = await docker.listContainers({ all: true, filters: { name: [`${labId}-foreign`] } })
  for (const c of [...mine, ...foreign]) await docker.getContainer(c.Id).remove({ force: true, v: true })
  for (const n of Object.values(net)) await g.removeNetwork(n)
  await g.removeVolume(vol, labId)
  for (const t of ['ok', 'fail', 'slow']) await docker.getImage(imageTag(t)).remove({ force: true }).catch(() => undefined)
  for (const d of ctxDirs) await rm(d, { recursive: true, force: true })
})

describe('engine', () => {
  it('status reports a connected engine with API ≥ 1.41', async () => {
    const s = await g.status()
    expect(s.state).toBe('connected')
    expect(s.host).toBe('/var/run/docker.sock')
    expect(Number(s.apiVersion?.split('.')[1])).toBeGreaterThanOrEqual(41)
    expect(await g.imageExists('debian:bookworm-slim')).toBe(true)
    expect(await g.imageExists(`racklab-${labId}:never-built`)).toBe(false)
  })
})

describe('engine absent', () => {
  const at = (dockerHost: string): ReturnType<typeof createDockerGateway> => {
    const host = resolveDockerHost({ DOCKER_HOST: dockerHost }, () => false, '/nonexistent')
    return createDockerGateway({ docker: dockerClientFor(host), host })
  }

  it('status never throws: a missing socket, a stale socket and a closed tcp port each say what to do', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'racklab-gwtest-'))
    ctxDirs.push(dir)
    expect(await at(`unix://${dir}/docker.sock`).status()).toMatchObject({ state: 'absent', message: `No Docker engine answers at ${dir}/docker.sock. Install Docker Engine or start Docker Desktop.` })
    // a socket file nobody listens on, as a crashed daemon leaves behind: SIGKILL skips the unlink
    const stale = join(dir, 'stale.sock')
    const child = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(stale)}, () => console.log('up'))`])
    await new Promise<void>((r) => child.stdout.once('data', () => r()))
    child.kill('SIGKILL')
    await new Promise<void>((r) => child.once('exit', () => r()))
    expect(await at(`unix://${stale}`).status()).toMatchObject({ state: 'stopped', message: expect.stringContaining('exists but the daemon does not answer') })
    expect(await at('tcp://127.0.0.1:1').status()).toMatchObject({ state: 'absent', host: 'tcp://127.0.0.1:1' })
    await expect(at('tcp://127.0.0.1:1').listContainers(labId)).rejects.toMatchObject({ code: 'ENGINE_ABSENT' })
  })
})

describe('objects', () => {
  it('lists only this lab’s container, network and volume, with labels and IPs', async () => {
    const cs = await g.listContainers(labId)
    expect(cs.map((c) => c.id)).toEqual([a])
    const info = cs[0]
    expect(info?.labels['racklab.server']).toBe('a')
    expect(info?.running).toBe(true)
    expect(info?.ips[net.int]).toBe(ip('int', 10))
    expect((await g.listNetworks(labId)).map((n) => n.name).sort()).toEqual([net.ext, net.int])
    // each volume also carries a random racklab.instance label, given at creation (what provisioning keys on)
    expect(await g.listVolumes(labId)).toEqual([{ name: vol, labels: { ...labels, 'racklab.volume': 'data', 'racklab.instance': expect.stringMatching(/^[0-9a-f-]{8,}$/) } }])
    expect(await g.listContainers(`${labId}-other`)).toEqual([])
  })

  it('creates with tini, tmpfs, the named volume, caps, dns and an internal network', async () => {
    const i = await docker.getContainer(a).inspect()
    expect(i.HostConfig.Init).toBe(true)
    expect(i.HostConfig.Tmpfs).toHaveProperty('/run')
    expect(i.HostConfig.Binds).toEqual([`${vol}:/data`])
    expect(i.HostConfig.CapAdd).toEqual(['NET_ADMIN'])
    expect(i.HostConfig.Dns).toEqual([ip('int', 53)])
    expect(i.NetworkSettings.Networks[net.int]?.Aliases).toContain('alpha')
    expect((await docker.getNetwork(net.int).inspect()).Internal).toBe(true)
    const r = await g.exec(a, ['sh', '-c', 'cat /proc/1/comm; echo x > /data/f && cat /data/f; hostname; echo $RACKLAB_TEST'])
    expect(r.stdout.split('\n').slice(0, 4)).toEqual(['docker-init', 'x', 'a', '1'])
  })

  it('ensureNetwork and ensureVolume are idempotent and refuse foreign objects of the same name', async () => {
    await g.ensureNetwork({ name: net.int, subnet: subnets.int ?? '', internal: true, labels })
    await g.ensureVolume({ name: vol, labels })
    await expect(g.ensureVolume({ name: vol, labels: { [LABEL_LAB]: 'someone-else' } })).rejects.toMatchObject({ code: 'REFUSED' })
  })
})

describe('exec', () => {
  it('returns stdout, stderr and the exit code', async () => {
    const r = await g.exec(a, ['sh', '-c', 'echo out; echo err >&2; exit 3'])
    expect(r).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' })
  })

  it('feeds stdin and closes it', async () => {
    const r = await g.exec(a, ['sh', '-c', 'cat; echo "[$(id -un)] $GREETING"'], { stdin: 'line one\nline two\n', user: 'nobody', env: { GREETING: 'hi' } })
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toBe('line one\nline two\n[nobody] hi\n')
  })

  it('gives up after timeoutMs', async () => {
    const t0 = Date.now()
    await expect(g.exec(a, ['sleep', '5'], { timeoutMs: 300 })).rejects.toThrow(/did not finish within 300 ms/)
    expect(Date.now() - t0).toBeLessThan(3000)
  })

  it('execTty echoes, resizes and closes', async () => {
    const s = await g.execTty(a, ['bash', '--norc', '-i'], 80, 24)
    let out = ''
    s.onData((d) => (out += d))
    const exited = new Promise<number | null>((r) => s.onExit(r))
    s.write('echo tty-$((6*7))\n')
    await until(() => out, (o) => o.includes('tty-42'))
    expect(out).toContain('tty-42')
    await s.resize(100, 30)
    s.write('stty size\n')
    await until(() => out, (o) => o.includes('30 100'))
    expect(out).toContain('30 100')
    s.write('exit 5\n')
    expect(await exited).toBe(5)
    expect(out).not.toContain('racklab-pid')
    s.close()
  })

  it('closing a TTY session ends its processes (docker alone would leave them running)', async () => {
    const procs = async (): Promise<string> => (await g.exec(a, ['sh', '-c', 'cat /proc/[0-9]*/cmdline | tr "\\0" " "'])).stdout
    const shell = await g.execTty(a, ['bash', '--norc', '-i'], 80, 24)
    let out = ''
    shell.onData((d) => (out += d))
    const exited = new Promise<number | null>((r) => shell.onExit(r))
    shell.write('sleep 321\n')
    await until(procs, (p) => p.includes('sleep 321'))
    expect(await procs()).toContain('sleep 321')
    shell.close()
    await exited
    expect(await until(procs, (p) => !p.includes('sleep 321') && !p.includes('bash --norc'))).not.toMatch(/sleep 321|bash --norc/)
    const direct = await g.execTty(a, ['sleep', '654'], 80, 24)
    direct.close() // before the PID mark may even have arrived
    expect(await until(procs, (p) => !p.includes('sleep 654'))).not.toContain('sleep 654')
  })

  it('stats gives CPU % and memory', async () => {
    const st = await g.stats(a)
    expect(st.cpuPercent).toBeGreaterThanOrEqual(0)
    expect(st.memoryBytes).toBeGreaterThan(0)
  })
})

describe('logs', () => {
  it('logs returns both streams; followLogs delivers new lines', async () => {
    const text = await g.logs(a, 50)
    expect(text).toContain('started-ok\n')
    expect(text).toContain('warned\n')
    const lines: string[] = []
    const stop = await g.followLogs(a, (l) => lines.push(l))
    await g.exec(a, ['sh', '-c', 'echo follow-1 > /proc/1/fd/1; echo follow-2 > /proc/1/fd/2'])
    await until(() => lines, (l) => l.length >= 2)
    stop()
    expect(lines.sort()).toEqual(['follow-1', 'follow-2'])
  })
})

describe('lifecycle', () => {
  const state = async (): Promise<string | undefined> => (await g.inspectContainer(a))?.status
  it('stop, start, pause, unpause, kill, restart and update resources', async () => {
    await g.stopContainer(a, 2)
    expect(await state()).toBe('exited')
    await g.stopContainer(a) // already stopped: no error
    await g.startContainer(a)
    expect(await state()).toBe('running')
    await g.pauseContainer(a)
    expect(await state()).toBe('paused')
    await g.unpauseContainer(a)
    expect(await state()).toBe('running')
    await g.killContainer(a, 'SIGKILL')
    const killed = await until(() => g.inspectContainer(a), (i) => i?.status === 'exited')
    expect(killed?.exitCode).toBe(137)
    expect(killed?.finishedAt).toBeDefined()
    await g.startContainer(a)
    await g.restartContainer(a)
    expect(await state()).toBe('running')
    await g.updateResources(a, { nanoCpus: 500_000_000, memoryBytes: 256 * 1024 * 1024 })
    const i = await docker.getContainer(a).inspect()
    expect(i.HostConfig.NanoCpus).toBe(500_000_000)
    expect(i.HostConfig.Memory).toBe(256 * 1024 * 1024)
    expect(await g.inspectContainer(`${labId}-nonexistent`)).toBeUndefined()
  })
})

describe('networks and ports', () => {
  it('connects and disconnects a second network with a fixed IP', async () => {
    await g.connectNetwork(net.ext, a, ip('ext', 20), ['a-ext'])
    const on = await g.inspectContainer(a)
    expect(on?.ips).toEqual({ [net.int]: ip('int', 10), [net.ext]: ip('ext', 20) })
    const r = await g.exec(a, ['sh', '-c', 'cat /proc/net/fib_trie | grep -c " ' + ip('ext', 20) + '$" || true'])
    expect(Number(r.stdout.trim())).toBeGreaterThan(0)
    await g.disconnectNetwork(net.ext, a)
    expect((await g.inspectContainer(a))?.ips).toEqual({ [net.int]: ip('int', 10) })
  })

  it('attaches every network before start and publishes on 127.0.0.1 only', async () => {
    // perl-base is in minbase: a one-line TCP server proves the published port really answers
    const serve = 'use IO::Socket::INET; my $s = IO::Socket::INET->new(LocalPort => 8080, Listen => 5, ReuseAddr => 1) or die; while (my $c = $s->accept) { print $c "hello-from-b\\n"; close $c }'
    const b = await g.createContainer(
      spec('b', {
        networks: [
          { name: net.ext, ip: ip('ext', 30) },
          { name: net.int, ip: ip('int', 30), aliases: ['bravo'] },
        ],
        publish: { '8080/tcp': 0 },
        cmd: ['perl', '-e', serve],
      }),
    )
    const created = await g.inspectContainer(b)
    expect(created?.status).toBe('created')
    expect(created?.ips).toEqual({ [net.ext]: ip('ext', 30), [net.int]: ip('int', 30) })
    await g.startContainer(b)
    const info = await g.inspectContainer(b)
    const port = info?.ports['8080/tcp'] ?? 0
    expect(port).toBeGreaterThan(0)
    const raw = await docker.getContainer(b).inspect()
    const bindings = (raw.NetworkSettings.Ports['8080/tcp'] ?? []) as { HostIp: string }[]
    expect(bindings.map((x) => x.HostIp)).toEqual(['127.0.0.1'])
    const reply = await until(() => readLine('127.0.0.1', port), (t) => t.includes('hello'), 10_000)
    expect(reply).toBe('hello-from-b\n')
    // a peer on the internal network reaches b by its alias
    const peer = await g.exec(a, ['getent', 'hosts', 'bravo'])
    expect(peer.stdout).toContain(ip('int', 30))
    await g.removeContainer(b)
    expect(await g.inspectContainer(b)).toBeUndefined()
    await g.removeContainer(b) // already gone: no error
  })
})

function readLine(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host, port })
    let got = ''
    s.on('data', (d) => (got += d.toString()))
    s.on('end', () => resolve(got))
    s.on('error', () => resolve(''))
    s.setTimeout(2000, () => s.destroy())
  })
}

describe('events', () => {
  it('sees start/die of our container and nothing of a foreign one', async () => {
    const foreign = await docker.createContainer({ name: `${labId}-foreign`, Image: 'debian:bookworm-slim', Cmd: ['true'], HostConfig: { NetworkMode: 'none' } })
    await foreign.start()
    await foreign.wait()
    await foreign.remove({ force: true })
    await g.stopContainer(a, 2)
    await g.startContainer(a)
    const seen = await until(() => events.filter((e) => e.id === a).map((e) => e.action), (acts) => acts.filter((x) => x === 'start').length >= 2)
    expect(seen).toContain('create')
    expect(seen).toContain('start')
    expect(seen).toContain('die')
    expect(events.some((e) => e.id === foreign.id)).toBe(false)
    expect(events.every((e) => e.type === 'resync' || e.labels[LABEL_LAB] === labId)).toBe(true)
    const ours = events.find((e) => e.id === a)
    expect(ours?.labels['racklab.server']).toBe('a')
    expect(ours?.labels.name).toBeUndefined()
    // networks carry no labels in events; the gateway matches them by id
    const nets = events.filter((e) => e.type === 'network').map((e) => e.action)
    expect(nets).toContain('create')
    expect(nets).toContain('connect')
    expect(events.some((e) => e.type === 'volume' && e.action === 'create' && e.id === vol)).toBe(true)
    expect(engine[0]?.state).toBe('connected')
  })
})

describe('build', () => {
  it('builds a context, reporting Step N/M progress; removeContainer drops anonymous volumes', async () => {
    const dir = await context('FROM debian:bookworm-slim\nCOPY hello.txt /hello.txt\nVOLUME /anon\nCMD ["sh", "-c", "cat /hello.txt; exec sleep infinity"]\n')
    const progress: { step: number; steps: number; text: string }[] = []
    await g.buildImage(dir, imageTag('ok'), (p) => progress.push(p))
    expect(await g.imageExists(imageTag('ok'))).toBe(true)
    const steps = progress.filter((p) => p.text.startsWith('Step ')).map((p) => `${p.step}/${p.steps}`)
    expect(steps).toEqual(['1/4', '2/4', '3/4', '4/4'])
    const c = await g.createContainer(spec('anon', { image: imageTag('ok'), cmd: undefined }))
    await g.startContainer(c)
    expect(await until(() => g.logs(c, 10), (t) => t.includes('hello'))).toBe('hello from the context\n')
    const anon = (await docker.getContainer(c).inspect()).Mounts.find((m) => m.Destination === '/anon')?.Name ?? ''
    expect(anon).toMatch(/^[0-9a-f]{64}$/)
    await g.removeContainer(c)
    await expect(docker.getVolume(anon).inspect()).rejects.toMatchObject({ statusCode: 404 })
  })

  it('a failing RUN rejects with BUILD_FAILED naming the image and docker’s error', async () => {
    const dir = await context('FROM debian:bookworm-slim\nRUN echo about to fail && exit 7\n')
    const err = await g.buildImage(dir, imageTag('fail'), () => undefined).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(LabError)
    expect((err as LabError).code).toBe('BUILD_FAILED')
    expect((err as LabError).message).toContain(imageTag('fail'))
    expect((err as LabError).message).toContain('returned a non-zero code: 7')
    expect(await g.imageExists(imageTag('fail'))).toBe(false)
  })

  it('an aborted build rejects with CANCELLED', async () => {
    const dir = await context('FROM debian:bookworm-slim\nRUN sleep 20\n')
    const ac = new AbortController()
    const t0 = Date.now()
    const p = g.buildImage(dir, imageTag('slow'), (pr) => pr.step === 2 && ac.abort(), ac.signal)
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(Date.now() - t0).toBeLessThan(10_000)
    // the engine stops the build too: no intermediate container keeps sleeping
    const sleeping = async (): Promise<number> => (await docker.listContainers({ all: true })).filter((c) => c.Command.includes('sleep 20')).length
    expect(await until(sleeping, (n) => n === 0)).toBe(0)
  })
})
