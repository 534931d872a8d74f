// The workshop's HTTP API under /api/workshop: the trainer's dashboard and controls, the scoreboard, a
// student's hints and the trainer's messages. The token comes in the x-racklab-token header (or ?token= for a
// download link); its role, judged by scopes.ts, decides everything.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { toWireError } from '@contract/errors'
import type { LabRoom } from './lab-room'
import { toCsv } from './lab-room'
import { resetLab } from './lab-reset'
import { mayControl, roleOf, type Role, type Verdict, type WorkshopControl } from './scopes'

export const API_PREFIX = '/api/workshop'
const MAX_BODY = 64 * 1024

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let size = 0
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY) {
        reject(new HttpError(413, `the request body is over ${MAX_BODY} bytes`))
        req.destroy()
      } else chunks.push(c)
    })
    req.on('end', () => {
      try {
        const v: unknown = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {}
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not a JSON object')
        resolve(v as Record<string, unknown>)
      } catch (e) {
        reject(new HttpError(400, `the body must be a JSON object: ${(e as Error).message}`))
      }
    })
    req.on('error', reject)
  })
}

const str = (body: Record<string, unknown>, key: string, max = 500): string => {
  const v = body[key]
  if (typeof v !== 'string' || !v.trim() || v.length > max) throw new HttpError(400, `"${key}" must be a non-empty string of at most ${max} characters`)
  return v.trim()
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' })
  res.end(typeof body === 'string' ? body : `${JSON.stringify(body)}\n`)
}

export function workshopApi(room: LabRoom): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  const w = room.workshop
  const judge = (role: Role | undefined, what: WorkshopControl, lab?: string): void => {
    const v: Verdict = mayControl(role, what, lab)
    if (v.status !== 200) throw new HttpError(v.status, v.why ?? 'refused')
  }
  const knownLab = (lab: string): string => {
    if (!w.labs.some((l) => l.lab === lab)) throw new HttpError(404, `no lab "${lab}" in workshop ${w.name}`)
    return lab
  }

  const route = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const header = req.headers['x-racklab-token']
    const role = roleOf(w, typeof header === 'string' ? header : url.searchParams.get('token'))
    const path = url.pathname.slice(API_PREFIX.length) || '/'
    const method = req.method ?? 'GET'
    if (method === 'GET' && path === '/') {
      if (role?.kind === 'student') {
        judge(role, 'message', role.lab)
        return send(res, 200, { workshop: w.name, role: 'student', lab: room.views.get(role.lab), messages: room.messages, hints: room.hintsShown(role.lab), hintsLeft: (room.exercise?.hints.length ?? 0) - room.hintsShown(role.lab).length })
      }
      judge(role, 'dashboard')
      const ex = room.exercise
      return send(res, 200, {
        workshop: w.name,
        role: role!.kind,
        exercise: ex ? { name: ex.name, description: ex.description?.trim() ?? '', hints: ex.hints.length, timeboxMs: ex.timebox ?? null, objectives: (ex.objectives ?? []).map((o) => ({ id: o.id, text: o.text, points: o.points })) } : null,
        labs: w.labs.map((l) => room.views.get(l.lab)),
        messages: room.messages,
      })
    }
    if (method === 'GET' && (path === '/scoreboard.json' || path === '/scoreboard.csv')) {
      judge(role, 'scoreboard')
      const rows = room.scoreboard()
      if (path.endsWith('.json')) return send(res, 200, { workshop: w.name, exercise: room.exercise?.name ?? null, at: new Date().toISOString(), labs: rows })
      res.setHeader('content-disposition', `attachment; filename="${w.name}-scoreboard.csv"`)
      return send(res, 200, toCsv(rows), 'text/csv; charset=utf-8')
    }
    if (method !== 'POST') throw new HttpError(404, `no ${method} ${url.pathname}`)
    const body = await readJson(req)
    switch (path) {
      case '/break': {
        judge(role, 'break')
        const target = str(body, 'target', 128)
        const action = str(body, 'action', 64)
        // the same break in every lab at once; one lab refusing does not stop the others
        const results = await Promise.all(
          w.labs.map(async (l) => {
            try {
              return { lab: l.lab, ok: true, text: (await room.caller(l.lab).call('actions.run', { target, action })).text }
            } catch (e) {
              return { lab: l.lab, ok: false, error: toWireError(e) }
            }
          }),
        )
        return send(res, 200, { results })
      }
      case '/reset': {
        judge(role, 'reset')
        const lab = knownLab(str(body, 'lab', 64))
        // grading waits while the lab is put back and broken again: nothing it shows meanwhile is the student's
        room.holdGrading(lab, true)
        try {
          const r = await resetLab(room.caller(lab), w.scenario)
          room.resetScore(lab)
          return send(res, 200, { lab, ...r })
        } finally {
          room.holdGrading(lab, false)
        }
      }
      case '/broadcast': {
        judge(role, 'broadcast')
        return send(res, 200, room.broadcast(str(body, 'text', 1000)))
      }
      case '/hint': {
        const lab = knownLab(str(body, 'lab', 64))
        judge(role, 'hint', lab)
        try {
          return send(res, 200, room.hint(lab))
        } catch (e) {
          throw new HttpError(409, (e as Error).message)
        }
      }
      default:
        throw new HttpError(404, `no POST ${url.pathname}`)
    }
  }

  return async (req, res, url) => {
    try {
      await route(req, res, url)
    } catch (e) {
      if (res.headersSent) return void res.destroy()
      const status = e instanceof HttpError ? e.status : 500
      send(res, status, { ok: false, error: { code: status === 401 || status === 403 ? 'FORBIDDEN' : status === 404 ? 'NOT_FOUND' : status >= 500 ? 'INTERNAL' : 'BAD_INPUT', message: (e as Error).message } })
    }
  }
}
