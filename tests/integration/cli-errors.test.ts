// The CLI explains what is wrong and exits 2 when it cannot run: no engine, a bad topology, bad arguments.
// Nothing is created in any of these cases.
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import { describe, expect, it } from 'vitest'
import { racklab } from './helpers'

describe('racklab CLI when it cannot run', () => {
  it('no Docker engine: exit 2, an actionable message, as text and as JSON', async () => {
    // a lab of its own: the test lab's engine service (another file's) drives the real Docker engine
    const env = { DOCKER_HOST: `unix://${join(tmpdir(), 'no-such-docker.sock')}`, RACKLAB_LAB: 'it-no-docker' }
    const text = await racklab(['up', '--only', 'db1'], { env })
    expect(text.code).toBe(2)
    expect(text.stderr).toMatch(/No Docker engine answers at .*no-such-docker\.sock\. Install Docker Engine or start Docker Desktop/)
    const json = await racklab(['status', '--json'], { env })
    expect(json.code).toBe(2)
    const doc = JSON.parse(json.stdout) as { engine: { state: string }; servers: { id: string; detail?: string }[] }
    expect(doc.engine.state).toBe('absent')
    expect(doc.servers.find((s) => s.id === 'db1')?.detail).toMatch(/^state unknown/)
  })

  it('a broken topology: exit 2, every problem with file:line:column and field, nothing created', async () => {
    const file = join(tmpdir(), `racklab-bad-${process.pid}.yaml`)
    writeFileSync(file, 'name: broken\ndomain: lab.test\nsites:\n  - id: s\n    name: S\n    racks:\n      - id: r1\n        units:\n          - { id: db1, kind: server, model: ibm-x346, u: 50, role: db, nics: [{ network: nope, ip: 10.9.0.5 }] }\nnetworks:\n  - { id: int, subnet: 10.9.0.0/24 }\n')
    const before = (await new Docker().listNetworks()).length
    const r = await racklab(['up', '--topology', file, '--json'])
    expect(r.code).toBe(2)
    const err = (JSON.parse(r.stdout) as { error: { code: string; message: string } }).error
    expect(err.code).toBe('TOPOLOGY_INVALID')
    expect(err.message).toContain(`${file}:9:`)
    expect(err.message).toMatch(/units\[0\]\.u/)
    expect(err.message).toMatch(/nope/)
    expect((await new Docker().listNetworks()).length).toBe(before)
  })

  it('bad arguments: exit 2 with the usage', async () => {
    const r = await racklab(['frobnicate'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('unknown command "frobnicate"')
    const noTarget = await racklab(['act'])
    expect(noTarget.code).toBe(2)
    expect(noTarget.stderr).toContain('missing TARGET')
    const notPair = await racklab(['act', 'server:imap2', 'resync', 'alice'])
    expect(notPair.code).toBe(2)
    expect(notPair.stderr).toContain('"alice" is not NAME=VALUE (e.g. user=alice)')
    const since = await racklab(['journal', '--since', 'yesterday'])
    expect(since.code).toBe(2)
    expect(since.stderr).toContain('--since must be a journal sequence number (0 or more), got "yesterday"')
  })
})
