// `racklab export compose` against docker-compose 1.29: the exported file, brought up by docker-compose, gives
// the containers racklab made (image, env, addresses, mounts, capabilities, loopback ports) and the same
// service (db2 replicates from db1). Its own lab (cmp-export) and state dir; everything is torn down.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import Docker from 'dockerode'
import { afterAll, describe, expect, it } from 'vitest'
import { containerName } from '../../main/engine/lab/naming'
import { racklab, until, type CliResult } from './helpers'

const LAB = 'cmp-export'
const HOME = mkdtempSync(join(tmpdir(), 'racklab-test-cmp-'))
const FILE = join(HOME, 'compose.yml')
const cli = (args: string[]): Promise<CliResult> => racklab(args, { env: { RACKLAB_LAB: LAB, RACKLAB_HOME: HOME, RACKLAB_PRUNE_IMAGES: '0' } })
const compose = (args: string[]): Promise<{ stdout: string; stderr: string }> => promisify(execFile)('docker-compose', ['-p', `racklab-${LAB}`, '-f', FILE, ...args], { timeout: 300_000 })
const docker = new Docker()

/** what must be the same whoever made the container */
async function shape(server: string): Promise<Record<string, unknown>> {
  const i = await docker.getContainer(containerName(LAB, server)).inspect()
  const env = (i.Config.Env ?? []).filter((e) => !e.startsWith('PATH=')).sort()
  return {
    image: i.Config.Image,
    hostname: i.Config.Hostname,
    env,
    ips: Object.fromEntries(Object.entries(i.NetworkSettings.Networks).map(([n, v]) => [n, v.IPAMConfig?.IPv4Address ?? v.IPAddress])),
    mounts: i.Mounts.filter((m) => m.Type === 'volume').map((m) => `${m.Name}:${m.Destination}`).sort(),
    capAdd: [...(i.HostConfig.CapAdd ?? [])].sort(),
    ports: Object.entries(i.HostConfig.PortBindings ?? {}).map(([p, b]) => `${p}@${(b as { HostIp: string }[])[0]?.HostIp}`).sort(),
    init: i.HostConfig.Init,
    labels: Object.fromEntries(Object.entries(i.Config.Labels ?? {}).filter(([k]) => k.startsWith('racklab.'))),
  }
}

describe('racklab export compose', () => {
  afterAll(async () => {
    await compose(['down', '-v']).catch(() => undefined)
    await cli(['down', '--volumes'])
    rmSync(HOME, { recursive: true, force: true })
  })

  it('docker-compose up of the export gives the containers racklab made, and db2 replicates', async () => {
    const up = await cli(['up', '--only', 'db1,db2'])
    expect(up.code, up.stderr.slice(-2000)).toBe(0)
    const made = { db1: await shape('db1'), db2: await shape('db2') }
    const exp = await cli(['export', 'compose'])
    expect(exp.code, exp.stderr).toBe(0)
    expect(exp.stdout).toContain(`container_name: ${containerName(LAB, 'db2')}`)
    writeFileSync(FILE, exp.stdout)
    // bad input: export of something else is refused, naming what it can export
    const bad = await cli(['export', 'helm'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('"helm" is not something it exports (compose)')

    expect((await cli(['down', '--volumes'])).code).toBe(0)
    await compose(['up', '-d', 'db1', 'db2'])
    await until('db1 and db2 healthy under docker-compose', async () => {
      const hs = await Promise.all(['db1', 'db2'].map(async (s) => (await docker.getContainer(containerName(LAB, s)).inspect()).State.Health?.Status))
      return hs.every((h) => h === 'healthy') || undefined
    }, 180_000, 1000)
    for (const s of ['db1', 'db2'] as const) expect(await shape(s), s).toEqual(made[s])
    const exec = async (cmd: string[]): Promise<string> => {
      const e = await docker.getContainer(containerName(LAB, 'db2')).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true })
      const stream = await e.start({})
      return new Promise((res) => {
        let out = ''
        stream.on('data', (d: Buffer) => (out += d.toString()))
        stream.on('end', () => res(out))
      })
    }
    await until('db2 to replicate from db1', async () => /Slave_IO_Running: Yes[\s\S]*Slave_SQL_Running: Yes/.test(await exec(['mariadb', '-e', 'SHOW SLAVE STATUS\\G'])) || undefined, 60_000, 1000)
    await compose(['down', '-v'])
    expect(await docker.listContainers({ all: true, filters: { label: [`racklab.lab=${LAB}`] } })).toEqual([])
    expect((await docker.listNetworks({ filters: { label: [`racklab.lab=${LAB}`] } })).length).toBe(0)
  })
})
