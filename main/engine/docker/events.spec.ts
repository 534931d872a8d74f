import { PassThrough } from 'node:stream'
import type Docker from 'dockerode'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { EngineStatus } from '@contract/status'
import { watchLabEvents, type EventDeps } from './events'
import type { LabDockerEvent } from './types'

const up: EngineStatus = { state: 'connected', message: 'Docker 20.10 (API 1.41)', host: '/var/run/docker.sock' }
const down: EngineStatus = { state: 'stopped', message: 'The Docker socket exists but the daemon does not answer.', host: '/var/run/docker.sock' }

function harness(): { deps: EventDeps; streams: PassThrough[]; setStatus(s: EngineStatus): void; send(s: PassThrough, e: object): void } {
  const streams: PassThrough[] = []
  let status = up
  const docker = {
    getEvents: vi.fn(async () => {
      const s = new PassThrough()
      streams.push(s)
      return s
    }),
  } as unknown as Docker
  const deps: EventDeps = {
    docker,
    status: async () => status,
    listOwned: async () => new Map([['net-known', { 'racklab.lab': 'lab1' }]]),
    labelsOf: async (_t, id): Promise<Record<string, string>> => (id === 'net-new' ? { 'racklab.lab': 'lab1', 'racklab.network': 'int' } : { 'racklab.lab': 'other' }),
  }
  return {
    deps,
    streams,
    setStatus: (s) => (status = s),
    // split one event across two chunks: the reader must reassemble lines
    send: (s, e) => {
      const line = `${JSON.stringify(e)}\n`
      s.write(line.slice(0, 10))
      s.write(line.slice(10))
    },
  }
}

const container = (id: string, lab: string, action = 'start'): object => ({
  Type: 'container',
  Action: action,
  Actor: { ID: id, Attributes: { 'racklab.lab': lab, 'racklab.server': 'mx1', name: 'racklab-mx1', image: 'x' } },
  timeNano: 1_700_000_000_123_000_000,
})

describe('watchLabEvents', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('passes our container events with their labels and drops foreign ones and exec noise', async () => {
    const h = harness()
    const got: LabDockerEvent[] = []
    const stop = watchLabEvents(h.deps, 'lab1', (e) => got.push(e), () => undefined)
    await vi.advanceTimersByTimeAsync(0)
    const s = h.streams[0] as PassThrough
    h.send(s, container('c1', 'lab1'))
    h.send(s, container('c2', 'lab2'))
    h.send(s, container('c1', 'lab1', 'exec_start: sh -c true'))
    h.send(s, container('c1', 'lab1', 'health_status: healthy'))
    await vi.advanceTimersByTimeAsync(0)
    expect(got).toEqual([
      { type: 'container', action: 'start', id: 'c1', labels: { 'racklab.lab': 'lab1', 'racklab.server': 'mx1' }, time: 1_700_000_000_123 },
      { type: 'container', action: 'health_status: healthy', id: 'c1', labels: { 'racklab.lab': 'lab1', 'racklab.server': 'mx1' }, time: 1_700_000_000_123 },
    ])
    stop()
  })

  it('matches unlabelled network events by the ids it knows or inspects', async () => {
    const h = harness()
    const got: LabDockerEvent[] = []
    const stop = watchLabEvents(h.deps, 'lab1', (e) => got.push(e), () => undefined)
    await vi.advanceTimersByTimeAsync(0)
    const s = h.streams[0] as PassThrough
    const net = (id: string, action: string): object => ({ Type: 'network', Action: action, Actor: { ID: id, Attributes: { name: id } }, time: 5 })
    h.send(s, net('net-known', 'connect'))
    h.send(s, net('net-foreign', 'create'))
    h.send(s, net('net-new', 'create'))
    h.send(s, net('net-new', 'destroy'))
    h.send(s, net('net-new', 'connect')) // forgotten after destroy
    await vi.advanceTimersByTimeAsync(0)
    expect(got.map((e) => `${e.id} ${e.action}`)).toEqual(['net-known connect', 'net-new create', 'net-new destroy'])
    expect(got[1]?.labels).toEqual({ 'racklab.lab': 'lab1', 'racklab.network': 'int' })
    stop()
  })

  it('reconnects with backoff after the stream ends, reports engine changes and asks for a resync', async () => {
    const h = harness()
    const got: LabDockerEvent[] = []
    const engine: string[] = []
    const stop = watchLabEvents(h.deps, 'lab1', (e) => got.push(e), (s) => engine.push(s.state))
    await vi.advanceTimersByTimeAsync(0)
    expect(engine).toEqual(['connected'])
    h.setStatus(down)
    h.streams[0]?.end()
    await vi.advanceTimersByTimeAsync(999)
    expect(engine).toEqual(['connected'])
    await vi.advanceTimersByTimeAsync(1)
    expect(engine).toEqual(['connected', 'stopped'])
    // still down after 2 s, then 4 s: reported once, not on every try
    await vi.advanceTimersByTimeAsync(2000)
    expect(h.streams).toHaveLength(1)
    h.setStatus(up)
    await vi.advanceTimersByTimeAsync(3999)
    expect(h.streams).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(engine).toEqual(['connected', 'stopped', 'connected'])
    expect(h.streams).toHaveLength(2)
    expect(got.map((e) => e.type)).toEqual(['resync'])
    // the backoff starts over after a good reconnect
    h.streams[1]?.destroy()
    await vi.advanceTimersByTimeAsync(1000)
    expect(h.streams).toHaveLength(3)
    stop()
    expect(h.streams[2]?.destroyed).toBe(true)
  })

  it('stop before the stream opens leaves nothing running', async () => {
    const h = harness()
    const stop = watchLabEvents(h.deps, 'lab1', () => undefined, () => undefined)
    stop()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(h.streams.every((s) => s.destroyed)).toBe(true)
  })
})
