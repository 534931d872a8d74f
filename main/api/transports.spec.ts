// The contract round-trips over both transports: WebSocket for real, IPC with an EventEmitter stand-in.
import { EventEmitter } from 'node:events'
import { request } from 'node:http'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { LabError } from '@contract/errors'
import { IPC_CALL, IPC_EVENT, MAX_PAYLOAD, type ServerMsg } from '@contract/wire'
import type { EngineStatus, ServerStatus } from '@contract/status'
import { createDispatcher, type Handlers } from './dispatcher'
import { EventBus } from '../engine/events/event-bus'
import { startWebServer, type WebServer } from '../server/web-server'
import { ipcSenderAllowed, type FrameLike } from '../shell/ipc-sender'
import { attachIpcTransport, type IpcMainLike } from '../shell/ipc-transport'

const engine: EngineStatus = { state: 'connected', message: 'Docker 20.10 answers', host: 'unix:///var/run/docker.sock' }
const server: ServerStatus = { id: 'db2', role: 'db', site: 'nyi', rack: 'nyi-2', model: 'ibm-x346', image: 'racklab/db:x', imageState: 'built', state: 'stopped', health: 'unknown', ips: {} }
const calls: unknown[] = []
const handlers = new Proxy({} as Handlers, {
  get: (_t, cmd: string) => async (arg: unknown) => {
    calls.push([cmd, arg])
    if (cmd === 'engine.status') return engine
    if (cmd === 'server.control') return server
    throw new LabError('REFUSED', `cannot ${cmd} in this test`)
  },
})
const dispatch = createDispatcher(handlers)

describe('WebSocket transport', () => {
  const bus = new EventBus()
  let web: WebServer
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'racklab-web-'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>')
    web = await startWebServer({ dispatch, bus, staticDir: dir, version: 'test', token: 'secret-token' })
  })
  afterAll(() => web.close())

  const open = (token = 'secret-token', origin?: string): Promise<{ ws: WebSocket; msgs: ServerMsg[] }> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws?token=${token}`, origin ? { origin } : {})
      const msgs: ServerMsg[] = []
      ws.on('message', (d) => msgs.push(JSON.parse(d.toString()) as ServerMsg))
      ws.on('open', () => resolve({ ws, msgs }))
      ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
      ws.on('error', reject)
    })
  const until = async <T>(fn: () => T | undefined): Promise<T> => {
    for (let i = 0; i < 200; i++) {
      const v = fn()
      if (v !== undefined) return v
      await new Promise((r) => setTimeout(r, 10))
    }
    throw new Error('timed out')
  }

  it('binds 127.0.0.1 and prints a URL with the token', () => {
    expect(web.url).toBe(`http://127.0.0.1:${web.port}/?token=secret-token`)
  })

  it('answers a call, validates arguments and reports errors as data', async () => {
    const { ws, msgs } = await open()
    ws.send(JSON.stringify({ t: 'call', id: 1, cmd: 'engine.status' }))
    ws.send(JSON.stringify({ t: 'call', id: 2, cmd: 'server.control', arg: { server: 'db2', op: 'explode' } }))
    ws.send(JSON.stringify({ t: 'call', id: 3, cmd: 'no.such' }))
    ws.send(JSON.stringify({ t: 'call', id: 4, cmd: 'lab.logs' }))
    ws.send(JSON.stringify({ t: 'call', id: 5, cmd: 'op.cancel', arg: { opId: 'x' } }))
    const reply = (id: number): Promise<ServerMsg> => until(() => msgs.find((m) => m.t === 'reply' && m.id === id))
    expect(await reply(1)).toEqual({ t: 'reply', id: 1, ok: true, value: engine })
    const bad = await reply(2)
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
    expect(JSON.stringify(bad)).toContain('op:')
    expect(await reply(3)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } })
    expect(await reply(5)).toMatchObject({ ok: false, error: { code: 'REFUSED', message: 'cannot op.cancel in this test' } })
    expect(msgs[0]).toEqual({ t: 'hello', version: 'test' })
    ws.close()
  })

  it('fans events out to every client', async () => {
    const a = await open()
    const b = await open()
    bus.emit('engine.changed', engine)
    for (const c of [a, b]) expect(await until(() => c.msgs.find((m) => m.t === 'event'))).toEqual({ t: 'event', ev: 'engine.changed', payload: engine })
    a.ws.close()
    b.ws.close()
  })

  it('refuses a wrong token and a foreign origin', async () => {
    await expect(open('wrong')).rejects.toThrow('HTTP 401')
    await expect(open('secret-token', 'http://evil.example')).rejects.toThrow('HTTP 403')
    const ok = await open('secret-token', `http://127.0.0.1:${web.port}`)
    ok.ws.close()
  })

  it('closes a connection that sends more than the maximum payload', async () => {
    const { ws } = await open()
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)))
    ws.send('x'.repeat(MAX_PAYLOAD + 10))
    expect(await closed).toBe(1009)
  })

  it('refuses requests for a foreign Host header (DNS rebinding)', async () => {
    const status = await new Promise<number | undefined>((resolve, reject) =>
      request({ host: '127.0.0.1', port: web.port, path: '/', headers: { host: 'evil.example' } }, (res) => resolve(res.statusCode)).on('error', reject).end(),
    )
    expect(status).toBe(421)
    const ok = await fetch(`http://127.0.0.1:${web.port}/`)
    expect(ok.status).toBe(200)
    expect(await (await fetch(`http://127.0.0.1:${web.port}/../../etc/passwd`)).status).not.toBe(200)
  })
})

