// The netfault sidecar is a container like any other: created least-privileged, with only the capabilities its
// work needs and a PID limit of its own.
import { describe, expect, it } from 'vitest'
import { recordingGateway } from '../binding/recording-gateway'
import { toCreateOptions } from '../docker/container-spec'
import type { ContainerInfo, ContainerSpec } from '../docker/types'
import { NetfaultSidecars } from './sidecar'

const db1: ContainerInfo = { id: 'c-db1', name: 'db1', image: 'x', labels: {}, status: 'running', running: true, exitCode: 0, oomKilled: false, ips: {}, ports: {}, startedAt: 't0' }

describe('netfault sidecar', () => {
  it("joins the server's namespace with CapDrop ALL, its own capabilities back, no-new-privileges and a PID limit", async () => {
    const created: ContainerSpec[] = []
    const gw = recordingGateway([], new Map())
    const sidecars = new NetfaultSidecars({
      gateway: { ...gw, createContainer: async (spec) => (created.push(spec), gw.createContainer(spec)) },
      labId: 'lab1',
      image: () => 'racklab/netfault:t',
    })
    await sidecars.ensure('db1', db1)
    expect(created).toHaveLength(1)
    const h = toCreateOptions(created[0]!).HostConfig!
    expect(h.NetworkMode).toBe('container:c-db1')
    expect(h.CapDrop).toEqual(['ALL'])
    expect(h.CapAdd).toEqual(['NET_ADMIN', 'NET_RAW', 'SETUID', 'SETGID', 'KILL'])
    expect(h.SecurityOpt).toEqual(['no-new-privileges:true'])
    expect(h.PidsLimit).toBe(64)
  })
})
