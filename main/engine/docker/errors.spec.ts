import { describe, expect, it } from 'vitest'
import { LabError } from '@contract/errors'
import type { DockerHost } from './connect'
import { apiVersionBelow, classifyDockerError, dockerMessage, isNotFound, isNotModified, statusFromError, tooOldError } from './errors'

const unix: DockerHost = { kind: 'unix', socketPath: '/var/run/docker.sock', label: '/var/run/docker.sock' }
const tcp: DockerHost = { kind: 'tcp', host: '10.0.0.5', port: 2375, tls: false, label: 'tcp://10.0.0.5:2375' }
const sysErr = (code: string): Error => Object.assign(new Error(`connect ${code} /var/run/docker.sock`), { code })
const httpErr = (status: number, message: string): Error =>
  Object.assign(new Error(`(HTTP code ${status}) unexpected - ${message} `), { statusCode: status, json: { message } })

describe('classifyDockerError', () => {
  it('a missing unix socket means no engine, with what to do', () => {
    const e = classifyDockerError(sysErr('ENOENT'), unix)
    expect(e.code).toBe('ENGINE_ABSENT')
    expect(e.message).toBe('No Docker engine answers at /var/run/docker.sock. Install Docker Engine or start Docker Desktop.')
  })

  it('permission errors are ENGINE_DENIED and mention the docker group', () => {
    for (const c of ['EACCES', 'EPERM']) {
      const e = classifyDockerError(sysErr(c), unix)
      expect(e.code).toBe('ENGINE_DENIED')
      expect(e.message).toContain('docker" group')
    }
  })

  it('a socket that refuses or times out means the daemon is stopped', () => {
    expect(classifyDockerError(sysErr('ECONNREFUSED'), unix).code).toBe('ENGINE_STOPPED')
    expect(classifyDockerError(sysErr('ETIMEDOUT'), unix).code).toBe('ENGINE_STOPPED')
  })

  it('tcp: refused or unresolvable is absent, a timeout is stopped', () => {
    const refused = classifyDockerError(sysErr('ECONNREFUSED'), tcp)
    expect(refused.code).toBe('ENGINE_ABSENT')
    expect(refused.message).toContain('tcp://10.0.0.5:2375')
    expect(classifyDockerError(sysErr('ENOTFOUND'), tcp).code).toBe('ENGINE_ABSENT')
    expect(classifyDockerError(sysErr('ETIMEDOUT'), tcp).code).toBe('ENGINE_STOPPED')
  })

  it('HTTP errors keep docker’s own words as ENGINE_ERROR', () => {
    const e = classifyDockerError(httpErr(500, 'driver failed programming external connectivity'), unix)
    expect(e.code).toBe('ENGINE_ERROR')
    expect(e.message).toBe('Docker (/var/run/docker.sock) said: driver failed programming external connectivity')
    expect(e.detail).toEqual({ status: 500 })
  })

  it('404 and 409 speak about the object: NOT_FOUND and REFUSED with docker’s words', () => {
    expect(classifyDockerError(httpErr(404, 'No such container: x'), unix)).toMatchObject({ code: 'NOT_FOUND', message: 'No such container: x' })
    expect(classifyDockerError(httpErr(409, 'Container abc is not running'), unix)).toMatchObject({ code: 'REFUSED', message: 'Container abc is not running' })
  })

  it('ENOENT from spawn or fs is not a missing engine', () => {
    const spawnErr = Object.assign(new Error('spawn tar ENOENT'), { code: 'ENOENT', syscall: 'spawn tar' })
    const e = classifyDockerError(spawnErr, unix)
    expect(e.code).toBe('ENGINE_ERROR')
    expect(e.message).toBe('spawn tar ENOENT')
    const sockErr = Object.assign(new Error('connect ENOENT /var/run/docker.sock'), { code: 'ENOENT', syscall: 'connect' })
    expect(classifyDockerError(sockErr, unix).code).toBe('ENGINE_ABSENT')
  })

  it('passes LabErrors through unchanged', () => {
    const mine = new LabError('BUILD_FAILED', 'x')
    expect(classifyDockerError(mine, unix)).toBe(mine)
  })
})

describe('helpers', () => {
  it('reads docker messages and status codes', () => {
    expect(dockerMessage(httpErr(404, 'No such container: abc'))).toBe('No such container: abc')
    expect(dockerMessage(new Error('(HTTP code 409) unexpected - conflict here '))).toBe('conflict here')
    expect(isNotFound(httpErr(404, 'x'))).toBe(true)
    expect(isNotFound(httpErr(500, 'x'))).toBe(false)
    expect(isNotModified(httpErr(304, ''))).toBe(true)
  })

  it('compares API versions numerically', () => {
    expect(apiVersionBelow('1.40')).toBe(true)
    expect(apiVersionBelow('1.9')).toBe(true)
    expect(apiVersionBelow('1.41')).toBe(false)
    expect(apiVersionBelow('1.47')).toBe(false)
    expect(apiVersionBelow('2.0')).toBe(false)
  })

  it('maps errors to engine states', () => {
    expect(statusFromError(sysErr('ENOENT'), unix).state).toBe('absent')
    expect(statusFromError(sysErr('EACCES'), unix).state).toBe('denied')
    expect(statusFromError(sysErr('ECONNREFUSED'), unix).state).toBe('stopped')
    expect(statusFromError(tooOldError('19.03.0', '1.40', unix), unix)).toMatchObject({ state: 'too-old', host: '/var/run/docker.sock' })
    expect(statusFromError(httpErr(500, 'boom'), unix).state).toBe('error')
  })
})
