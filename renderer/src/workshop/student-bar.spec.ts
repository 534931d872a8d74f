import { afterEach, describe, expect, it, vi } from 'vitest'
import { createApp, type App } from 'vue'
import type { WorkshopLabView } from '@contract/workshop'
import { flush } from '../testing/flush'
import StudentBar from './StudentBar.vue'
import type { WorkshopApi } from './workshop-api'

const lab = (over: Partial<WorkshopLabView> = {}): WorkshopLabView => ({
  lab: 'ws-1',
  engine: 'local',
  reachable: true,
  servers: { total: 2, running: 2, healthy: 2 },
  alerts: [],
  lastAction: null,
  objectives: [{ id: 'replicating', text: 'db2 replicates from db1 again', points: 10, done: false }],
  step: 'db2 replicates from db1 again',
  score: 0,
  maxScore: 15,
  hintsTaken: 0,
  timeLeftMs: 600_000,
  updatedAt: null,
  ...over,
})
const refuse = vi.fn(async () => {
  throw new Error('the trainer\'s')
})

let app: App | null = null
let el: HTMLElement
afterEach(() => {
  app?.unmount()
  app = null
  el.remove()
})
const $ = (sel: string): HTMLElement => el.querySelector(sel) as HTMLElement

describe('StudentBar', () => {
  it('shows the lab\'s objectives, score and the trainer\'s message, and asks for a hint', async () => {
    const asked: string[] = []
    let hints: string[] = []
    const api: WorkshopApi = {
      dashboard: refuse, breakAll: refuse, reset: refuse, broadcast: refuse, exportUrl: () => '',
      student: vi.fn(async () => ({ workshop: 'ws', role: 'student' as const, lab: lab({ score: 8 }), messages: [{ at: '', text: 'ten minutes left' }], hints, hintsLeft: 2 - hints.length })),
      hint: vi.fn(async (l: string) => (asked.push(l), (hints = ['look at its cables']), { hint: 'look at its cables', score: 6, hints })),
    }
    el = document.createElement('div')
    document.body.append(el)
    app = createApp(StudentBar, { api, everyMs: 60_000 })
    app.mount(el)
    await flush()
    expect($('[data-testid="bar-score"]').textContent).toBe('8 / 15 pts')
    expect($('[data-testid="bar-message"]').textContent).toBe('trainer: ten minutes left')
    $('[data-testid="ask-hint"]').click()
    await flush()
    await flush()
    expect(asked).toEqual(['ws-1'])
    expect(el.textContent).toContain('hint 1: look at its cables')
    expect($('[data-testid="ask-hint"]').textContent).toBe('Hint (1 left, costs points)')
  })
})
