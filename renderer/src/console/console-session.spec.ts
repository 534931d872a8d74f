import { describe, expect, it } from 'vitest'
import { ClientError } from '../client/client-error'
import { createFakeClient } from '../testing/fake-client'
import { flush } from '../testing/flush'
import { ConsoleSession, type SessionSink } from './console-session'

function sink(): SessionSink & { out: string; exits: Array<number | null>; errors: string[] } {
  const s = { out: '', exits: [] as Array<number | null>, errors: [] as string[], write: (d: string) => void (s.out += d), exited: (c: number | null) => void s.exits.push(c), failed: (m: string) => void s.errors.push(m) }
  return s
}

describe('console session', () => {
  it('opens with the terminal size, replays output that beat the reply, and ignores other sessions', async () => {
    const client = createFakeClient()
    const out = sink()
    let release: (v: { sessionId: string }) => void = () => {}
    client.answer('console.open', () => new Promise((r) => (release = r)))
    const s = new ConsoleSession(client, 'db1', out)
    const opening = s.open(120, 30)
    expect(client.callsOf('console.open')).toEqual([{ server: 'db1', cols: 120, rows: 30 }])
    client.emit('console.output', { sessionId: 's-1', data: 'root@db1:/# ' })
    client.emit('console.output', { sessionId: 's-other', data: 'not mine' })
    release({ sessionId: 's-1' })
    await opening
    client.emit('console.output', { sessionId: 's-1', data: 'hostname\r\ndb1\r\n' })
    client.emit('console.output', { sessionId: 's-other', data: 'still not mine' })
    expect(out.out).toBe('root@db1:/# hostname\r\ndb1\r\n')
    expect(s.state).toBe('open')
  })

  it('forwards input and resizes, and closes the session on the server once', async () => {
    const client = createFakeClient()
    client.answer('console.open', () => ({ sessionId: 's-2' }))
    client.answer('console.input', () => null)
    client.answer('console.resize', () => null)
    client.answer('console.close', () => null)
    const out = sink()
    const s = new ConsoleSession(client, 'db1', out)
    await s.open(80, 24)
    s.input('ls\r')
    s.resize(100, 40)
    await s.close()
    await s.close()
    expect(client.callsOf('console.input')).toEqual([{ sessionId: 's-2', data: 'ls\r' }])
    expect(client.callsOf('console.resize')).toEqual([{ sessionId: 's-2', cols: 100, rows: 40 }])
    expect(client.callsOf('console.close')).toEqual([{ sessionId: 's-2' }])
    client.emit('console.output', { sessionId: 's-2', data: 'after close' })
    expect(out.out).toBe('')
  })

  it('says why it could not open, in the engine words', async () => {
    const client = createFakeClient()
    client.answer('console.open', () => Promise.reject(new ClientError('REFUSED', 'db1 is not running: a console needs a running server')))
    const out = sink()
    const s = new ConsoleSession(client, 'db1', out)
    await s.open(80, 24)
    expect(s.state).toBe('failed')
    expect(out.errors).toEqual(['REFUSED: db1 is not running: a console needs a running server'])
  })

  it('reports the shell exit, and closing while opening still ends the shell it got', async () => {
    const client = createFakeClient()
    client.answer('console.open', () => ({ sessionId: 's-3' }))
    client.answer('console.close', () => null)
    const out = sink()
    const s = new ConsoleSession(client, 'db1', out)
    await s.open(80, 24)
    client.emit('console.exit', { sessionId: 's-3', code: 0 })
    expect(out.exits).toEqual([0])

    const late = new ConsoleSession(client, 'db2', sink())
    const opening = late.open(80, 24)
    void late.close()
    await opening
    await flush()
    expect(client.callsOf('console.close')).toContainEqual({ sessionId: 's-3' })
  })
})
