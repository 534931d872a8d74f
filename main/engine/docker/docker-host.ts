// Where the Docker engine is, resolved the way the docker CLI does: DOCKER_HOST first
// (unix:// or tcp://, TLS via DOCKER_TLS_VERIFY/DOCKER_CERT_PATH), else the default unix socket.
// No dockerode here: the CLI's fast paths resolve a lab's engine without loading a Docker client.
import { join } from 'node:path'
import { LabError } from '@contract/lab-error'

export type DockerHost =
  | { kind: 'unix'; socketPath: string; label: string }
  | { kind: 'tcp'; host: string; port: number; tls: boolean; certPath?: string; label: string }

export const DEFAULT_SOCKET = '/var/run/docker.sock'

/** Pure: env + a file-exists probe → the host to dial. Throws LabError for a DOCKER_HOST we cannot use. */
export function resolveDockerHost(env: NodeJS.ProcessEnv, exists: (p: string) => boolean, home: string): DockerHost {
  const raw = env.DOCKER_HOST?.trim()
  if (!raw) {
    // Docker Desktop on Linux puts its socket in the home dir and leaves /var/run empty.
    const desktop = join(home, '.docker', 'run', 'docker.sock')
    const socketPath = !exists(DEFAULT_SOCKET) && exists(desktop) ? desktop : DEFAULT_SOCKET
    return { kind: 'unix', socketPath, label: socketPath }
  }
  if (raw.startsWith('unix://')) {
    const socketPath = raw.slice('unix://'.length) || DEFAULT_SOCKET
    return { kind: 'unix', socketPath, label: socketPath }
  }
  const withScheme = raw.includes('://') ? raw : `tcp://${raw}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    throw new LabError('ENGINE_ABSENT', `DOCKER_HOST="${raw}" is not a valid address. Use unix:///path/to/docker.sock or tcp://host:port.`)
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LabError('ENGINE_ABSENT', `DOCKER_HOST="${raw}" uses ${url.protocol.replace(':', '')}://, which Racklab does not support. Use unix:// or tcp://.`)
  }
  const tlsVerify = env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== '' && env.DOCKER_TLS_VERIFY !== '0'
  const tls = tlsVerify || url.protocol === 'https:'
  // the CLI's defaults: 2376 with TLS, 2375 without
  const port = url.port ? Number(url.port) : tls ? 2376 : 2375
  const host = url.hostname
  const certPath = env.DOCKER_CERT_PATH || (tls ? join(home, '.docker') : undefined)
  const label = `tcp://${host}:${port}`
  return certPath ? { kind: 'tcp', host, port, tls, certPath, label } : { kind: 'tcp', host, port, tls, label }
}

