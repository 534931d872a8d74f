import { afterEach, describe, expect, it, vi } from 'vitest'
import { createApp, type App } from 'vue'
import type { WorkshopDashboard, WorkshopLabView } from '@contract/workshop'
import { flush } from '../testing/flush'
import TrainerDashboard from './TrainerDashboard.vue'
import { createWorkshopApi, type WorkshopApi } from './workshop-api'

const lab = (name: string, over: Partial<WorkshopLabView> = {}): WorkshopLabView => ({
  lab: name,
  engine: 'local',
  reachable: true,
  servers: { total: 2, running: 2, healthy: 2 },
  alerts: [],
  lastAction: null,
  objectives: [
    { id: 'replicating', text: 'db2 replicates from db1 again', points: 10, done: false },
    { id: 'tables-agree', text: 'every table agrees', points: 5, done: false },
  ],
  step: 'db2 replicates from db1 again',
  score: 0,
  maxScore: 15,
  hintsTaken: 0,
  timeLeftMs: 600_000,
  updatedAt: '2026-11-30T18:00:00.000Z',
  ...over,
})

const dashboard = (role: 'trainer' | 'observer'): WorkshopDashboard => ({
  workshop: 'ws',
  role,
  exercise: { name: 'db2-replication-exercise', description: '', hints: 2, timeboxMs: 900_000, objectives: [] },
  labs: [
    lab('ws-1', { score: 10, step: 'every table agrees', objectives: [{ id: 'replicating', text: 'db2 replicates from db1 again', points: 10, done: true }, { id: 'tables-agree', text: 'every table agrees', points: 5, done: false }], lastAction: { at: '2026-11-30T18:01:00.000Z', text: 'cable:db2/int plug' } }),
    lab('ws-2', { engine: 'two', reachable: false, problem: 'the engine service of ws-2 is gone', alerts: [{ severity: 'critical', text: 'db2 stopped replicating' }] }),
  ],
  messages: [{ at: '2026-11-30T18:02:00.000Z', text: 'ten minutes left' }],
})

function fakeApi(role: 'trainer' | 'observer'): WorkshopApi & { calls: string[] } {
  const calls: string[] = []
  return {
    calls,
    dashboard: vi.fn(async () => dashboard(role)),
    breakAll: vi.fn(async (t: string, a: string) => (calls.push(`break ${t} ${a}`), { results: [{ lab: 'ws-1', ok: true }, { lab: 'ws-2', ok: false, error: { code: 'REFUSED', message: 'already unplugged' } }] })),
    reset: vi.fn(async (l: string) => (calls.push(`reset ${l}`), { lab: l, undone: ['a', 'b'], exercise: 'passed in 21.3 s' })),
    broadcast: vi.fn(async (t: string) => (calls.push(`say ${t}`), { at: '', text: t })),
    exportUrl: (k: 'csv' | 'json') => `/api/workshop/scoreboard.${k}?token=T`,
    student: vi.fn(async () => {
      throw new Error('not a student')
    }),
    hint: vi.fn(async () => {
      throw new Error('not a student')
    }),
  }
}

let app: App | null = null
let el: HTMLElement
function mount(api: WorkshopApi): void {
  el = document.createElement('div')
  document.body.append(el)
  app = createApp(TrainerDashboard, { api, everyMs: 60_000 })
  app.mount(el)
}
afterEach(() => {
  app?.unmount()
  app = null
  el.remove()
})
const $ = (sel: string): HTMLElement => el.querySelector(sel) as HTMLElement

