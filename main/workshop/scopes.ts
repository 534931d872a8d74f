// Who holds a workshop token, and what they may do. Every request is judged here on the server from the token
// alone; nothing a client says about itself (a role, a lab in a form) is believed.
import { timingSafeEqual } from 'node:crypto'
import type { Workshop } from './workshop-file'

export type Role = { kind: 'trainer' } | { kind: 'student'; lab: string } | { kind: 'observer' }

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** the role a token gives, or undefined for a token this workshop never issued */
export function roleOf(w: Workshop, token: string | null | undefined): Role | undefined {
  if (!token) return undefined
  if (same(w.trainerToken, token)) return { kind: 'trainer' }
  const student = w.labs.find((l) => same(l.studentToken, token))
  if (student) return { kind: 'student', lab: student.lab }
  if (w.observerTokens.some((t) => same(t, token))) return { kind: 'observer' }
  return undefined
}

/** commands that only read: all an observer may call (console.watch: a console its owner shared, output only) */
export const READ_ONLY = new Set(['engine.status', 'lab.status', 'lab.topology', 'server.logs', 'server.firewall', 'console.watch', 'lab.check', 'alerts.list', 'monitor.history', 'lab.endpoints', 'lab.ca', 'scenario.list', 'actions.list', 'actions.targets', 'journal.list', 'journal.export'])

export interface Verdict {
  status: 200 | 401 | 403
  why?: string
}
const ok: Verdict = { status: 200 }

/** may this role open a lab's UI (its WebSocket)? a student only their own */
export function mayOpenLab(role: Role | undefined, lab: string, w: Workshop): Verdict {
  if (!role) return { status: 401, why: 'missing or unknown workshop token' }
  if (!w.labs.some((l) => l.lab === lab)) return { status: 403, why: `no lab "${lab}" in workshop ${w.name}` }
  if (role.kind === 'student' && role.lab !== lab) return { status: 403, why: `this token is for lab ${role.lab}, not ${lab}` }
  return ok
}

/** may this role run this command in a lab it has opened? observers only read; lab.down is the trainer's */
export function mayCall(role: Role, cmd: string): Verdict {
  if (role.kind === 'observer' && !READ_ONLY.has(cmd)) return { status: 403, why: `observers only watch: ${cmd} is not allowed` }
  if (role.kind === 'student' && cmd === 'lab.down') return { status: 403, why: 'taking the lab down is the trainer\'s' }
  return ok
}

export type WorkshopControl = 'dashboard' | 'scoreboard' | 'break' | 'reset' | 'broadcast' | 'hint' | 'message'

/** the workshop's own controls: the trainer drives, observers see the dashboard, a student asks for hints and
 *  reads broadcasts for their own lab */
export function mayControl(role: Role | undefined, what: WorkshopControl, lab?: string): Verdict {
  if (!role) return { status: 401, why: 'missing or unknown workshop token' }
  if (role.kind === 'trainer') return what === 'hint' || what === 'message' ? (lab ? ok : { status: 403, why: 'name the lab' }) : ok
  if (role.kind === 'observer') return what === 'dashboard' || what === 'scoreboard' ? ok : { status: 403, why: `observers only watch: ${what} is the trainer's` }
  if (what === 'hint' || what === 'message') return lab === role.lab ? ok : { status: 403, why: `this token is for lab ${role.lab}, not ${lab ?? '(none)'}` }
  return { status: 403, why: `${what} is the trainer's` }
}
