// Does a local Docker engine answer, asked over its unix socket with node's own http: the check every `up` makes
// before it places a lab. Loading dockerode for it cost 0.4-0.5 s of a no-op `up` (its ssh and TLS dependencies);
// one GET /version here takes milliseconds. tcp:// engines (TLS, remote) are asked through the full client.
import { request } from 'node:http'
import type { EngineStatus } from '@contract/status'
import type { DockerHost } from './docker-host'
import { apiVersionBelow, statusFromError, tooOldError } from './errors'

/** what the engine's GET /version says, as the gateway's status() would put it; never throws */
export function unixSocketStatus(host: Extract<DockerHost, { kind: 'unix' }>, timeoutMs = 5_000): Promise<EngineStatus> {
  return new Promise((resolve) => {
    const req = request({ socketPath: host.socketPath, path: '/version', method: 'GET', timeout: timeoutMs }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => (body += d))
      res.on('end', () => {
        try {
          if (res.statusCode !== 200) throw Object.assign(new Error(`Docker answered ${res.statusCode} to GET /version: ${body.trim().slice(0, 200)}`), { statusCode: res.statusCode })
          const v = JSON.parse(body) as { Version: string; ApiVersion: string }
          if (apiVersionBelow(v.ApiVersion)) return resolve({ ...statusFromError(tooOldError(v.Version, v.ApiVersion, host), host), version: v.Version, apiVersion: v.ApiVersion })
          resolve({ state: 'connected', message: `Docker ${v.Version} (API ${v.ApiVersion}) at ${host.label}`, host: host.label, version: v.Version, apiVersion: v.ApiVersion })
        } catch (e) {
          resolve(statusFromError(e, host))
        }
      })
    })
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer from ${host.label} within ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })))
    req.on('error', (e) => resolve(statusFromError(e, host)))
    req.end()
  })
}
