// The key files checked by an independent reader: the host's ssh-keygen (test only; product code never runs it).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { fingerprint, newEd25519Key, parsePrivateKeyFile, privateKeyFile, publicKeyLine } from './openssh-key'

const work = mkdtempSync(join(tmpdir(), 'racklab-sshkey-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))
const keygen = (...args: string[]): string => execFileSync('ssh-keygen', args, { encoding: 'utf8' })

describe('OpenSSH ed25519 key files', () => {
  it('ssh-keygen reads the private key and derives the same public key and fingerprint', () => {
    const k = newEd25519Key()
    const f = join(work, 'k1')
    writeFileSync(f, privateKeyFile(k, 'root@db1'), { mode: 0o600 })
    expect(keygen('-y', '-f', f).trim().split(' ').slice(0, 2).join(' ')).toBe(publicKeyLine(k))
    expect(keygen('-l', '-f', f)).toContain(fingerprint(k))
  })

  it('reads back what ssh-keygen writes, and what it wrote itself', () => {
    const f = join(work, 'k2')
    keygen('-q', '-t', 'ed25519', '-N', '', '-C', 'x', '-f', f)
    const k = parsePrivateKeyFile(execFileSync('cat', [f], { encoding: 'utf8' }))
    expect(`${publicKeyLine(k)} x\n`).toBe(execFileSync('cat', [`${f}.pub`], { encoding: 'utf8' }))
    const mine = newEd25519Key()
    const back = parsePrivateKeyFile(privateKeyFile(mine))
    expect(back.pub.equals(mine.pub) && back.seed.equals(mine.seed)).toBe(true)
  })

  it('refuses a damaged, encrypted or foreign key with a reason', () => {
    expect(() => parsePrivateKeyFile('hello')).toThrow(/no BEGIN\/END OPENSSH PRIVATE KEY block/)
    const f = join(work, 'k3')
    keygen('-q', '-t', 'ed25519', '-N', 'secret', '-f', f)
    expect(() => parsePrivateKeyFile(execFileSync('cat', [f], { encoding: 'utf8' }))).toThrow(/encrypted/)
    // a seed that does not give the stored public key
    const k = newEd25519Key()
    const other = newEd25519Key()
    expect(() => parsePrivateKeyFile(privateKeyFile({ pub: k.pub, seed: other.seed }))).toThrow(/seed does not give its public key/)
    // cut short: the base64 body loses its second half
    const lines = privateKeyFile(k).split('\n')
    const cut = [lines[0], ...lines.slice(1, -2).slice(0, 2), lines.at(-2)].join('\n')
    expect(() => parsePrivateKeyFile(cut)).toThrow(/truncated/)
  })
})
