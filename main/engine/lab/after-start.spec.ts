// Each start of a server: its firewall and its sshd, in one exec into the container (what the engine sends), and
// the script that exec runs.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { TopologySchema } from '@contract/topology'
import type { ExecResult } from '../docker/types'
import { Journal } from '../journal/journal'
import type { HookContext } from '../roles/types'
import { LabSshKeys } from '../ssh/lab-keys'
import { publicKeyLine } from '../ssh/openssh-key'
import { afterStart, afterStartChecked, BOOT, FIREWALL_FAILED, FIREWALL_LOADED_LINE, SSHD_FAILED, SSHD_FAILED_LINE, SSHD_MARK } from './after-start'
import { POLL_PKILL_PATTERN, pollCommand } from './boot-health'
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
const loaded = `${FIREWALL_LOADED_LINE}\n`
const ok: ExecResult = { exitCode: 0, stdout: loaded, stderr: '' }

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
    const l = lab(() => ({ exitCode: SSHD_FAILED, stdout: `${loaded}sh: 5: racklab-sshd: not found\n`, stderr: '' }))
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
    // with a health check after it, its status ends the exec: only the firewall's own line says it loaded
    const cut = lab(() => ({ exitCode: 124, stdout: '', stderr: '' }))
    await expect(afterStart(cut, 'db1', { command: ['true'], timeoutMs: 1000 })).rejects.toThrow(/db1: loading the firewall failed/)
  })

  it("up's form: the firewall, sshd and the image's first health check in one exec; a pass counts for this start, and the claim is given back either way", async () => {
    const c = { id: 'c1', running: true, startedAt: '2026-12-03T10:00:00Z', health: 'starting', healthTest: ['CMD', '/usr/local/bin/racklab-db-health'] }
    const claim = () => ({ pass: vi.fn(), release: vi.fn() })
    const passing = { ...lab(() => ok), gateway: { inspectContainer: async () => c } } as never
    const a = claim()
    await afterStartChecked(passing, 'db1', 'c1', a)
    const sent = (passing as { sent: { cmd: string[] }[] }).sent
    expect(sent).toHaveLength(1)
    const ips = placeServers(t).get('db1')!.server.nics.map((n) => n.ip)
    expect(sent[0]!.cmd).toEqual(['sh', '-c', BOOT, 'racklab-boot', ...ips, '--', ...pollCommand(['/usr/local/bin/racklab-db-health'])])
    expect(a.pass).toHaveBeenCalledWith(c.startedAt)
    expect(a.release).toHaveBeenCalledOnce()
    // the window ended without a pass, sshd failed meanwhile: journaled, no pass, claim back to BootHealth
    const late = { ...lab(() => ({ exitCode: 124, stdout: `${loaded}${SSHD_FAILED_LINE}\nno host key\n`, stderr: '' })), gateway: { inspectContainer: async () => c } }
    const b = claim()
    await afterStartChecked(late as never, 'db1', 'c1', b)
    expect(b.pass).not.toHaveBeenCalled()
    expect(b.release).toHaveBeenCalledOnce()
    expect(late.journal.list(0, 10).map((e) => e.text)).toEqual([expect.stringMatching(/db1: starting sshd failed.*no host key.*until its next start/)])
    // no health test, or no claim: the firewall and sshd alone, as at any other start
    const plain = { ...lab(() => ok), gateway: { inspectContainer: async () => ({ ...c, healthTest: undefined }) } }
    const p = claim()
    await afterStartChecked(plain as never, 'db1', 'c1', p)
    expect(plain.sent[0]!.cmd).toEqual(['sh', '-c', BOOT, 'racklab-boot', ...ips])
    expect(p.release).toHaveBeenCalledOnce()
    const unclaimed = lab(() => ok)
    await afterStartChecked({ ...unclaimed, gateway: { inspectContainer: async () => c } } as never, 'db1', 'c1', undefined)
    expect(unclaimed.sent[0]!.cmd).toEqual(['sh', '-c', BOOT, 'racklab-boot', ...ips])
  })

  it('a cancelled up ends the check loop in the container (pkill -f of the loop alone) and still waits for the exec', async () => {
    const c = { id: 'c1', running: true, startedAt: '2026-12-03T10:00:00Z', health: 'starting', healthTest: ['CMD', '/usr/local/bin/racklab-db-health'] }
    let end!: (r: ExecResult) => void
    const l = lab(() => ok)
    const exec = async (server: string, cmd: string[], opts?: { stdin?: string }): Promise<ExecResult> => {
      l.sent.push({ server, cmd, ...(opts?.stdin ? { stdin: opts.stdin } : {}) })
      if (cmd[0] === 'pkill') {
        end({ exitCode: 143, stdout: loaded, stderr: '' })
        return ok
      }
      return new Promise((r) => (end = r))
    }
    const cancel = new AbortController()
    const claim = { pass: vi.fn(), release: vi.fn() }
    const ctx = { ...l, gateway: { inspectContainer: async () => c }, hookContext: (s: string) => ({ ...l.hookContext(s), exec }) }
    const done = afterStartChecked(ctx as never, 'db1', 'c1', claim, cancel.signal)
    await vi.waitFor(() => expect(l.sent).toHaveLength(1))
    cancel.abort()
    await done
    expect(l.sent[1]!.cmd).toEqual(['pkill', '-f', POLL_PKILL_PATTERN])
    expect(claim.pass).not.toHaveBeenCalled()
    expect(claim.release).toHaveBeenCalledOnce()
    // the pattern (pkill -f: the command line, arguments joined by spaces) matches the loop's own command line, and
    // never the boot shell that still has the loop among its arguments (killing it could stop it before its firewall)
    const pattern = new RegExp(POLL_PKILL_PATTERN)
    expect(pattern.test(pollCommand(['/usr/local/bin/racklab-db-health']).join(' '))).toBe(true)
    expect(pattern.test(l.sent[0]!.cmd.join(' '))).toBe(false)
  })
})

