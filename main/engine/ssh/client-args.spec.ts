import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { requireClientKeys, sshClientArgs } from './client-args'
import { LabSshKeys } from './lab-keys'

const work = mkdtempSync(join(tmpdir(), 'racklab-sshargs-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('racklab ssh: the host ssh command line', () => {
  it("uses only the lab's operator key and known_hosts, names the server for host key checking, and ends options before the command", () => {
    const args = sshClientArgs({ stateDir: '/s/lab1', server: 'db1', ip: '10.231.0.11', command: ['ls', '-la'] })
    const opts = args.flatMap((a, i) => (args[i - 1] === '-o' ? [a] : []))
    expect(opts).toEqual(expect.arrayContaining(['IdentitiesOnly=yes', 'IdentityAgent=none', 'UserKnownHostsFile=/s/lab1/ssh/known_hosts', 'GlobalKnownHostsFile=/dev/null', 'StrictHostKeyChecking=yes', 'HostKeyAlias=db1', 'PasswordAuthentication=no']))
    expect(args.slice(0, 4)).toEqual(['-F', 'none', '-i', '/s/lab1/ssh/operator'])
    expect(args.slice(-5)).toEqual(['root', '--', '10.231.0.11', 'ls', '-la'])
  })

  it('refuses a lab that has no keys yet, naming the missing file and what makes them', () => {
    const state = join(work, 'lab1')
    expect(() => requireClientKeys(state, 'lab1')).toThrow(/lab lab1 has no SSH keys yet \(.*ssh\/operator is missing\).*racklab up/)
    const k = new LabSshKeys(state)
    k.operator()
    k.hostKeys(['db1'])
    expect(() => requireClientKeys(state, 'lab1')).not.toThrow()
  })
})
