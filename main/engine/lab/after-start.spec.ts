// Each start of a server: its firewall and its sshd, both by exec into the container (what the engine sends).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
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
import { afterStart } from './after-start'
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
  it("loads db1's firewall and starts its sshd on each of its lab addresses with its host key and the operator key", async () => {
    const l = lab(() => ok)
    await afterStart(l, 'db1')
    const ips = placeServers(t).get('db1')!.server.nics.map((n) => n.ip)
    expect(l.sent.map((s) => [s.server, s.cmd])).toEqual([
      ['db1', ['nft', '-f', '-']],
      ['db1', ['racklab-sshd', ...ips]],
    ])
    const stdin = l.sent[1]!.stdin!
    expect(stdin).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/)
    expect(stdin.endsWith(`-----END OPENSSH PRIVATE KEY-----\n${publicKeyLine(l.sshKeys.operator(), 'racklab-operator')}\n`)).toBe(true)
  })

  it('an sshd that cannot start does not stop the server: the journal says why and what to do', async () => {
    const l = lab((cmd) => (cmd[0] === 'racklab-sshd' ? { exitCode: 126, stdout: '', stderr: 'OCI runtime exec failed: exec: "racklab-sshd": executable file not found in $PATH' } : ok))
    await afterStart(l, 'web1')
    expect(l.journal.list(0, 10).map((e) => e.text)).toEqual([expect.stringMatching(/web1: starting sshd failed: its image has no sshd .*racklab up. rebuilds it.*racklab ssh web1 fails until its next start/)])
  })

  it('a firewall that cannot load fails the start', async () => {
    const l = lab((cmd) => (cmd[0] === 'nft' ? { exitCode: 1, stdout: '', stderr: 'Error: syntax error' } : ok))
    await expect(afterStart(l, 'db1')).rejects.toThrow(/db1/)
  })
})
