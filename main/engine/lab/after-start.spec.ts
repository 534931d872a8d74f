// Each start of a server: its firewall and its sshd, in one exec into the container (what the engine sends), and
// the script that exec runs.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { afterAll, describe, expect, it } from 'vitest'
import { TopologySchema } from '@contract/topology'
import type { ExecResult } from '../docker/types'
import { Journal } from '../journal/journal'
import type { HookContext } from '../roles/types'
import { LabSshKeys } from '../ssh/lab-keys'
import { publicKeyLine } from '../ssh/openssh-key'
import { afterStart, BOOT, FIREWALL_FAILED, SSHD_FAILED, SSHD_MARK } from './after-start'
import { placeServers, roleContext } from './plan'

const work = mkdtempSync(join(tmpdir(), 'racklab-after-start-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))
const t = TopologySchema.parse(parse(readFileSync(new URL('../../../resources/topologies/nyi-2007.yaml', import.meta.url), 'utf8')))
const secrets = { repl: 'r', app: 'a', backup: 'b', cyrus: 'c' }

function lab(answer: (cmd: string[]) => ExecResult) {
  const sent: { server: string; cmd: string[]; stdin?: string }[] = []
  const exec: HookContext['exec'] = async (server, cmd, opts) => (sent.push({ server, cmd, ...(opts?.stdin ? { stdin: opts.stdin } : {}) }), answer(cmd))
  const sshKeys = new LabSshKeys(join(work, `lab${Math.random()}`))
  const journal = new Journal(undefined)
  return { sent, sshKeys, journal, hookContext: (server: string) => ({ ...roleContext(t, placeServers(t), server, secrets, 'lab1'), exec }) as unknown as HookContext }
}
const ok: ExecResult = { exitCode: 0, stdout: '', stderr: '' }

describe('after a server starts', () => {
  it("loads db1's firewall and starts its sshd in one exec: the ruleset, the marker, its host key and the operator key on stdin; sshd on each of its lab addresses", async () => {
    const l = lab(() => ok)
    await afterStart(l, 'db1')
    const ips = placeServers(t).get('db1')!.server.nics.map((n) => n.ip)
    expect(l.sent.map((s) => [s.server, s.cmd])).toEqual([['db1', ['sh', '-c', BOOT, 'racklab-boot', ...ips]]])
    const [fw, keys] = l.sent[0]!.stdin!.split(`\n${SSHD_MARK}\n`)
    expect(fw).toMatch(/^table inet racklab/m)
    expect(fw).toContain('policy drop')
    expect(keys).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/)
    expect(keys!.endsWith(`-----END OPENSSH PRIVATE KEY-----\n${publicKeyLine(l.sshKeys.operator(), 'racklab-operator')}\n`)).toBe(true)
  })

  it('an sshd that cannot start does not stop the server: the journal says why and what to do', async () => {
    const l = lab(() => ({ exitCode: SSHD_FAILED, stdout: 'sh: 5: racklab-sshd: not found\n', stderr: '' }))
    await afterStart(l, 'web1')
    expect(l.journal.list(0, 10).map((e) => e.text)).toEqual([expect.stringMatching(/web1: starting sshd failed: its image has no sshd .*racklab up. rebuilds it.*racklab ssh web1 fails until its next start/)])
  })

  it('a firewall that cannot load fails the start, and so does an exec that did not run at all', async () => {
    const l = lab(() => ({ exitCode: FIREWALL_FAILED, stdout: 'Error: syntax error\n', stderr: '' }))
    await expect(afterStart(l, 'db1')).rejects.toThrow(/db1: loading the firewall failed \(Error: syntax error\)/)
    const perm = lab(() => ({ exitCode: FIREWALL_FAILED, stdout: 'netlink: Error: Could not process rule: Operation not permitted', stderr: '' }))
    await expect(afterStart(perm, 'db1')).rejects.toThrow(/lacks NET_ADMIN/)
    const gone = lab(() => ({ exitCode: -1, stdout: '', stderr: 'container is not running' }))
    await expect(afterStart(gone, 'db1')).rejects.toThrow(/db1: loading the firewall failed \(container is not running\)/)
  })
})

// the script itself, run by a real sh here with stand-ins for nft and racklab-sshd on PATH
describe('the boot script', () => {
  const run = (stdin: string, nft: string, sshd: string, ips: string[] = ['10.0.0.1']): { code: number; out: string; fw: string; ssh: string } => {
    const dir = mkdtempSync(join(work, 'boot-'))
    writeFileSync(join(dir, 'nft'), `#!/bin/sh\ncat "$2" >${dir}/got-fw\n${nft}\n`, { mode: 0o755 })
    writeFileSync(join(dir, 'racklab-sshd'), `#!/bin/sh\ncat >${dir}/got-ssh\n${sshd}\n`, { mode: 0o755 })
    const r = spawnSync('sh', ['-c', BOOT, 'racklab-boot', ...ips], { input: stdin, env: { PATH: `${dir}:/usr/bin:/bin` }, encoding: 'utf8' })
    const read = (f: string): string => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '')
    return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}`, fw: read('got-fw'), ssh: read('got-ssh') }
  }
  const input = `table inet racklab {\n}\n${SSHD_MARK}\nKEY\nssh-ed25519 AAA op\n`

  it('splits stdin at the marker: the ruleset to nft, the keys to racklab-sshd; 0 when both succeed', () => {
    expect(run(input, 'exit 0', 'exit 0')).toMatchObject({ code: 0, fw: 'table inet racklab {\n}\n', ssh: 'KEY\nssh-ed25519 AAA op\n' })
  })
  it('nft failing: exit 78 with its words, and sshd never started', () => {
    expect(run(input, 'echo "Error: syntax error" >&2; exit 1', 'exit 0')).toMatchObject({ code: FIREWALL_FAILED, out: 'Error: syntax error\n', ssh: '' })
  })
  it('racklab-sshd failing: exit 79 with its words; no keys or no address: no sshd, and 0', () => {
    expect(run(input, 'exit 0', 'echo "no host key"; exit 2')).toMatchObject({ code: SSHD_FAILED, out: 'no host key\n' })
    expect(run(`table inet racklab {\n}\n${SSHD_MARK}\n`, 'exit 0', 'exit 2')).toMatchObject({ code: 0, ssh: '' })
    expect(run(input, 'exit 0', 'exit 2', [])).toMatchObject({ code: 0, ssh: '' })
  })
})
