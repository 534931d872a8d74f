// Consoles belong to the client that opened them, through the same dispatcher every transport calls:
// another client cannot type into, resize or close them, output is addressed to the owner and the observers it
// let in (a share code), a client's disconnect hangs up its consoles, and a client gets at most MAX_CONSOLES_PER_CLIENT.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { createDispatcher, type Dispatch } from '../../api/dispatcher'
import { EventBus } from '../events/event-bus'
import { createHandlers } from '../../api/handlers'
import { recordingGateway } from '../binding/recording-gateway'
import type { ContainerInfo, DockerGateway, ExecSession } from '../docker/types'
import { Journal } from '../journal/journal'
import { imagesDir } from '../paths'
import { loadTopology } from '../topology/loader'
import { Consoles, MAX_CONSOLES_PER_CLIENT, MAX_WATCHERS_PER_CONSOLE } from './consoles'
import { LabEngine } from './lab-engine'

/** A TTY exec that records what it was sent and whether it was hung up; `out` plays the shell printing. */
class FakeTty implements ExecSession {
  written: string[] = []
  closed = false
  private dataFns: ((s: string) => void)[] = []
  write(data: string): void {
    this.written.push(data)
  }
  async resize(): Promise<void> {}
  close(): void {
    this.closed = true
  }
  onData(fn: (s: string) => void): void {
    this.dataFns.push(fn)
  }
  onExit(): void {}
  out(s: string): void {
    this.dataFns.forEach((f) => f(s))
  }
}

const running: ContainerInfo = { id: 'c-db1', name: 'db1', image: 'x', labels: { 'racklab.lab': 't', 'racklab.server': 'db1' }, status: 'running', running: true, exitCode: 0, oomKilled: false, ips: {}, ports: {} }

