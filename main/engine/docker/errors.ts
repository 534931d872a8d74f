// Turns dockerode/socket failures into LabErrors a person can act on. A raw
// "connect ENOENT /var/run/docker.sock" tells nobody what to do (vscode-docker#189).
import { LabError, type ErrorCode } from '@contract/errors'
import type { EngineState, EngineStatus } from '@contract/status'
import type { DockerHost } from './connect'

export const MIN_API_VERSION = '1.41'

interface ErrLike {
  code?: unknown
  syscall?: unknown
  statusCode?: unknown
  message?: unknown
  json?: unknown
}

function asErr(e: unknown): ErrLike {
  return typeof e === 'object' && e !== null ? (e as ErrLike) : { message: String(e) }
}

/** The engine's own words for an HTTP error ({"message": "..."}), else the error text. */
export function dockerMessage(e: unknown): string {
  const err = asErr(e)
  const json = err.json
  if (typeof json === 'object' && json !== null && typeof (json as { message?: unknown }).message === 'string') {
    return (json as { message: string }).message
  }
  if (typeof json === 'string' && json.trim()) return json.trim()
  const msg = typeof err.message === 'string' ? err.message : String(e)
  // dockerode wraps as "(HTTP code 404) no such container - <cause> "
  return msg.replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, '').trim()
}

export function httpStatus(e: unknown): number | undefined {
  const s = asErr(e).statusCode
  return typeof s === 'number' ? s : undefined
}

export const isNotFound = (e: unknown): boolean => httpStatus(e) === 404
/** 304: already started / already stopped — the wanted state holds. */
export const isNotModified = (e: unknown): boolean => httpStatus(e) === 304

const CONNECTION_CODES = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'EPERM', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EAI_AGAIN'])

/** True when the failure is about reaching the engine rather than about the request. */
export function isConnectionError(e: unknown): boolean {
  const code = asErr(e).code
  return typeof code === 'string' && CONNECTION_CODES.has(code)
}

/** Classify any failure talking to Docker. `host` names where we looked, for the message. */
export function classifyDockerError(e: unknown, host: DockerHost): LabError {
  if (e instanceof LabError) return e
  const err = asErr(e)
  // ENOENT from `spawn tar` or an fs call is not a missing socket: only socket-level codes count
  const socketLevel = typeof err.syscall !== 'string' || /^(connect|read|write|getaddrinfo)/.test(err.syscall)
  const code = socketLevel ? err.code : undefined
  const where = host.label
  const start = 'Install Docker Engine or start Docker Desktop.'
  if (host.kind === 'unix') {
    if (code === 'ENOENT') return new LabError('ENGINE_ABSENT', `No Docker engine answers at ${where}. ${start}`, { code })
    if (code === 'EACCES' || code === 'EPERM')
      return new LabError('ENGINE_DENIED', `You may not use the Docker socket ${where}. Add your user to the "docker" group (usermod -aG docker $USER) and log in again, or run as root.`, { code })
    if (code === 'ECONNREFUSED' || code === 'ETIMEDOUT' || code === 'ECONNRESET')
      return new LabError('ENGINE_STOPPED', `The Docker socket ${where} exists but the daemon does not answer. Start it (systemctl start docker) or start Docker Desktop.`, { code })
  } else {
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EAI_AGAIN')
      return new LabError('ENGINE_ABSENT', `No Docker engine answers at ${where} (DOCKER_HOST). Check the address, or unset DOCKER_HOST to use the local socket.`, { code })
    if (code === 'ETIMEDOUT' || code === 'ECONNRESET')
      return new LabError('ENGINE_STOPPED', `The Docker engine at ${where} does not answer in time. Check that the daemon runs and the port is reachable.`, { code })
    if (code === 'EACCES' || code === 'EPERM')
      return new LabError('ENGINE_DENIED', `The Docker engine at ${where} refused us. Check DOCKER_TLS_VERIFY and the certificates in DOCKER_CERT_PATH.`, { code })
  }
  const status = httpStatus(e)
  const msg = dockerMessage(e)
  // 404 and 409 are about the object, not the engine: "No such container", "is not running"
  if (status === 404) return new LabError('NOT_FOUND', msg, { status })
  if (status === 409) return new LabError('REFUSED', msg, { status })
  if (status === undefined && !socketLevel) return new LabError('ENGINE_ERROR', msg, { code: err.code, syscall: err.syscall })
  return new LabError('ENGINE_ERROR', `Docker (${where}) said: ${msg}`, status === undefined ? { code } : { status })
}

/** Compare dotted API versions numerically ("1.9" < "1.41"). */
export function apiVersionBelow(version: string, min: string = MIN_API_VERSION): boolean {
  const a = version.split('.').map((n) => Number.parseInt(n, 10) || 0)
  const b = min.split('.').map((n) => Number.parseInt(n, 10) || 0)
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0)
    if (d !== 0) return d < 0
  }
  return false
}

export function tooOldError(version: string, apiVersion: string, host: DockerHost): LabError {
  return new LabError('ENGINE_TOO_OLD', `Docker ${version} at ${host.label} speaks API ${apiVersion}; Racklab needs API ${MIN_API_VERSION} (Docker 20.10) or newer. Upgrade Docker Engine.`, { version, apiVersion })
}

const STATE_OF: Partial<Record<ErrorCode, EngineState>> = {
  ENGINE_ABSENT: 'absent',
  ENGINE_DENIED: 'denied',
  ENGINE_STOPPED: 'stopped',
  ENGINE_TOO_OLD: 'too-old',
}

/** An EngineStatus describing a failure (never throws). */
export function statusFromError(e: unknown, host: DockerHost): EngineStatus {
  const err = classifyDockerError(e, host)
  return { state: STATE_OF[err.code] ?? 'error', message: err.message, host: host.label }
}
