import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { hostKeyFile, knownHostsFile, LabSshKeys, operatorKeyFile, sshDir } from './lab-keys'
import { publicKeyLine } from './openssh-key'
import { sshdInput } from './start'

const work = mkdtempSync(join(tmpdir(), 'racklab-labkeys-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))
const mode = (f: string): number => statSync(f).mode & 0o777

describe('a lab\'s SSH keys', () => {
  it('are made once, kept 0600 in a 0700 directory, and reused by the next engine', () => {
    const state = join(work, 'lab1')
    const a = new LabSshKeys(state)
    const hosts = a.hostKeys(['db1', 'db2'])
    const op = a.operator()
    expect(mode(sshDir(state))).toBe(0o700)
    for (const f of [operatorKeyFile(state), `${operatorKeyFile(state)}.pub`, knownHostsFile(state), hostKeyFile(state, 'db1'), hostKeyFile(state, 'db2')]) expect(mode(f)).toBe(0o600)
    const b = new LabSshKeys(state)
    expect(b.operator().pub.equals(op.pub)).toBe(true)
    expect(b.hostKeys(['db1', 'db2']).get('db2')!.pub.equals(hosts.get('db2')!.pub)).toBe(true)
    expect(hosts.get('db1')!.pub.equals(hosts.get('db2')!.pub)).toBe(false)
  })

  it('known_hosts names each server by its id with its own host key, and ssh-keygen finds it there', () => {
    const state = join(work, 'lab2')
    const k = new LabSshKeys(state)
    const hosts = k.hostKeys(['web1', 'db1'])
    const text = readFileSync(knownHostsFile(state), 'utf8')
    expect(text).toBe(`db1 ${publicKeyLine(hosts.get('db1')!)}\nweb1 ${publicKeyLine(hosts.get('web1')!)}\n`)
    expect(execFileSync('ssh-keygen', ['-F', 'web1', '-f', knownHostsFile(state)], { encoding: 'utf8' })).toContain(publicKeyLine(hosts.get('web1')!))
  })

  it('a server added later gets a key and a known_hosts line; a damaged key is replaced and reported', () => {
    const state = join(work, 'lab3')
    new LabSshKeys(state).hostKeys(['db1'])
    writeFileSync(hostKeyFile(state, 'db1'), 'garbage')
    const problems: string[] = []
    const k = new LabSshKeys(state, (p) => problems.push(p))
    const hosts = k.hostKeys(['db1', 'mx1'])
    expect(problems).toEqual([expect.stringMatching(/host key of db1 .* could not be read .*a new one was made/)])
    expect(readFileSync(knownHostsFile(state), 'utf8')).toBe(`db1 ${publicKeyLine(hosts.get('db1')!)}\nmx1 ${publicKeyLine(hosts.get('mx1')!)}\n`)
  })

  it('hands a server its own host key and the operator key only (what racklab-sshd reads)', () => {
    const k = new LabSshKeys(join(work, 'lab4'))
    const input = sshdInput(k, 'db1', ['db1', 'db2'])
    const [block, rest] = input.split('-----END OPENSSH PRIVATE KEY-----\n')
    expect(block).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/)
    expect(rest).toBe(`${publicKeyLine(k.operator(), 'racklab-operator')}\n`)
    expect(() => sshdInput(k, 'nope', ['db1'])).toThrow(/nope is not a server of this lab/)
    expect(() => k.hostKeys(['../x'])).toThrow(/not a server id/)
  })
})
