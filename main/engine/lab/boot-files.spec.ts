// What a server's container carries so that it starts its own firewall and sshd (lab-images/base/racklab-init):
// the ruleset in its env, the sshd's keys and addresses as files put in before its start, and hashes of both as
// labels (a container whose ruleset or keys are not the lab's current ones is made again).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { afterAll, describe, expect, it } from 'vitest'
import { TopologySchema } from '@contract/topology'
import { LABEL_FIREWALL } from '../docker/types'
import { sshdFiles } from '../ssh/boot-files'
import { LabSshKeys } from '../ssh/lab-keys'
import { publicKeyLine } from '../ssh/openssh-key'
import { containerSpec, placeServers, roleSpec, serverFirewall } from './plan'

const work = mkdtempSync(join(tmpdir(), 'racklab-boot-files-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))
const t = TopologySchema.parse(parse(readFileSync(new URL('../../../resources/topologies/nyi-2007.yaml', import.meta.url), 'utf8')))
const secrets = { repl: 'r', app: 'a', backup: 'b', cyrus: 'c' }
const servers = placeServers(t)
const ids = [...servers.keys()]

describe("a server's container starts its own firewall and sshd", () => {
  it("db1's container carries its firewall: the ruleset its init loads, and the ruleset's hash as a label", () => {
    const fw = serverFirewall(t, servers, 'db1')
    const spec = containerSpec('lab1', servers.get('db1')!, roleSpec(t, servers, 'db1', secrets, 'lab1')!, 'racklab/db:x', t.domain, fw)
    expect(spec.env.RACKLAB_FIREWALL).toBe(fw.ruleset)
    expect(fw.ruleset).toMatch(/policy drop;[\s\S]*tcp dport 3306 accept/)
    expect(spec.labels[LABEL_FIREWALL]).toBe(fw.hash)
    // another server's ruleset differs, and so does its hash; the same server's is the same every time
    expect(serverFirewall(t, servers, 'web1').hash).not.toBe(fw.hash)
    expect(serverFirewall(t, servers, 'db1')).toEqual(fw)
  })

  it("db1's sshd files: its own host key, the operator key only, its lab addresses; no key in its env", () => {
    const k = new LabSshKeys(join(work, 'lab1'))
    const ips = servers.get('db1')!.server.nics.map((n) => n.ip)
    const { files, hash } = sshdFiles(k, 'db1', ids, ips)
    expect(files.dir).toBe('/etc/ssh/racklab')
    const byName = new Map(files.files.map((f) => [f.name, f]))
    expect([...byName.keys()]).toEqual(['ssh_host_ed25519_key', 'authorized_keys', 'listen'])
    expect(byName.get('ssh_host_ed25519_key')!.content).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n[\s\S]*-----END OPENSSH PRIVATE KEY-----\n$/)
    expect(byName.get('ssh_host_ed25519_key')!.mode).toBe(0o600)
    expect(byName.get('authorized_keys')!.content).toBe(`${publicKeyLine(k.operator(), 'racklab-operator')}\n`)
    expect(byName.get('listen')!.content).toBe(ips.map((ip) => `${ip}\n`).join(''))
    // another server has another host key; the same lab gives the same key again (the file's check bytes are
    // random, as ssh-keygen's), so the same hash
    expect(sshdFiles(k, 'db2', ids, ips).hash).not.toBe(hash)
    expect(sshdFiles(k, 'db1', ids, ips).hash).toBe(hash)
    expect(sshdFiles(k, 'db1', ids, [ips[0]!]).hash).not.toBe(hash)
    // the hash holds no private material
    expect(hash).toMatch(/^[0-9a-f]{16}$/)
    const spec = containerSpec('lab1', servers.get('db1')!, roleSpec(t, servers, 'db1', secrets, 'lab1')!, 'racklab/db:x', t.domain, serverFirewall(t, servers, 'db1'))
    expect(JSON.stringify(spec)).not.toMatch(/PRIVATE KEY/)
    expect(() => sshdFiles(k, 'nope', ids, ips)).toThrow(/nope is not a server of this lab/)
  })
})