describe('IPC transport', () => {
  class FakeIpcMain extends EventEmitter implements IpcMainLike {
    handlers = new Map<string, Parameters<IpcMainLike['handle']>[1]>()
    handle(channel: string, fn: Parameters<IpcMainLike['handle']>[1]): void {
      this.handlers.set(channel, fn)
    }
    removeHandler(channel: string): void {
      this.handlers.delete(channel)
    }
    invoke(senderFrame: FrameLike | null, ...args: unknown[]): Promise<unknown> {
      return this.handlers.get(IPC_CALL)!({ senderFrame }, ...args)
    }
  }
  const sent: unknown[][] = []
  const wc = { send: (...a: unknown[]) => void sent.push(a), isDestroyed: () => false }

  it('round-trips calls, errors and events; refuses frames that are not the app', async () => {
    const ipc = new FakeIpcMain()
    const bus = new EventBus()
    const main: FrameLike = { url: 'file:///app/index.html', processId: 4, routingId: 1 }
    const detach = attachIpcTransport(ipc, dispatch, bus, () => wc, (f) => ipcSenderAllowed(f, main, (u) => u === 'file:///app/index.html'))
    expect(await ipc.invoke(main, 'engine.status', undefined)).toEqual({ ok: true, value: engine })
    expect(await ipc.invoke(main, 'server.control', { server: 'db2', op: 'stop' })).toEqual({ ok: true, value: server })
    expect(await ipc.invoke(main, 'server.control', { server: 'db2' })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
    const handled = calls.length
    expect(await ipc.invoke({ ...main, url: 'https://evil.example/' }, 'engine.status', undefined)).toMatchObject({ ok: false, error: { code: 'REFUSED' } })
    // a frame that navigated or died after sending: Electron hands over null
    expect(await ipc.invoke(null, 'engine.status', undefined)).toMatchObject({ ok: false, error: { code: 'REFUSED' } })
    // a subframe or another window of the same page
    expect(await ipc.invoke({ ...main, routingId: 7 }, 'engine.status', undefined)).toMatchObject({ ok: false, error: { code: 'REFUSED' } })
    expect(calls.length, 'a refused call reached a handler').toBe(handled)
    bus.emit('lab.changed', { labId: 'l', topology: 't', engine, servers: [server] })
    expect(sent.at(-1)).toEqual([IPC_EVENT, 'lab.changed', { labId: 'l', topology: 't', engine, servers: [server] }])
    detach()
    expect(ipc.handlers.size).toBe(0)
    bus.emit('engine.changed', engine)
    expect(sent.at(-1)?.[1]).toBe('lab.changed')
  })
})
