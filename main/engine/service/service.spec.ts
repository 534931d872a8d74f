import { mkdtempSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { acquireLock, readLock } from './lock'
import { resilient } from './resilient'
import { connectEngine } from './socket-client'
import { listenSocket, type ServiceHost } from './socket-server'

const dir = (): string => mkdtempSync(join(tmpdir(), 'racklab-svc-'))

function host(): ServiceHost & { emit(ev: string, p: unknown): void; stopped: number; gone: string[] } {
  const fns = new Set<(ev: string, p: unknown) => void>()
  const h = {
    stopped: 0,
    gone: [] as string[],
    dispatch: async (cmd: unknown, arg: unknown, client: string) => (cmd === 'echo' ? { ok: true as const, value: { arg, client } } : { ok: false as const, error: { code: 'UNKNOWN_COMMAND' as const, message: `unknown ${String(cmd)}` } }),
    onAnyEvent: (fn: (ev: string, p: unknown) => void) => (fns.add(fn), () => void fns.delete(fn)),
    info: () => ({ pid: process.pid }),
    stop: () => void h.stopped++,
    clientGone: (c: string) => void h.gone.push(c),
    emit: (ev: string, p: unknown) => fns.forEach((f) => f(ev, p)),
  }
  return h
}

describe('engine socket', () => {
  it('answers calls per connection, forwards events to subscribers, and survives garbage', async () => {
    const path = join(dir(), 'e.sock')
    const h = host()
    const srv = await listenSocket(path, h)
    const c = await connectEngine(path)
    expect(await c.call('echo', { a: 1 })).toMatchObject({ ok: true, value: { arg: { a: 1 } } })
    expect(await c.call('nope')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } })
    const seen: unknown[] = []
    c.onEvent((ev, p) => seen.push([ev, p]))
    await c.svc('subscribe')
    h.emit('lab.changed', { x: 1 })
    await new Promise((r) => setTimeout(r, 50))
    expect(seen).toEqual([['lab.changed', { x: 1 }]])
    // a client that sends garbage is dropped; the others go on
    const bad = connect(path)
    await new Promise((r) => bad.once('connect', r))
    bad.write('{not json\n')
    await new Promise((r) => bad.once('close', r))
    expect(await c.call('echo', 2)).toMatchObject({ ok: true })
    expect(await c.svc('info')).toMatchObject({ ok: true, value: { pid: process.pid } })
    c.close()
    await new Promise((r) => setTimeout(r, 50))
    expect(h.gone.length).toBeGreaterThanOrEqual(2)
    await srv.close()
  })

  it('an open call on an engine that goes away is answered with an error, never a hang', async () => {
    const path = join(dir(), 'e.sock')
    const h = host()
    h.dispatch = () => new Promise(() => undefined) // never answers
    const srv = await listenSocket(path, h)
    const c = await connectEngine(path)
    const call = c.call('echo')
    await srv.close()
    expect(await call).toMatchObject({ ok: false, error: { code: 'ENGINE_ERROR', message: expect.stringContaining('closed the connection') } })
  })

  it('a resilient connection starts the engine again and resumes events', async () => {
    const path = join(dir(), 'e.sock')
    let h = host()
    let srv = await listenSocket(path, h)
    const seen: string[] = []
    const conn = resilient(await connectEngine(path), () => connectEngine(path))
    conn.onEvent((ev) => seen.push(ev))
    await conn.svc('subscribe')
    await srv.close() // the engine dies…
    h = host()
    srv = await listenSocket(path, h) // …and a new one comes up
    expect(await conn.call('echo', 1)).toMatchObject({ ok: true })
    await new Promise((r) => setTimeout(r, 100))
    h.emit('op.done', {})
    await new Promise((r) => setTimeout(r, 50))
    expect(seen).toContain('op.done')
    conn.close()
    await srv.close()
  })
})

describe('engine lock', () => {
  it('one holder at a time; a stale lock (dead pid) or a torn one is taken over', () => {
    const file = join(dir(), 'engine.lock')
    const info = { pid: process.pid, socket: 's', labId: 'l', build: 'b', topology: 'embedded', docker: 'default', startedAt: 'now' }
    const a = acquireLock(file, info)
    expect(a.ok).toBe(true)
    const b = acquireLock(file, { ...info })
    expect(b).toMatchObject({ ok: false, holder: { pid: process.pid } })
    if (a.ok) a.release()
    expect(readLock(file)).toBeUndefined()
    writeFileSync(file, JSON.stringify({ ...info, pid: 2 ** 22 + 12345 })) // no such process
    expect(acquireLock(file, info).ok).toBe(true)
    writeFileSync(file, '{"pid": 12') // torn
    expect(readLock(file)).toBeUndefined()
  })
})
