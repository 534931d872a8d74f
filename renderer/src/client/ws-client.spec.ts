import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ConnectionState } from './types'
import type { WsLike } from './ws-client'
import { createWsClient, tokenFrom, wsUrlFor } from './ws-client'

/** A WebSocket stand-in: records sent frames, lets the test open, answer and close it. */
class FakeSocket implements WsLike {
  static all: FakeSocket[] = []
  readyState = 0
  sent: Record<string, unknown>[] = []
  onopen: WsLike['onopen'] = null
  onclose: WsLike['onclose'] = null
  onmessage: WsLike['onmessage'] = null
  onerror: WsLike['onerror'] = null
  constructor(readonly url: string) {
    FakeSocket.all.push(this)
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>)
  }
  close(): void {
    this.serverClose(1000, '')
  }
  open(): void {
    this.readyState = 1
    this.onopen?.({})
  }
  serverSend(msg: unknown): void {
    this.onmessage?.({ data: JSON.stringify(msg) })
  }
  serverClose(code = 1006, reason = ''): void {
    if (this.readyState === 3) return
    this.readyState = 3
    this.onclose?.({ code, reason })
  }
}
const last = (): FakeSocket => {
  const s = FakeSocket.all.at(-1)
  if (!s) throw new Error('no socket was created')
  return s
}
const start = () => createWsClient({ url: 'ws://127.0.0.1:7070/ws?token=abc', WebSocket: FakeSocket })

beforeEach(() => {
  FakeSocket.all = []
  vi.useFakeTimers()
})
afterEach(() => vi.useRealTimers())

describe('ws client', () => {
  it('builds the socket URL from the page address and its token', () => {
    expect(tokenFrom({ search: '?token=s3cr%2Ft', hash: '' })).toBe('s3cr/t')
    expect(tokenFrom({ search: '', hash: '#token=h1' })).toBe('h1')
    expect(wsUrlFor({ protocol: 'http:', host: '127.0.0.1:7070', search: '?token=a b', hash: '' })).toBe('ws://127.0.0.1:7070/ws?token=a%20b')
    expect(wsUrlFor({ protocol: 'https:', host: 'lab.local', search: '', hash: '#token=t' })).toBe('wss://lab.local/ws?token=t')
    // a workshop page names its lab: the socket goes to that lab (the server judges whether the token may)
    expect(wsUrlFor({ protocol: 'http:', host: '127.0.0.1:7070', search: '?lab=ws-2&token=t', hash: '' })).toBe('ws://127.0.0.1:7070/ws?token=t&lab=ws-2')
  })

  it('queues calls made while connecting, sends them on open and resolves by reply id', async () => {
    const client = start()
    expect(last().url).toBe('ws://127.0.0.1:7070/ws?token=abc')
    const a = client.call('lab.up', { only: ['mx1'] })
    const b = client.call('engine.status')
    expect(last().sent).toEqual([])
    last().open()
    expect(last().sent).toEqual([
      { t: 'call', id: 1, cmd: 'lab.up', arg: { only: ['mx1'] } },
      { t: 'call', id: 2, cmd: 'engine.status' },
    ])
    // replies may come back in any order
    last().serverSend({ t: 'reply', id: 2, ok: true, value: { state: 'connected', message: 'ok', host: '/var/run/docker.sock' } })
    last().serverSend({ t: 'reply', id: 1, ok: false, error: { code: 'BUSY', message: 'down is running' } })
    await expect(b).resolves.toMatchObject({ state: 'connected' })
    await expect(a).rejects.toMatchObject({ name: 'ClientError', code: 'BUSY', message: 'down is running' })
  })

  it('dispatches events to listeners of that event only, until unsubscribed', () => {
    const client = start()
    last().open()
    const progress: number[] = []
    const journal: string[] = []
    const off = client.on('op.progress', (p) => progress.push(p.current))
    client.on('journal.appended', (j) => journal.push(j.text))
    last().serverSend({ t: 'event', ev: 'op.progress', payload: { opId: 'o', kind: 'up', phase: 'build', current: 2, max: 5, text: '' } })
    last().serverSend({ t: 'event', ev: 'journal.appended', payload: { seq: 1, at: '', labMs: 0, kind: 'op', text: 'up started' } })
    off()
    last().serverSend({ t: 'event', ev: 'op.progress', payload: { opId: 'o', kind: 'up', phase: 'build', current: 3, max: 5, text: '' } })
    expect(progress).toEqual([2])
    expect(journal).toEqual(['up started'])
  })

  it('rejects pending calls when the socket closes and reconnects with growing backoff', async () => {
    const client = start()
    const states: ConnectionState[] = []
    client.onConnection((c) => states.push(c.state))
    last().open()
    const pending = client.call('lab.check')
    last().serverClose(1006, '')
    await expect(pending).rejects.toMatchObject({ code: 'DISCONNECTED' })
    expect(client.connection).toEqual({ state: 'closed', reason: 'connection lost' })
    await expect(client.call('lab.status')).rejects.toMatchObject({ code: 'DISCONNECTED' })

    expect(FakeSocket.all).toHaveLength(1)
    vi.advanceTimersByTime(499)
    expect(FakeSocket.all).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(FakeSocket.all).toHaveLength(2) // 0.5 s
    last().serverClose()
    vi.advanceTimersByTime(1000)
    expect(FakeSocket.all).toHaveLength(3) // 1 s
    for (const wait of [2000, 4000, 5000, 5000]) {
      last().serverClose()
      vi.advanceTimersByTime(wait - 1)
      const before = FakeSocket.all.length
      vi.advanceTimersByTime(1)
      expect(FakeSocket.all.length).toBe(before + 1)
    }
    last().open()
    expect(states.at(-1)).toBe('open')
    expect(states.slice(0, 3)).toEqual(['open', 'closed', 'connecting'])
  })

  it('explains a refused first connection with the hint it was given', () => {
    const client = createWsClient({ url: 'ws://127.0.0.1:7070/ws', WebSocket: FakeSocket, hint: 'the page address has no ?token=' })
    last().serverClose(1006, '')
    expect(client.connection.reason).toBe('could not connect to ws://127.0.0.1:7070/ws — the page address has no ?token=')
  })

  it('resets the backoff after a successful open and keeps the server close reason', () => {
    const client = start()
    last().serverClose(1008, 'bad token')
    expect(client.connection).toEqual({ state: 'closed', reason: 'bad token' })
    vi.advanceTimersByTime(500)
    last().serverClose()
    vi.advanceTimersByTime(1000)
    last().open()
    last().serverClose()
    vi.advanceTimersByTime(500)
    expect(FakeSocket.all).toHaveLength(4)
  })

  it('close() stops reconnecting and rejects what was pending', async () => {
    const client = start()
    last().open()
    const p = client.call('lab.status')
    client.close()
    await expect(p).rejects.toMatchObject({ code: 'DISCONNECTED' })
    vi.advanceTimersByTime(60_000)
    expect(FakeSocket.all).toHaveLength(1)
    expect(client.connection.state).toBe('closed')
  })

  it('records the server version from hello and ignores garbage frames', () => {
    const client = start()
    last().open()
    last().onmessage?.({ data: 'not json' })
    last().serverSend({ t: 'reply', id: 99, ok: true, value: 1 })
    last().serverSend({ t: 'hello', version: '0.1.0' })
    expect(client.serverVersion).toBe('0.1.0')
  })
})
