// The trainer's side of `racklab serve --workshop`: plain HTTP to /api/workshop with the page's token in a
// header. The server judges the token; this only carries it.
import type { WorkshopBreakResult, WorkshopDashboard, WorkshopStudentView } from '@contract/workshop'

export interface WorkshopApi {
  dashboard(): Promise<WorkshopDashboard>
  breakAll(target: string, action: string): Promise<WorkshopBreakResult>
  /** every action undone, then (with an exercise) the exercise run again: `exercise` says how that went */
  reset(lab: string): Promise<{ lab: string; undone: string[]; exercise?: string }>
  broadcast(text: string): Promise<{ at: string; text: string }>
  /** a student's own lab, messages and hints */
  student(): Promise<WorkshopStudentView>
  hint(lab: string): Promise<{ hint: string; score: number; hints: string[] }>
  /** a download link (the token in the query: an <a href> sends no headers) */
  exportUrl(kind: 'csv' | 'json'): string
}

export function createWorkshopApi(token: string, fetcher: typeof fetch = (...a) => fetch(...a), base = ''): WorkshopApi {
  const call = async <T>(path: string, body?: unknown): Promise<T> => {
    const r = await fetcher(`${base}/api/workshop${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'x-racklab-token': token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const doc = (await r.json().catch(() => null)) as { error?: { message: string } } | null
    if (!r.ok) throw new Error(doc?.error?.message ?? `the workshop server answered ${r.status}`)
    return doc as T
  }
  return {
    dashboard: () => call('/'),
    breakAll: (target, action) => call('/break', { target, action }),
    reset: (lab) => call('/reset', { lab }),
    broadcast: (text) => call('/broadcast', { text }),
    student: () => call('/'),
    hint: (lab) => call('/hint', { lab }),
    exportUrl: (kind) => `${base}/api/workshop/scoreboard.${kind}?token=${encodeURIComponent(token)}`,
  }
}
