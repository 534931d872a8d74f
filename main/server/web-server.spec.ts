// `racklab serve` answers malformed requests with 4xx instead of exiting, and checks Host and Origin on
// WebSocket upgrades as it does on plain requests. Raw sockets, because no client library sends these.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createDispatcher, type Handlers } from '../api/dispatcher'
import { EventBus } from '../engine/events/event-bus'
import { exchange, statusOf } from './fuzz/raw-exchange'
import { upgradeRequest } from './fuzz/ws-frames'
import { startWebServer, type WebServer } from './web-server'

const TOKEN = 'regression-token'
// engine.status answers something JSON cannot write, as a handler bug would
const handlers = new Proxy({} as Handlers, { get: (_t, cmd) => async () => (cmd === 'engine.status' ? { big: 1n } : {}) })

describe('racklab serve under malformed requests', () => {
  let web: WebServer
  let host: string
  const escaped: unknown[] = []
  const keep = (e: unknown): void => void escaped.push(e)
  beforeAll(async () => {
    process.on('unhandledRejection', keep)
    process.on('uncaughtException', keep)
    const dir = mkdtempSync(join(tmpdir(), 'racklab-web-'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>')
    web = await startWebServer({ dispatch: createDispatcher(handlers), bus: new EventBus(), staticDir: dir, version: 'test', token: TOKEN })
    host = `127.0.0.1:${web.port}`
  })
  afterAll(async () => {
    process.off('unhandledRejection', keep)
    process.off('uncaughtException', keep)
    await web.close()
  })
  afterEach(async () => {
    // give a throw in a handler its turn to surface before judging
    await new Promise((r) => setTimeout(r, 50))
    expect(escaped).toEqual([])
    expect((await fetch(`http://${host}/`)).status).toBe(200)
  })

  const get = (path: string, headers = `Host: ${host}\r\n`): Promise<number | undefined> =>
    exchange(web.port, [Buffer.from(`GET ${path} HTTP/1.1\r\n${headers}Connection: close\r\n\r\n`, 'latin1')]).then((x) => statusOf(x.reply))

  it('answers 400 to a path that is not valid percent-encoding (was: URIError, process exit)', async () => {
    expect(await get('/%E0%A4%A')).toBe(400)
    expect(await get('/%zz')).toBe(400)
    expect(await get('/a%00b')).toBe(400)
  })

  it('answers 400 to a request target that is not a path, and treats "//[" as the path it is', async () => {
    expect(await get('http://[/')).toBe(400)
    expect(await get('*')).toBe(400)
    expect(await get('//[')).toBe(404)
  })

  it('answers 400 to an upgrade whose URL cannot be parsed (was: TypeError in new URL, process exit)', async () => {
    const x = await exchange(web.port, [upgradeRequest('//[', { Host: host })])
    expect(statusOf(x.reply)).toBe(404)
    const bad = await exchange(web.port, [upgradeRequest('http://[/', { Host: host })])
    expect(statusOf(bad.reply)).toBe(400)
    const y = await exchange(web.port, [upgradeRequest(`/ws%E0%A4%A?token=${TOKEN}`, { Host: host })])
    expect(statusOf(y.reply)).toBe(404)
  })

  it('refuses an upgrade with a foreign Host (DNS rebinding) even with the right token', async () => {
    const x = await exchange(web.port, [upgradeRequest(`/ws?token=${TOKEN}`, { Host: 'evil.example' })])
    expect(statusOf(x.reply)).toBe(421)
    const ok = await exchange(web.port, [upgradeRequest(`/ws?token=${TOKEN}`, { Host: host })], { timeoutMs: 300 })
    expect(statusOf(ok.reply)).toBe(101)
  })

  it('refuses a foreign Origin on upgrades and on plain requests alike', async () => {
    const x = await exchange(web.port, [upgradeRequest(`/ws?token=${TOKEN}`, { Host: host, Origin: 'http://evil.example' })])
    expect(statusOf(x.reply)).toBe(403)
    expect(await get('/', `Host: ${host}\r\nOrigin: http://evil.example\r\n`)).toBe(403)
    expect(await get('/', `Host: ${host}\r\nOrigin: http://${host}\r\n`)).toBe(200)
  })

  it('answers a call whose reply cannot be serialized with an error instead of an unhandled rejection', async () => {
    const reply = await new Promise<unknown>((resolve, reject) => {
      const ws = new WebSocket(`ws://${host}/ws?token=${TOKEN}`)
      ws.on('open', () => ws.send(JSON.stringify({ t: 'call', id: 9, cmd: 'engine.status' })))
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString()) as { t: string }
        if (m.t !== 'reply') return
        ws.close()
        resolve(m)
      })
      ws.on('error', reject)
    })
    expect(reply).toMatchObject({ t: 'reply', id: 9, ok: false, error: { code: 'INTERNAL', message: expect.stringContaining('BigInt') } })
  })
})