// the script itself, run by a real sh here with stand-ins for nft and racklab-sshd on PATH
describe('the boot script', () => {
  const run = (stdin: string, nft: string, sshd: string, ips: string[] = ['10.0.0.1'], after: string[] = []): { code: number; out: string; fw: string; ssh: string; ips: string } => {
    const dir = mkdtempSync(join(work, 'boot-'))
    writeFileSync(join(dir, 'nft'), `#!/bin/sh\ncat "$2" >${dir}/got-fw\n${nft}\n`, { mode: 0o755 })
    writeFileSync(join(dir, 'racklab-sshd'), `#!/bin/sh\necho "$*" >${dir}/got-ips\ncat >${dir}/got-ssh\n${sshd}\n`, { mode: 0o755 })
    const r = spawnSync('sh', ['-c', BOOT, 'racklab-boot', ...ips, ...after], { input: stdin, env: { PATH: `${dir}:/usr/bin:/bin` }, encoding: 'utf8' })
    const read = (f: string): string => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '')
    return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}`, fw: read('got-fw'), ssh: read('got-ssh'), ips: read('got-ips') }
  }
  const input = `table inet racklab {\n}\n${SSHD_MARK}\nKEY\nssh-ed25519 AAA op\n`

  it('splits stdin at the marker: the ruleset to nft, the keys to racklab-sshd; 0 when both succeed', () => {
    expect(run(input, 'exit 0', 'exit 0', ['10.0.0.1', '10.0.1.1'])).toMatchObject({ code: 0, out: loaded, fw: 'table inet racklab {\n}\n', ssh: 'KEY\nssh-ed25519 AAA op\n', ips: '10.0.0.1 10.0.1.1\n' })
  })
  it('nft failing: exit 78 with its words, and sshd never started', () => {
    expect(run(input, 'echo "Error: syntax error" >&2; exit 1', 'exit 0')).toMatchObject({ code: FIREWALL_FAILED, out: 'Error: syntax error\n', ssh: '' })
  })
  it('racklab-sshd failing: exit 79 with its words; no keys or no address: no sshd, and 0', () => {
    expect(run(input, 'exit 0', 'echo "no host key"; exit 2')).toMatchObject({ code: SSHD_FAILED, out: `${loaded}no host key\n` })
    expect(run(`table inet racklab {\n}\n${SSHD_MARK}\n`, 'exit 0', 'exit 2')).toMatchObject({ code: 0, ssh: '' })
    expect(run(input, 'exit 0', 'exit 2', [])).toMatchObject({ code: 0, ssh: '' })
  })
  it('with a command after --: it runs once the firewall and sshd are done, and its status is the exit status; an sshd failure is a line on stdout', () => {
    expect(run(input, 'exit 0', 'exit 0', ['10.0.0.1', '10.0.1.1'], ['--', 'sh', '-c', 'echo checked; exit 3'])).toMatchObject({ code: 3, out: `${loaded}checked\n`, ips: '10.0.0.1 10.0.1.1\n' })
    expect(run(input, 'exit 0', 'echo "no host key"; exit 2', ['10.0.0.1'], ['--', 'true'])).toMatchObject({ code: 0, out: `${loaded}${SSHD_FAILED_LINE}\nno host key\n` })
    // nft failing: the command never runs
    expect(run(input, 'echo bad >&2; exit 1', 'exit 0', ['10.0.0.1'], ['--', 'sh', '-c', 'echo ran'])).toMatchObject({ code: FIREWALL_FAILED, out: 'bad\n', ssh: '' })
  })
})
