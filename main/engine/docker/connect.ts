// The dockerode client for the Docker engine this process talks to (where it is: docker-host.ts).
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import { resolveDockerHost, type DockerHost } from './docker-host'

export { DEFAULT_SOCKET, resolveDockerHost, type DockerHost } from './docker-host'

/** Build the dockerode client for a resolved host. */
export function dockerClientFor(h: DockerHost): Docker {
  if (h.kind === 'unix') return new Docker({ socketPath: h.socketPath })
  if (!h.tls) return new Docker({ host: h.host, port: h.port, protocol: 'http' })
  const read = (f: string): Buffer | undefined => {
    const p = join(h.certPath ?? '', f)
    return existsSync(p) ? readFileSync(p) : undefined
  }
  return new Docker({ host: h.host, port: h.port, protocol: 'https', ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') })
}

/** The engine this process talks to, from the real environment. */
export function connectDocker(env: NodeJS.ProcessEnv = process.env): { docker: Docker; host: DockerHost } {
  const host = resolveDockerHost(env, existsSync, homedir())
  return { docker: dockerClientFor(host), host }
}
