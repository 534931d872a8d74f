import { describe, expect, it } from 'vitest'
import { LabError } from '@contract/errors'
import { resolveDockerHost } from './connect'

const none = (): boolean => false
const home = '/home/u'

describe('resolveDockerHost', () => {
  it('defaults to /var/run/docker.sock', () => {
    expect(resolveDockerHost({}, () => true, home)).toEqual({ kind: 'unix', socketPath: '/var/run/docker.sock', label: '/var/run/docker.sock' })
  })

  it('uses the Docker Desktop socket when only that exists', () => {
    const h = resolveDockerHost({}, (p) => p === '/home/u/.docker/run/docker.sock', home)
    expect(h).toMatchObject({ kind: 'unix', socketPath: '/home/u/.docker/run/docker.sock' })
  })

  it('honours unix:// in DOCKER_HOST', () => {
    expect(resolveDockerHost({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }, none, home)).toMatchObject({ kind: 'unix', socketPath: '/run/user/1000/docker.sock' })
  })

  it('honours tcp:// with the CLI default ports and TLS switch', () => {
    expect(resolveDockerHost({ DOCKER_HOST: 'tcp://10.0.0.5' }, none, home)).toEqual({ kind: 'tcp', host: '10.0.0.5', port: 2375, tls: false, label: 'tcp://10.0.0.5:2375' })
    expect(resolveDockerHost({ DOCKER_HOST: 'tcp://h:1234', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/c' }, none, home)).toEqual({
      kind: 'tcp',
      host: 'h',
      port: 1234,
      tls: true,
      certPath: '/c',
      label: 'tcp://h:1234',
    })
    expect(resolveDockerHost({ DOCKER_HOST: 'h', DOCKER_TLS_VERIFY: '1' }, none, home)).toMatchObject({ port: 2376, certPath: '/home/u/.docker' })
  })

  it('rejects schemes we cannot dial with a LabError', () => {
    expect(() => resolveDockerHost({ DOCKER_HOST: 'ssh://me@box' }, none, home)).toThrow(LabError)
    expect(() => resolveDockerHost({ DOCKER_HOST: 'ssh://me@box' }, none, home)).toThrow(/ssh:\/\//)
  })
})
