import type Docker from 'dockerode'
import { describe, expect, it } from 'vitest'
import { DEFAULT_PIDS_LIMIT, toContainerInfo, toCreateOptions } from './container-spec'
import type { ContainerSpec } from './types'

const spec: ContainerSpec = {
  name: 'racklab-lab1-mx1',
  image: 'racklab/mx:abc',
  hostname: 'mx1',
  labels: { 'racklab.lab': 'lab1', 'racklab.server': 'mx1' },
  env: { A: '1', B: 'x=y' },
  networks: [
    { name: 'racklab-lab1-int', ip: '10.1.0.5', aliases: ['mx'] },
    { name: 'racklab-lab1-ext', ip: '10.2.0.5' },
  ],
  volumes: { 'racklab-lab1-spool': '/var/spool/postfix' },
  tmpfs: ['/run'],
  publish: { '25/tcp': 0, '80/tcp': 8080 },
  capAdd: ['NET_ADMIN'],
  pidsLimit: 256,
  dns: ['10.1.0.2'],
  stopTimeout: 10,
  nanoCpus: 1e9,
  memoryBytes: 512 * 1024 * 1024,
}

describe('toCreateOptions', () => {
  it("overrides the image's health check timing, keeping its command (Docker inherits what is left out)", () => {
    expect(toCreateOptions({ ...spec, healthcheck: { intervalSeconds: 60, retries: 2, timeoutSeconds: 30 } }).Healthcheck).toEqual({ Interval: 60e9, Retries: 2, Timeout: 30e9 })
    expect(toCreateOptions({ ...spec, healthcheck: { intervalSeconds: 60, retries: 2 } }).Healthcheck).toEqual({ Interval: 60e9, Retries: 2 })
    expect(toCreateOptions(spec).Healthcheck).toBeUndefined()
  })

  it('maps a spec to docker create options', () => {
    const o = toCreateOptions(spec)
    expect(o.name).toBe('racklab-lab1-mx1')
    expect(o.Env).toEqual(['A=1', 'B=x=y'])
    expect(o.StopTimeout).toBe(10)
    expect(o.Cmd).toBeUndefined()
    expect(o.ExposedPorts).toEqual({ '25/tcp': {}, '80/tcp': {} })
    expect(o.HostConfig).toEqual({
      Init: true,
      Binds: ['racklab-lab1-spool:/var/spool/postfix'],
      Tmpfs: { '/run': '' },
      PortBindings: { '25/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }], '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] },
      NetworkMode: 'racklab-lab1-int',
      RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true'],
      CapAdd: ['NET_ADMIN'],
      PidsLimit: 256,
      Dns: ['10.1.0.2'],
      NanoCpus: 1e9,
      Memory: 512 * 1024 * 1024,
    })
    // only the first network at create time; the gateway connects the rest before start
    expect(o.NetworkingConfig).toEqual({ EndpointsConfig: { 'racklab-lab1-int': { IPAMConfig: { IPv4Address: '10.1.0.5' }, Aliases: ['mx'] } } })
  })

  it('every container is created least-privileged: a spec with no capabilities or PID limit still gets CapDrop ALL, no-new-privileges and the default limit', () => {
    const { capAdd: _c, pidsLimit: _p, ...bare } = spec
    const h = toCreateOptions(bare).HostConfig!
    expect(h.CapDrop).toEqual(['ALL'])
    expect(h.CapAdd).toBeUndefined()
    expect(h.SecurityOpt).toEqual(['no-new-privileges:true'])
    expect(h.PidsLimit).toBe(DEFAULT_PIDS_LIMIT)
    expect(DEFAULT_PIDS_LIMIT).toBeGreaterThan(0)
  })

  it('a server without networks gets none, not docker’s default bridge', () => {
    const o = toCreateOptions({ ...spec, networks: [], publish: undefined, cmd: ['sleep', 'infinity'] })
    expect(o.HostConfig?.NetworkMode).toBe('none')
    expect(o.NetworkingConfig).toBeUndefined()
    expect(o.Cmd).toEqual(['sleep', 'infinity'])
  })
})

function inspect(over: { State?: object; Networks?: object; Ports?: object; PortBindings?: object }): Docker.ContainerInspectInfo {
  return {
    Id: 'abc',
    Name: '/racklab-lab1-mx1',
    Config: { Image: 'racklab/mx:abc', Labels: { 'racklab.lab': 'lab1' } },
    State: { Status: 'running', Running: true, ExitCode: 0, OOMKilled: false, StartedAt: '2026-11-28T10:00:00Z', FinishedAt: '0001-01-01T00:00:00Z', ...over.State },
    NetworkSettings: { Networks: over.Networks ?? {}, Ports: over.Ports ?? {} },
    HostConfig: { PortBindings: over.PortBindings ?? {} },
  } as unknown as Docker.ContainerInspectInfo
}

describe('toContainerInfo', () => {
  it('reads state, health, IPs and loopback ports', () => {
    const i = toContainerInfo(
      inspect({
        State: { Health: { Status: 'healthy' } },
        Networks: { 'racklab-lab1-int': { IPAddress: '10.1.0.5' } },
        Ports: { '25/tcp': [{ HostIp: '127.0.0.1', HostPort: '32770' }], '53/udp': null },
      }),
    )
    expect(i).toEqual({
      id: 'abc',
      name: 'racklab-lab1-mx1',
      image: 'racklab/mx:abc',
      labels: { 'racklab.lab': 'lab1' },
      status: 'running',
      running: true,
      exitCode: 0,
      oomKilled: false,
      health: 'healthy',
      startedAt: '2026-11-28T10:00:00Z',
      ips: { 'racklab-lab1-int': '10.1.0.5' },
      ports: { '25/tcp': 32770 },
    })
  })

  it('a stopped container keeps its configured IP and fixed ports, and OOM shows', () => {
    const i = toContainerInfo(
      inspect({
        State: { Status: 'exited', Running: false, ExitCode: 137, OOMKilled: true, FinishedAt: '2026-11-28T11:00:00Z' },
        Networks: { 'racklab-lab1-int': { IPAddress: '', IPAMConfig: { IPv4Address: '10.1.0.5' } } },
        PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }], '25/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
      }),
    )
    expect(i).toMatchObject({ status: 'exited', running: false, exitCode: 137, oomKilled: true, finishedAt: '2026-11-28T11:00:00Z' })
    expect(i.health).toBeUndefined()
    expect(i.ips).toEqual({ 'racklab-lab1-int': '10.1.0.5' })
    expect(i.ports).toEqual({ '80/tcp': 8080 })
  })
})