describe('TrainerDashboard', () => {
  it('shows each lab: score, objectives, current step, last action, and an unreachable lab with its reason', async () => {
    mount(fakeApi('trainer'))
    await flush()
    const ws1 = $('[data-lab="ws-1"]')
    expect(ws1.querySelector('[data-testid="score"]')!.textContent).toBe('10 / 15')
    expect(ws1.querySelector('[data-objective="replicating"]')!.className).toBe('done')
    expect(ws1.querySelector('[data-testid="step"]')!.textContent).toBe('now: every table agrees')
    expect(ws1.querySelector('[data-testid="last-action"]')!.textContent).toBe('last: cable:db2/int plug')
    const ws2 = $('[data-lab="ws-2"]')
    expect(ws2.className).toContain('bad')
    expect(ws2.querySelector('[data-testid="problem"]')!.textContent).toBe('unreachable: the engine service of ws-2 is gone')
    // which Docker engine each lab lives on (workshop create --engine spreads them)
    expect(ws1.querySelector('[data-testid="engine"]')!.textContent).toBe('on local')
    expect(ws2.querySelector('[data-testid="engine"]')!.textContent).toBe('on two')
    expect([...el.querySelectorAll('[data-testid="scoreboard"] li')].map((li) => li.textContent)).toEqual(['ws-1 — 10', 'ws-2 — 0'])
    expect($('[data-testid="export-csv"]').getAttribute('href')).toBe('/api/workshop/scoreboard.csv?token=T')
    expect(el.textContent).toContain('ten minutes left')
  })

  it('breaks in every lab, says which refused, resets one lab and broadcasts', async () => {
    const api = fakeApi('trainer')
    mount(api)
    await flush()
    const [target, action] = [...el.querySelectorAll('[data-testid="break-form"] input')] as HTMLInputElement[]
    target!.value = 'cable:db2/int'
    target!.dispatchEvent(new Event('input'))
    action!.value = 'unplug'
    action!.dispatchEvent(new Event('input'))
    await flush()
    $('[data-testid="break-form"]').dispatchEvent(new Event('submit'))
    await flush()
    await flush()
    expect(api.calls).toEqual(['break cable:db2/int unplug'])
    expect($('[data-testid="notice"]').textContent).toBe('1 of 2 labs broken; ws-2: already unplugged')
    $('[data-reset="ws-2"]').click()
    await flush()
    await flush()
    expect(api.calls).toContain('reset ws-2')
    expect($('[data-testid="notice"]').textContent).toBe('ws-2 reset: 2 action(s) put back; exercise run again: passed in 21.3 s; score and time start now')
    const msg = el.querySelector('[data-testid="broadcast-form"] input') as HTMLInputElement
    msg.value = 'ten minutes left'
    msg.dispatchEvent(new Event('input'))
    await flush()
    $('[data-testid="broadcast-form"]').dispatchEvent(new Event('submit'))
    await flush()
    await flush()
    expect(api.calls).toContain('say ten minutes left')
  })

  it('gives an observer the cards without any control', async () => {
    mount(fakeApi('observer'))
    await flush()
    expect($('[data-lab="ws-1"]')).not.toBeNull()
    expect(el.querySelector('[data-testid="break-form"]')).toBeNull()
    expect(el.querySelector('[data-reset]')).toBeNull()
  })

  it('says what the server refused', async () => {
    const api = fakeApi('trainer')
    api.dashboard = vi.fn(async () => {
      throw new Error('missing or unknown workshop token')
    })
    mount(api)
    await flush()
    expect($('[data-testid="error"]').textContent).toBe('missing or unknown workshop token')
  })
})

describe('workshop api client', () => {
  it('sends the token in a header and turns a refusal into its message', async () => {
    const seen: RequestInit[] = []
    const fetcher = vi.fn(async (_u: string, init: RequestInit) => (seen.push(init), new Response(JSON.stringify({ ok: false, error: { code: 'FORBIDDEN', message: 'break is the trainer\'s' } }), { status: 403 })))
    const api = createWorkshopApi('TOK', fetcher as unknown as typeof fetch)
    await expect(api.breakAll('server:db1', 'run-hot')).rejects.toThrow("break is the trainer's")
    expect((seen[0]!.headers as Record<string, string>)['x-racklab-token']).toBe('TOK')
    expect(JSON.parse(seen[0]!.body as string)).toEqual({ target: 'server:db1', action: 'run-hot' })
  })
})