describe('console ownership', () => {
  let dispatch: Dispatch
  let ttys: FakeTty[]
  let events: { ev: string; payload: unknown; to: string | undefined }[]

  beforeEach(async () => {
    ttys = []
    events = []
    const { topology } = await loadTopology()
    const gw: DockerGateway = { ...recordingGateway([], new Map([['db1', running]])), execTty: async () => (ttys.push(new FakeTty()), ttys.at(-1)!) }
    const bus = new EventBus()
    bus.onAny((ev, payload, to) => ev.startsWith('console.') && events.push({ ev, payload, to }))
    const lab = new LabEngine({ gateway: gw, topology, bus, journal: new Journal(undefined), labId: 't', stateDir: mkdtempSync(join(tmpdir(), 'racklab-cons-')), imagesDir: imagesDir() })
    await lab.initOnce()
    const consoles = new Consoles(lab)
    dispatch = createDispatcher(createHandlers({ lab, consoles }), (c) => consoles.closeClient(c))
  })

  const open = async (client: string): Promise<string> => {
    const r = await dispatch('console.open', { server: 'db1', cols: 80, rows: 24 }, client)
    if (!r.ok) throw new Error(r.error.message)
    return (r.value as { sessionId: string }).sessionId
  }

  it("only the client that opened a console can type into, resize or close it; its output goes to that client alone", async () => {
    const sessionId = await open('alice')
    for (const [cmd, arg] of [
      ['console.input', { sessionId, data: 'rm -rf /\r' }],
      ['console.resize', { sessionId, cols: 100, rows: 30 }],
      ['console.close', { sessionId }],
    ] as const)
      expect(await dispatch(cmd, arg, 'mallory')).toMatchObject({ ok: false, error: { code: 'REFUSED', message: expect.stringMatching(/opened by another client/) } })
    expect(ttys[0]!.written).toEqual([])
    expect(ttys[0]!.closed).toBe(false)

    expect(await dispatch('console.input', { sessionId, data: 'hostname\r' }, 'alice')).toEqual({ ok: true, value: null })
    expect(ttys[0]!.written).toEqual(['hostname\r'])
    ttys[0]!.out('db1\r\n')
    expect(events).toEqual([{ ev: 'console.output', payload: { sessionId, data: 'db1\r\n' }, to: 'alice' }])
    expect(await dispatch('console.close', { sessionId }, 'alice')).toEqual({ ok: true, value: null })
    expect(ttys[0]!.closed).toBe(true)
  })

  it("a client's disconnect hangs up its consoles and leaves other clients' consoles open", async () => {
    await open('alice')
    await open('alice')
    const bobs = await open('bob')
    dispatch.clientGone('alice')
    expect(ttys.map((t) => t.closed)).toEqual([true, true, false])
    expect(await dispatch('console.input', { sessionId: bobs, data: 'ls\r' }, 'bob')).toEqual({ ok: true, value: null })
  })

  it(`a client gets at most ${MAX_CONSOLES_PER_CLIENT} consoles, with a clear error; closing one frees a place`, async () => {
    const opened = await Promise.all(Array.from({ length: MAX_CONSOLES_PER_CLIENT }, () => open('alice')))
    expect(await dispatch('console.open', { server: 'db1', cols: 80, rows: 24 }, 'alice')).toMatchObject({
      ok: false,
      error: { code: 'REFUSED', message: `cannot open a console on db1: this client already has ${MAX_CONSOLES_PER_CLIENT} consoles open, the most one client may have; close one first` },
    })
    expect(ttys).toHaveLength(MAX_CONSOLES_PER_CLIENT)
    await open('bob') // the cap is per client
    await dispatch('console.close', { sessionId: opened[0] }, 'alice')
    await open('alice')
  })

  it('opens racing past the cap are refused too (in-flight opens count)', async () => {
    const replies = await Promise.all(Array.from({ length: MAX_CONSOLES_PER_CLIENT + 2 }, () => dispatch('console.open', { server: 'db1', cols: 80, rows: 24 }, 'alice')))
    expect(replies.filter((r) => r.ok)).toHaveLength(MAX_CONSOLES_PER_CLIENT)
    expect(ttys).toHaveLength(MAX_CONSOLES_PER_CLIENT)
  })

  it('a console whose client disconnects while it is being opened is hung up as it arrives', async () => {
    const reply = dispatch('console.open', { server: 'db1', cols: 80, rows: 24 }, 'alice')
    dispatch.clientGone('alice')
    expect(await reply).toMatchObject({ ok: false, error: { code: 'REFUSED', message: expect.stringMatching(/its client disconnected/) } })
    expect(ttys.map((t) => t.closed)).toEqual([true])
    await open('alice') // a later client with the same id (none in practice) is not haunted by it
  })

  const share = async (sessionId: string, client: string): Promise<string> => {
    const r = await dispatch('console.share', { sessionId }, client)
    if (!r.ok) throw new Error(r.error.message)
    return (r.value as { shareCode: string }).shareCode
  }

  it('output goes to the observers the owner let in (a share code), who can neither type, resize nor hang up', async () => {
    const sessionId = await open('alice')
    ttys[0]!.out('before\r\n')
    // without the code nobody else sees anything; only the owner can make one
    expect(await dispatch('console.share', { sessionId }, 'mallory')).toMatchObject({ ok: false, error: { code: 'REFUSED' } })
    expect(await dispatch('console.watch', { shareCode: 'x'.repeat(24) }, 'mallory')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    const code = await share(sessionId, 'alice')
    expect(await share(sessionId, 'alice')).toBe(code)
    expect(await dispatch('console.watch', { shareCode: code }, 'alice')).toMatchObject({ ok: false, error: { code: 'REFUSED', message: expect.stringMatching(/own/) } })
    expect(await dispatch('console.watch', { shareCode: code }, 'trainer')).toEqual({ ok: true, value: { sessionId, server: 'db1' } })
    events.length = 0
    ttys[0]!.out('db1\r\n')
    expect(events).toEqual([
      { ev: 'console.output', payload: { sessionId, data: 'db1\r\n' }, to: 'alice' },
      { ev: 'console.output', payload: { sessionId, data: 'db1\r\n' }, to: 'trainer' },
    ])
    for (const [cmd, arg] of [
      ['console.input', { sessionId, data: 'reboot\r' }],
      ['console.resize', { sessionId, cols: 100, rows: 30 }],
      ['console.share', { sessionId }],
    ] as const)
      expect(await dispatch(cmd, arg, 'trainer')).toMatchObject({ ok: false, error: { code: 'REFUSED', message: expect.stringMatching(/opened by another client/) } })
    expect(ttys[0]!.written).toEqual([])
    // an observer's close only stops its watching
    expect(await dispatch('console.close', { sessionId }, 'trainer')).toEqual({ ok: true, value: null })
    expect(ttys[0]!.closed).toBe(false)
    events.length = 0
    ttys[0]!.out('x')
    expect(events.map((e) => e.to)).toEqual(['alice'])
  })

  it("the owner's disconnect hangs up the console and its observers are told it ended; an observer's disconnect only ends its watching", async () => {
    const sessionId = await open('alice')
    const code = await share(sessionId, 'alice')
    await dispatch('console.watch', { shareCode: code }, 'trainer')
    await dispatch('console.watch', { shareCode: code }, 'observer')
    dispatch.clientGone('observer')
    events.length = 0
    ttys[0]!.out('x')
    expect(events.map((e) => e.to)).toEqual(['alice', 'trainer'])
    events.length = 0
    dispatch.clientGone('alice')
    expect(ttys[0]!.closed).toBe(true)
    expect(events).toEqual([{ ev: 'console.exit', payload: { sessionId, code: null }, to: 'trainer' }])
    expect(await dispatch('console.watch', { shareCode: code }, 'late')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
  })

  it(`a console has at most ${MAX_WATCHERS_PER_CONSOLE} observers`, async () => {
    const sessionId = await open('alice')
    const code = await share(sessionId, 'alice')
    for (let i = 0; i < MAX_WATCHERS_PER_CONSOLE; i++) expect((await dispatch('console.watch', { shareCode: code }, `o${i}`)).ok).toBe(true)
    expect(await dispatch('console.watch', { shareCode: code }, 'o0')).toMatchObject({ ok: true }) // watching again is fine
    expect(await dispatch('console.watch', { shareCode: code }, 'one-too-many')).toMatchObject({ ok: false, error: { code: 'REFUSED', message: expect.stringMatching(/already has 8 observers/) } })
  })
})
