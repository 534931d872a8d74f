// A server's sshd, started by the server itself at every start (lab-images/base/racklab-init runs racklab-sshd
// after its firewall, before its daemons): the engine puts its host key, the operator's public key and the
// addresses to listen on (its own on the lab's networks) into the container when it creates it (Docker's put
// archive, no exec), where they stay while the container exists. Keys stay in the lab's state and in that
// container's own layer: not in the image, its env, `docker inspect` or the compose export.
import { createHash } from 'node:crypto'
import type { ContainerSpec } from '../docker/types'
import type { LabSshKeys } from './lab-keys'
import { privateKeyFile, publicKeyLine } from './openssh-key'

/** where racklab-sshd reads them (sshd_config names the same files) */
export const SSHD_DIR = '/etc/ssh/racklab'

/** the files of `server`'s sshd, and a hash of what they say (a label: a container with other keys or addresses is
 *  made again). The hash covers the public halves only. */
export function sshdFiles(keys: LabSshKeys, server: string, allServers: readonly string[], ips: readonly string[]): { files: NonNullable<ContainerSpec['files']>; hash: string } {
  const host = keys.hostKeys(allServers).get(server)
  if (!host) throw new Error(`ssh: ${server} is not a server of this lab`)
  const authorized = `${publicKeyLine(keys.operator(), 'racklab-operator')}\n`
  const listen = ips.map((ip) => `${ip}\n`).join('')
  const hash = createHash('sha256').update(`${publicKeyLine(host)}\n${authorized}${listen}`).digest('hex').slice(0, 16)
  return {
    files: {
      dir: SSHD_DIR,
      files: [
        { name: 'ssh_host_ed25519_key', content: privateKeyFile(host, `root@${server}`), mode: 0o600 },
        { name: 'authorized_keys', content: authorized, mode: 0o600 },
        { name: 'listen', content: listen, mode: 0o644 },
      ],
    },
    hash,
  }
}
