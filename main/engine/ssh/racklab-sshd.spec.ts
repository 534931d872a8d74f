// lab-images/base/racklab-sshd, run by the host's sh with stand-ins for ip and sshd (its key folder, /run and sshd
// binary moved by its test variables): what it writes, which addresses sshd gets, and what it says when it can't.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const script = fileURLToPath(new URL('../../../lab-images/base/racklab-sshd', import.meta.url))
const work = mkdtempSync(join(tmpdir(), 'racklab-sshd-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n'
const AUTH = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOp racklab-operator\n'

function run(stdin: string, args: string[], o: { have?: string[]; sshd?: string } = {}) {
  const d = mkdtempSync(join(work, 't-'))
  for (const sub of ['etc', 'run', 'bin']) mkdirSync(join(d, sub))
  // `ip -o -4 addr show` as iproute2 prints it: one line per address, the address with its prefix in field 4
  const lines = (o.have ?? ['10.231.0.21']).map((ip, i) => `${i + 2}: eth${i}    inet ${ip}/24 brd 10.231.0.255 scope global eth${i}`).join('\\n')
  writeFileSync(join(d, 'bin', 'ip'), `#!/bin/sh\nprintf '${lines}\\n'\n`, { mode: 0o755 })
  writeFileSync(join(d, 'bin', 'sshd'), `#!/bin/sh\necho "$*" >${d}/sshd-args\n${o.sshd ?? 'exit 0'}\n`, { mode: 0o755 })
  const r = spawnSync('sh', [script, ...args], {
    input: stdin,
    encoding: 'utf8',
    env: { PATH: `${join(d, 'bin')}:/usr/bin:/bin`, RACKLAB_SSHD_DIR: join(d, 'etc'), RACKLAB_SSHD_RUN: join(d, 'run'), RACKLAB_SSHD_BIN: join(d, 'bin', 'sshd') },
  })
  const read = (f: string): string | undefined => (existsSync(join(d, f)) ? readFileSync(join(d, f), 'utf8') : undefined)
  return { d, code: r.status, out: `${r.stdout}${r.stderr}`, key: read('etc/ssh_host_ed25519_key'), auth: read('etc/authorized_keys'), sshd: read('sshd-args') }
}

describe('racklab-sshd', () => {
  it('writes the host key and the authorized key (0600), makes the privsep folder, and starts sshd on the addresses the server has', () => {
    const r = run(`${KEY}${AUTH}`, ['10.231.0.21', '10.231.2.21'], { have: ['10.231.0.21', '10.231.9.9'] })
    expect(r.code).toBe(0)
    expect(r.key).toBe(KEY)
    expect(r.auth).toBe(AUTH)
    expect(statSync(join(r.d, 'etc', 'ssh_host_ed25519_key')).mode & 0o777).toBe(0o600)
    expect(statSync(join(r.d, 'run', 'sshd')).mode & 0o777).toBe(0o755)
    // 10.231.2.21 is not up here (its cable pulled while it was off); 10.231.9.9 is not one of its lab addresses
    expect(r.sshd).toBe(`-f ${join(r.d, 'etc')}/sshd_config -E /proc/1/fd/1 -oListenAddress=10.231.0.21\n`)
  })

  it('says what is missing on stdin, and starts nothing', () => {
    expect(run(AUTH, ['10.231.0.21'])).toMatchObject({ code: 2, out: 'racklab-sshd: no host key (OpenSSH private key block) on stdin\n', sshd: undefined })
    expect(run(KEY, ['10.231.0.21'])).toMatchObject({ code: 2, out: 'racklab-sshd: no authorized key (ssh-ed25519 line) on stdin\n', sshd: undefined })
    expect(run(`${KEY}${AUTH}`, [])).toMatchObject({ code: 2, sshd: undefined })
  })

  it('none of its addresses up: no sshd, and that is not a failure', () => {
    expect(run(`${KEY}${AUTH}`, ['10.231.0.21'], { have: ['10.231.5.5'] })).toMatchObject({ code: 0, out: 'racklab-sshd: none of 10.231.0.21 is up here: sshd not started\n', sshd: undefined })
  })

  it("an sshd that refuses its config or keys fails it, with sshd's words", () => {
    expect(run(`${KEY}${AUTH}`, ['10.231.0.21'], { sshd: 'echo "sshd: no hostkeys available -- exiting." >&2; exit 1' })).toMatchObject({ code: 1, out: 'sshd: no hostkeys available -- exiting.\n' })
  })
})
