// The engine socket keeps clients apart: each connection is a client, the clients a connection fronts (serve's
// browsers) are scoped to it, an event addressed to one of them reaches that connection alone (named for it),
// and a connection that closes takes all of its clients with it (their consoles close).
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectEngine, type EngineConnection } from './socket-client'
import { listenSocket, type ServiceHost, type SocketServer } from './socket-server'

const until = async (fn: () => boolean): Promise<void> => {
  for (let i = 0; i < 300 && !fn(); i++) await new Promise((r) => setTimeout(r, 10))
  if (!fn()) throw new Error('timed out')
}

describe.runIf(process.platform !== 'win32')('engine socket: clients', () => {
  const callers: string[] = []
  const gone: string[] = []
  const emitters = new Set<(ev: string, p: unknown, to?: string) => void>()
  const host: ServiceHost = {
    dispatch: async (_cmd, _arg, client) => (callers.push(client), { ok: true, value: client }),
    onAnyEvent: (fn) => (emitters.add(fn), () => emitters.delete(fn)),
    info: () => ({}),
    stop: () => undefined,
    clientGone: (c) => void gone.push(c),
  }
  const emit = (ev: string, p: unknown, to?: string): void => emitters.forEach((fn) => fn(ev, p, to))
  let server: SocketServer
  let path: string
  beforeAll(async () => {
    path = join(mkdtempSync(join(tmpdir(), 'racklab-sock-')), 'engine.sock')
    server = await listenSocket(path, host)
  })
  afterAll(() => server.close())

  const connect = async (): Promise<{ conn: EngineConnection; id: string; events: [string, unknown, string | undefined][] }> => {
    const conn = await connectEngine(path)
    const events: [string, unknown, string | undefined][] = []
    conn.onEvent((ev, p, to) => events.push([ev, p, to]))
    await conn.svc('subscribe')
    const r = await conn.call('engine.status')
    return { conn, id: (r as { value: string }).value, events }
  }

  it('scopes fronted clients to their connection and routes their events to it alone', async () => {
    const serve = await connect()
    const cli = await connect()
    expect(await serve.conn.call('console.open', {}, 'ws:a')).toEqual({ ok: true, value: `${serve.id}/ws:a` })
    // another connection naming the same client gets its own, distinct one
    expect(await cli.conn.call('console.open', {}, 'ws:a')).toEqual({ ok: true, value: `${cli.id}/ws:a` })

    emit('console.output', { sessionId: 's', data: 'for a' }, `${serve.id}/ws:a`)
    emit('console.output', { sessionId: 'all', data: '' })
    await until(() => serve.events.length === 2 && cli.events.length === 1)
    expect(serve.events).toEqual([
      ['console.output', { sessionId: 's', data: 'for a' }, 'ws:a'],
      ['console.output', { sessionId: 'all', data: '' }, undefined],
    ])
    expect(cli.events).toEqual([['console.output', { sessionId: 'all', data: '' }, undefined]])

    serve.conn.clientGone('ws:a')
    await until(() => gone.includes(`${serve.id}/ws:a`))
    await serve.conn.call('console.open', {}, 'ws:b')
    serve.conn.close()
    await until(() => gone.includes(serve.id))
    expect(gone).toContain(`${serve.id}/ws:b`)
    expect(gone.filter((g) => g.startsWith(cli.id))).toEqual([])
    cli.conn.close()
    await until(() => gone.includes(cli.id) && gone.includes(`${cli.id}/ws:a`))
  })
})
