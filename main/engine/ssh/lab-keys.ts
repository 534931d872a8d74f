// Where a lab's SSH keys live: <lab state>/ssh/ (0700), every file 0600. One ed25519 host key per server
// (host-<server>) and one operator key (operator, operator.pub) whose public half is every server's only
// authorized key; known_hosts names each server by its id (ssh -o HostKeyAlias=<server>). Made at the first
// `up` and kept, like the lab CA (tls/ca-store.ts): `down --volumes` removes data, not the lab's identity.
// A damaged key file is replaced by a new key and reported (a person then sees a changed host key).
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomic } from '../state/atomic-file'
import { newEd25519Key, parsePrivateKeyFile, privateKeyFile, publicKeyLine, type Ed25519Key } from './openssh-key'

export const sshDir = (stateDir: string): string => join(stateDir, 'ssh')
export const operatorKeyFile = (stateDir: string): string => join(sshDir(stateDir), 'operator')
export const knownHostsFile = (stateDir: string): string => join(sshDir(stateDir), 'known_hosts')
export const hostKeyFile = (stateDir: string, server: string): string => join(sshDir(stateDir), `host-${server}`)

const SERVER_ID = /^[a-z0-9][a-z0-9-]*$/

/** known_hosts: one line per server, named by its id (the client passes HostKeyAlias=<id>) */
export function knownHostsText(hosts: ReadonlyMap<string, Pick<Ed25519Key, 'pub'>>): string {
  return [...hosts].sort(([a], [b]) => a.localeCompare(b)).map(([id, k]) => `${id} ${publicKeyLine(k)}\n`).join('')
}

export class LabSshKeys {
  private operatorKey: Ed25519Key | undefined
  private readonly hosts = new Map<string, Ed25519Key>()

  /** report: a stored key could not be used and a new one was made (the journal says so) */
  constructor(
    private readonly stateDir: string,
    private readonly report: (problem: string) => void = () => undefined,
  ) {}

  private dir(): string {
    const dir = sshDir(this.stateDir)
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    chmodSync(dir, 0o700)
    return dir
  }

  /** the key in `file`, or a new one stored there when it is missing or unusable; made = it is new */
  private loadOrMake(file: string, what: string, comment: string): { key: Ed25519Key; made: boolean } {
    this.dir()
    if (existsSync(file)) {
      try {
        const key = parsePrivateKeyFile(readFileSync(file, 'utf8'))
        chmodSync(file, 0o600)
        return { key, made: false }
      } catch (e) {
        this.report(`the ${what} in ${file} could not be read (${(e as Error).message}); a new one was made`)
      }
    }
    const key = newEd25519Key()
    writeFileAtomic(file, privateKeyFile(key, comment), 0o600)
    return { key, made: true }
  }

  /** the operator's key: the only one every server's sshd accepts */
  operator(): Ed25519Key {
    if (this.operatorKey) return this.operatorKey
    const { key } = this.loadOrMake(operatorKeyFile(this.stateDir), 'operator key', 'racklab-operator')
    writeFileAtomic(`${operatorKeyFile(this.stateDir)}.pub`, `${publicKeyLine(key, 'racklab-operator')}\n`, 0o600)
    return (this.operatorKey = key)
  }

  /** Every server's host key (made for those that have none), and known_hosts rewritten to match them. */
  hostKeys(servers: readonly string[]): ReadonlyMap<string, Ed25519Key> {
    let changed = !existsSync(knownHostsFile(this.stateDir))
    for (const id of servers) {
      if (!SERVER_ID.test(id)) throw new Error(`ssh: "${id}" is not a server id a key file can be named after`)
      if (this.hosts.has(id)) continue
      const { key, made } = this.loadOrMake(hostKeyFile(this.stateDir, id), `host key of ${id}`, `root@${id}`)
      this.hosts.set(id, key)
      changed ||= made
    }
    if (changed) writeFileAtomic(knownHostsFile(this.stateDir), knownHostsText(this.hosts), 0o600)
    return this.hosts
  }
}
