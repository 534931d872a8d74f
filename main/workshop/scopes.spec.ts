import { describe, expect, it } from 'vitest'
import { mayCall, mayControl, mayOpenLab, roleOf } from './scopes'
import { newWorkshop, parseWorkshop } from './workshop-file'

const w = newWorkshop('ws', 2)
const student1 = w.labs[0]!.studentToken
const student2 = w.labs[1]!.studentToken

describe('workshop tokens', () => {
  it('gives each token its role, and none to a token it never issued', () => {
    expect(roleOf(w, w.trainerToken)).toEqual({ kind: 'trainer' })
    expect(roleOf(w, student2)).toEqual({ kind: 'student', lab: 'ws-2' })
    expect(roleOf(w, w.observerTokens[0])).toEqual({ kind: 'observer' })
    expect(roleOf(w, `${student1}x`)).toBeUndefined()
    expect(roleOf(w, null)).toBeUndefined()
  })

  it('lets a student open only their own lab', () => {
    expect(mayOpenLab(roleOf(w, student1), 'ws-1', w).status).toBe(200)
    expect(mayOpenLab(roleOf(w, student1), 'ws-2', w)).toEqual({ status: 403, why: 'this token is for lab ws-1, not ws-2' })
    expect(mayOpenLab(roleOf(w, w.trainerToken), 'ws-2', w).status).toBe(200)
    expect(mayOpenLab(roleOf(w, w.trainerToken), 'ws-9', w).status).toBe(403)
    expect(mayOpenLab(undefined, 'ws-1', w).status).toBe(401)
  })

  it('lets observers read but not act, open consoles or take the lab down', () => {
    const o = roleOf(w, w.observerTokens[0])!
    expect(mayCall(o, 'lab.status').status).toBe(200)
    for (const cmd of ['actions.run', 'console.open', 'console.input', 'console.share', 'server.control', 'lab.down', 'scenario.run']) expect(mayCall(o, cmd).status).toBe(403)
    // a console a student shared: output only
    expect(mayCall(o, 'console.watch').status).toBe(200)
    expect(mayCall(roleOf(w, student1)!, 'actions.run').status).toBe(200)
    expect(mayCall(roleOf(w, student1)!, 'lab.down').status).toBe(403)
    expect(mayCall({ kind: 'trainer' }, 'lab.down').status).toBe(200)
  })

  it('keeps the workshop controls to the trainer; hints and messages to a lab\'s own student', () => {
    const s = roleOf(w, student1)
    expect(mayControl(s, 'break').status).toBe(403)
    expect(mayControl(s, 'dashboard').status).toBe(403)
    expect(mayControl(s, 'hint', 'ws-1').status).toBe(200)
    expect(mayControl(s, 'hint', 'ws-2').status).toBe(403)
    expect(mayControl(roleOf(w, w.observerTokens[0]), 'scoreboard').status).toBe(200)
    expect(mayControl(roleOf(w, w.observerTokens[0]), 'broadcast').status).toBe(403)
    expect(mayControl({ kind: 'trainer' }, 'reset').status).toBe(200)
  })
})

describe('workshop file', () => {
  it('reads back what it wrote', () => {
    expect(parseWorkshop(JSON.stringify(w, null, 2), 'f.json')).toEqual(w)
  })
  it('names the line and the field a hand edit broke', () => {
    const text = JSON.stringify({ ...w, trainerToken: 'short' }, null, 2)
    expect(() => parseWorkshop(text, 'f.json')).toThrow(/f\.json, line 3: trainerToken: a token is at least 20/)
    expect(() => parseWorkshop('{\n  "name": "ws",\n  oops\n}', 'f.json')).toThrow(/f\.json, line 3: not JSON/)
  })
  it('refuses a token shared by two roles', () => {
    const text = JSON.stringify({ ...w, observerTokens: [w.trainerToken] })
    expect(() => parseWorkshop(text, 'f.json')).toThrow(/a token is used twice/)
  })
})
