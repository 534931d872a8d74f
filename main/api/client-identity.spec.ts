// Both transports give every call the id of the client that made it, deliver an event addressed to one
// client to that client alone, and report the client gone when its connection or page ends.
import { EventEmitter } from 'node:events'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { EngineStatus } from '@contract/status'
import { IPC_EVENT, type ServerMsg } from '@contract/wire'
import { startWebServer, type WebServer } from '../server/web-server'
import { attachIpcTransport, type IpcMainLike, type SenderLike } from '../shell/ipc-transport'
import { createDispatcher, type CallContext, type Handlers } from './dispatcher'
import { EventBus } from '../engine/events/event-bus'

const engine: EngineStatus = { state: 'connected', message: 'ok', host: 'test' }
const callers: string[] = []
const gone: string[] = []
const handlers = new Proxy({} as Handlers, {
  get: () => async (_arg: unknown, ctx: CallContext) => (callers.push(ctx.client), engine),
})
const dispatch = createDispatcher(handlers, (c) => gone.push(c))
const until = async <T>(fn: () => T | undefined): Promise<T> => {
  for (let i = 0; i < 300; i++) {
    const v = fn()
    if (v !== undefined && v !== false) return v
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error('timed out')
}

describe('WebSocket: one client per connection', () => {
  const bus = new EventBus()
  let web: WebServer
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'racklab-web-'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>')
    web = await startWebServer({ dispatch, bus, staticDir: dir, version: 'test', token: 'tok' })
  })
  afterAll(() => web.close())

  const connect = (): Promise<{ ws: WebSocket; msgs: ServerMsg[]; client: string }> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws?token=tok`)
      const msgs: ServerMsg[] = []
      ws.on('message', (d) => msgs.push(JSON.parse(d.toString()) as ServerMsg))
      ws.on('error', reject)
      ws.on('open', () => {
        // the first call tells us which client id the server gave this connection
        const before = callers.length
        ws.send(JSON.stringify({ t: 'call', id: 1, cmd: 'engine.status' }))
        void until(() => callers.length > before && msgs.some((m) => m.t === 'reply')).then(() => resolve({ ws, msgs, client: callers.at(-1)! }), reject)
      })
    })

  it('addressed events reach only their client; closing the socket reports that client gone', async () => {
    const a = await connect()
    const b = await connect()
    expect(a.client).not.toBe(b.client)
    bus.emit('console.output', { sessionId: 's-a', data: 'secret' }, a.client)
    bus.emit('console.output', { sessionId: 's-all', data: 'x' })
    await until(() => b.msgs.some((m) => m.t === 'event' && (m.payload as { sessionId: string }).sessionId === 's-all'))
    await until(() => a.msgs.some((m) => m.t === 'event' && (m.payload as { sessionId: string }).sessionId === 's-all'))
    const sessionsSeen = (msgs: ServerMsg[]): string[] => msgs.flatMap((m) => (m.t === 'event' ? [(m.payload as { sessionId: string }).sessionId] : []))
    expect(sessionsSeen(a.msgs)).toEqual(['s-a', 's-all'])
    expect(sessionsSeen(b.msgs)).toEqual(['s-all'])

    a.ws.close()
    await until(() => gone.includes(a.client))
    expect(gone).not.toContain(b.client)
    b.ws.terminate()
    await until(() => gone.includes(b.client))
  })
})

describe('IPC: one client per page load', () => {
  class FakeIpcMain implements IpcMainLike {
    fn: Parameters<IpcMainLike['handle']>[1] | undefined
    handle(_c: string, fn: Parameters<IpcMainLike['handle']>[1]): void {
      this.fn = fn
    }
    removeHandler(): void {
      this.fn = undefined
    }
  }
  class FakeContents extends EventEmitter implements SenderLike {
    id = 7
    sent: unknown[][] = []
    send(...a: unknown[]): void {
      this.sent.push(a)
    }
    isDestroyed(): boolean {
      return false
    }
  }

  it('a reload is a new client and the old one is gone; addressed events go to the current page only', async () => {
    const ipc = new FakeIpcMain()
    const wc = new FakeContents()
    const bus = new EventBus()
    attachIpcTransport(ipc, dispatch, bus, () => wc, (frame) => !!frame && frame.url.startsWith('file://'))
    const call = async (): Promise<string> => {
      await ipc.fn!({ senderFrame: { url: 'file:///app/index.html', processId: 1, routingId: 1 }, sender: wc }, 'engine.status', undefined)
      return callers.at(-1)!
    }
    const first = await call()
    expect(await call()).toBe(first)
    bus.emit('console.output', { sessionId: 's1', data: 'a' }, first)
    expect(wc.sent.at(-1)).toEqual([IPC_EVENT, 'console.output', { sessionId: 's1', data: 'a' }])

    wc.emit('did-navigate') // reload
    expect(gone).toContain(first)
    bus.emit('console.output', { sessionId: 's1', data: 'b' }, first)
    expect(wc.sent).toHaveLength(1)
    const second = await call()
    expect(second).not.toBe(first)
    bus.emit('console.output', { sessionId: 's2', data: 'c' }, second)
    expect(wc.sent).toHaveLength(2)

    wc.emit('render-process-gone')
    expect(gone).toContain(second)
  })
})
