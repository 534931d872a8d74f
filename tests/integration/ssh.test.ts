// Issue 13 item 9: every server runs sshd with keys made per lab (host keys and one operator key in the lab's
// state, 0600), and `racklab ssh SERVER` logs in with the host's ssh client. Brings up db1 only.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { racklab, TEST_HOME, TEST_LAB } from './helpers'
import { run } from './lab-driver'
import { LabSshKeys } from '../../main/engine/ssh/lab-keys'
import { newEd25519Key, privateKeyFile } from '../../main/engine/ssh/openssh-key'
import { openSshShell } from '../../main/engine/ssh/shell-session'

const keys = join(TEST_HOME, TEST_LAB, 'ssh')
const work = mkdtempSync(join(tmpdir(), 'racklab-ssh-it-'))
let ip = ''
let ips: string[] = []
/** the host's ssh to db1 as a stranger would try it: the lab's known_hosts, but these options */
const sshWith = (...opts: string[]) =>
  spawnSync('ssh', ['-F', 'none', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', '-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none', '-o', `UserKnownHostsFile=${join(keys, 'known_hosts')}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'HostKeyAlias=db1', ...opts, `root@${ip}`, 'hostname'], { encoding: 'utf8', timeout: 30_000 })

describe('SSH on every server: racklab ssh, per-lab keys', () => {
  beforeAll(async () => {
    const up = await racklab(['up', '--only', 'db1', '--json'])
    if (up.code !== 0) throw new Error(`racklab up failed (${up.code}): ${up.stderr.slice(-1500)} ${up.stdout.slice(0, 800)}`)
    const status = JSON.parse((await racklab(['status', '--json'])).stdout) as { servers: { id: string; ips: Record<string, string> }[] }
    ips = Object.values(status.servers.find((s) => s.id === 'db1')!.ips)
    ip = ips[0]!
  }, 900_000)
  afterAll(async () => {
    rmSync(work, { recursive: true, force: true })
    await racklab(['down', '--volumes'])
  }, 300_000)

  it('racklab ssh db1 -- hostname runs on db1; the keys are 0600 in a 0700 directory of the lab state', async () => {
    const r = await racklab(['ssh', 'db1', '--', 'hostname'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('db1\n')
    expect(statSync(keys).mode & 0o777).toBe(0o700)
    for (const f of ['operator', 'operator.pub', 'known_hosts', 'host-db1']) expect(statSync(join(keys, f)).mode & 0o777, f).toBe(0o600)
    // only the lab's networks: sshd listens on db1's lab addresses, nothing else (no 0.0.0.0, no loopback)
    const listening = (await run('db1', ['sh', '-c', "ss -Htln 'sport = :22' | awk '{print $4}'"])).trim().split('\n').sort()
    expect(listening).toEqual(ips.map((a) => `${a}:22`).sort())
  })

  it("the host key db1 presents is the one in the lab's state", () => {
    const scan = spawnSync('ssh-keyscan', ['-t', 'ed25519', ip], { encoding: 'utf8', timeout: 30_000 })
    const presented = scan.stdout.trim().split(' ').slice(1).join(' ')
    const stored = readFileSync(join(keys, 'known_hosts'), 'utf8').split('\n').find((l) => l.startsWith('db1 '))!.slice('db1 '.length)
    expect(presented).toMatch(/^ssh-ed25519 /)
    expect(presented).toBe(stored)
  })

  it('a password login and a key that is not the operator key are refused', () => {
    const pw = sshWith('-o', 'PubkeyAuthentication=no', '-o', 'PreferredAuthentications=password,keyboard-interactive')
    expect(pw.status).toBe(255)
    // the server offers no method but publickey
    expect(pw.stderr).toMatch(/Permission denied \(publickey\)/)
    const wrong = join(work, 'wrong')
    expect(spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', wrong]).status).toBe(0)
    const r = sshWith('-i', wrong)
    expect(r.status).toBe(255)
    expect(r.stderr).toMatch(/Permission denied \(publickey\)/)
    expect(sshWith('-i', join(keys, 'operator')).stdout).toBe('db1\n')
  })

  it('the console over SSH (RACKLAB_CONSOLE=ssh): a login shell on a PTY; a server with another host key is refused', async () => {
    const lab = new LabSshKeys(join(TEST_HOME, TEST_LAB))
    const hostKey = lab.hostKeys(['db1']).get('db1')!
    const privateKey = privateKeyFile(lab.operator())
    const shell = await openSshShell({ server: 'db1', host: ip, hostKey, privateKey }, 100, 30)
    let out = ''
    shell.onData((d) => (out += d))
    const code = new Promise<number | null>((r) => shell.onExit(r))
    await shell.resize(120, 40)
    shell.write('echo "on $(hostname), $(stty size) $TERM"; exit 3\n')
    const exited = await code
    expect(out).toContain('on db1, 40 120 xterm-256color')
    expect(exited, out).toBe(3)
    await expect(openSshShell({ server: 'db1', host: ip, hostKey: newEd25519Key(), privateKey }, 80, 24)).rejects.toThrow(/host key that is not the lab's/)
  })

  it('a restarted server starts sshd again with the same host key', async () => {
    const before = readFileSync(join(keys, 'known_hosts'), 'utf8')
    const restart = await racklab(['act', 'server:db1', 'restart'])
    expect(restart.code, restart.stdout + restart.stderr).toBe(0)
    const r = await racklab(['ssh', 'db1', '--', 'hostname'])
    expect([r.code, r.stdout, r.stderr]).toEqual([0, 'db1\n', ''])
    expect(readFileSync(join(keys, 'known_hosts'), 'utf8')).toBe(before)
  })

  it('clear errors: an unknown server, no ssh client on the host, a powered-off server', async () => {
    const unknown = await racklab(['ssh', 'db9'])
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('no server "db9"')])
    const noClient = await racklab(['ssh', 'db1', '--', 'hostname'], { env: { PATH: '/nonexistent' } })
    expect([noClient.code, noClient.stderr]).toEqual([2, expect.stringContaining('racklab ssh needs an ssh client on this host')])
    const off = await racklab(['act', 'server:db1', 'power-off'])
    expect(off.code, off.stdout + off.stderr).toBe(0)
    const r = await racklab(['ssh', 'db1', '--', 'hostname'])
    expect([r.code, r.stderr]).toEqual([1, expect.stringContaining('db1 is powered-off: ssh needs a running server')])
  })
})
