// A Docker engine as Racklab names it, and "default": the engine of this process's environment (DOCKER_HOST,
// else the local socket), which is never stored. No zod and no Docker client here: every command resolves its
// lab's engine through this on its fast path.
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { resolveDockerHost, type DockerHost } from '../docker/docker-host'

export const DEFAULT_ENGINE = 'default'

export interface EngineEntry {
  name: string
  /** unix:///path/to/docker.sock or tcp://host:port */
  host: string
  /** TLS: a folder with ca.pem, cert.pem and key.pem (as DOCKER_CERT_PATH) */
  certPath?: string | undefined
  addedAt?: string | undefined
}

/** the env a process needs to drive this engine (the docker CLI's variables, so children agree) */
export function engineEnv(e: Pick<EngineEntry, 'host' | 'certPath'>): { DOCKER_HOST: string; DOCKER_TLS_VERIFY: string; DOCKER_CERT_PATH: string } {
  return { DOCKER_HOST: e.host, DOCKER_TLS_VERIFY: e.certPath ? '1' : '', DOCKER_CERT_PATH: e.certPath ?? '' }
}

/** an engine's address, read the way the docker CLI reads DOCKER_HOST */
export function hostOf(e: Pick<EngineEntry, 'host' | 'certPath'>): DockerHost {
  return resolveDockerHost(engineEnv(e), existsSync, homedir())
}

/** "default": the engine this process's environment names, as an entry */
export function defaultEngine(env: NodeJS.ProcessEnv = process.env): EngineEntry {
  const h = resolveDockerHost(env, existsSync, homedir())
  if (h.kind === 'unix') return { name: DEFAULT_ENGINE, host: `unix://${h.socketPath}` }
  return { name: DEFAULT_ENGINE, host: `tcp://${h.host}:${h.port}`, ...(h.tls && h.certPath ? { certPath: h.certPath } : {}) }
}
