// 2,000 seeded hostile requests and WebSocket sessions against a real `racklab serve` on 127.0.0.1: nothing
// escapes as an uncaught exception or unhandled rejection, nothing answers 5xx, and afterwards the server
// still serves `/` and still answers a call. The seed is printed so a failure can be replayed.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { LabError } from '@contract/errors'
import { createDispatcher, type Handlers } from '../api/dispatcher'
import { EventBus } from '../engine/events/event-bus'
import { fuzzCase, seededRandom } from './fuzz/fuzz-cases'
import { exchange, statusOf } from './fuzz/raw-exchange'
import { startWebServer, type WebServer } from './web-server'

const CASES = 2000
const PARALLEL = 32
const CASE_TIMEOUT_MS = 500
const BUDGET_MS = 90_000
const SEED = Number(process.env.RACKLAB_FUZZ_SEED ?? 20071130)
const TOKEN = 'fuzz-token'

// a minimal runtime: one command answers, the rest refuse, as a lab without Docker would
const handlers = new Proxy({} as Handlers, {
  get: (_t, cmd: string) => async () => {
    if (cmd === 'engine.status') return { state: 'connected', message: 'fake engine', host: 'unix:///fake.sock' }
    throw new LabError('REFUSED', `${cmd} is not available in the fuzz test`)
  },
})

describe('racklab serve under 2,000 hostile requests', () => {
  let web: WebServer
  const escaped: unknown[] = []
  const keep = (e: unknown): void => void escaped.push(e)
  beforeAll(async () => {
    process.on('unhandledRejection', keep)
    process.on('uncaughtException', keep)
    const dir = mkdtempSync(join(tmpdir(), 'racklab-fuzz-'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>fuzz</title>')
    web = await startWebServer({ dispatch: createDispatcher(handlers), bus: new EventBus(), staticDir: dir, version: 'fuzz', token: TOKEN })
  })
  afterAll(async () => {
    process.off('unhandledRejection', keep)
    process.off('uncaughtException', keep)
    await web?.close()
  })

  it(`survives and keeps answering (seed ${SEED})`, { timeout: BUDGET_MS + 30_000 }, async () => {
    const rand = seededRandom(SEED)
    const target = { host: `127.0.0.1:${web.port}`, token: TOKEN }
    const cases = Array.from({ length: CASES }, () => fuzzCase(rand, target))
    const kinds = new Map<string, number>()
    const statuses = new Map<number, number>()
    const started = Date.now()
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < cases.length && Date.now() - started < BUDGET_MS) {
        const c = cases[next++]!
        kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1)
        const x = await exchange(web.port, c.chunks, { end: c.end, timeoutMs: CASE_TIMEOUT_MS })
        const status = statusOf(x.reply)
        if (status !== undefined) statuses.set(status, (statuses.get(status) ?? 0) + 1)
      }
    }
    await Promise.all(Array.from({ length: PARALLEL }, worker))
    await new Promise((r) => setTimeout(r, 100))

    expect(next, `only ${next} of ${CASES} cases ran within ${BUDGET_MS} ms`).toBe(CASES)
    expect([...kinds.keys()].sort()).toEqual(['garbage', 'http', 'upgrade', 'websocket'])
    expect(escaped, `escaped the server (seed ${SEED})`).toEqual([])
    const serverErrors = [...statuses].filter(([s]) => s >= 500)
    expect(serverErrors, `5xx answers (seed ${SEED}); all statuses: ${JSON.stringify([...statuses])}`).toEqual([])
    // the malformed input was refused for what it is, not just dropped: 400s and upgrades both happened
    expect(statuses.get(400)).toBeGreaterThan(0)
    expect(statuses.get(101)).toBeGreaterThan(0)

    expect((await fetch(`http://127.0.0.1:${web.port}/`)).status).toBe(200)
    const reply = await new Promise<unknown>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws?token=${TOKEN}`)
      ws.on('open', () => ws.send(JSON.stringify({ t: 'call', id: 1, cmd: 'engine.status' })))
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString()) as { t: string }
        if (m.t === 'reply') {
          ws.close()
          resolve(m)
        }
      })
      ws.on('error', reject)
    })
    expect(reply).toMatchObject({ t: 'reply', id: 1, ok: true, value: { state: 'connected' } })
  })
})
