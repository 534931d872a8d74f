import { createServer, type Server } from 'node:http'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { unixSocketStatus } from './socket-status'

const host = (socketPath: string) => ({ kind: 'unix' as const, socketPath, label: socketPath })
let server: Server | undefined
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())))

async function engineAnswering(status: number, body: string): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'racklab-sock-')), 'docker.sock')
  server = createServer((req, res) => {
    res.writeHead(req.url === '/version' ? status : 404, { 'content-type': 'application/json' })
    res.end(req.url === '/version' ? body : '{}')
  })
  await new Promise<void>((r) => server!.listen(path, r))
  return path
}

describe('unixSocketStatus', () => {
  it('is connected with the version the engine gives', async () => {
    const p = await engineAnswering(200, JSON.stringify({ Version: '20.10.24', ApiVersion: '1.41' }))
    expect(await unixSocketStatus(host(p))).toMatchObject({ state: 'connected', version: '20.10.24', apiVersion: '1.41', host: p })
  })

  it('says too-old for an API below what Racklab needs', async () => {
    const p = await engineAnswering(200, JSON.stringify({ Version: '17.03.0', ApiVersion: '1.26' }))
    const s = await unixSocketStatus(host(p))
    expect(s.state).toBe('too-old')
    expect(s.message).toMatch(/API 1\.26/)
  })

  it('says absent when no socket is there, naming it', async () => {
    const p = join(mkdtempSync(join(tmpdir(), 'racklab-sock-')), 'none.sock')
    const s = await unixSocketStatus(host(p))
    expect(s.state).toBe('absent')
    expect(s.message).toContain(p)
  })

  it('reports an engine that answers with an error, not connected', async () => {
    const p = await engineAnswering(500, '{"message":"boom"}')
    const s = await unixSocketStatus(host(p))
    expect(s.state).not.toBe('connected')
    expect(s.message).toMatch(/500|boom/)
  })
})
