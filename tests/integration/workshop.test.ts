// A workshop of two small labs (db1 + db2 each) running the db2 replication exercise, served by one
// `racklab serve --workshop`: a student's token opens only its own lab (403 on the other), an observer may
// watch but not act, the trainer's break lands in both labs at once, and an objective is graded once the
// student fixes what the exercise broke. Needs the web UI built (npm run build:web).
// Its own labs (wsit-1, wsit-2) and state dir: never the shared TEST_LAB.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { LabStatus } from '@contract/status'
import { racklab, ROOT, until } from './helpers'

const HOME = join(process.env.RACKLAB_TEST_HOME ?? tmpdir(), 'workshop')
const LABS = ['wsit-1', 'wsit-2']
const env = { RACKLAB_HOME: HOME, RACKLAB_PRUNE_IMAGES: '0', RACKLAB_WORKSHOP_REFRESH_MS: '1000' }

interface Links {
  base: string
  trainer: string
  observers: string[]
  students: { lab: string; url: string }[]
}
const tokenOf = (url: string): string => new URL(url).searchParams.get('token')!

let serve: ChildProcess | undefined
let links: Links

async function api<T>(path: string, token: string, body?: unknown): Promise<{ status: number; body: T }> {
  const r = await fetch(`${links.base}/api/workshop${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'x-racklab-token': token, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await r.text()
  return { status: r.status, body: (r.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : text) as T }
}

/** open a lab's WebSocket: the socket, or the HTTP status the upgrade was refused with */
function openLab(lab: string, token: string): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${links.base.replace('http', 'ws')}/ws?lab=${lab}&token=${token}`)
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    ws.once('message', () => resolve(ws)) // the server's hello
    ws.once('error', reject)
  })
}

let nextId = 1
function callWs(ws: WebSocket, cmd: string, arg: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }> {
  const id = nextId++
  return new Promise((resolve) => {
    const on = (data: WebSocket.RawData): void => {
      const m = JSON.parse(data.toString()) as { t: string; id?: number }
      if (m.t === 'reply' && m.id === id) {
        ws.off('message', on)
        resolve(m as never)
      }
    }
    ws.on('message', on)
    ws.send(JSON.stringify({ t: 'call', id, cmd, arg }))
  })
}

const down = async (): Promise<void> => {
  for (const lab of LABS) await racklab(['down', '--volumes'], { env: { ...env, RACKLAB_LAB: lab } })
}

describe('a workshop of two labs', () => {
  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist-web/index.html'))) throw new Error('dist-web/index.html is missing: npm run build:web first')
    await down()
    rmSync(HOME, { recursive: true, force: true })
    const created = await racklab(['workshop', 'create', '--labs', '2', '--name', 'wsit', '--only', 'db1,db2', '--scenario', 'db2-replication-exercise', '--json'], { env })
    expect(created.code, created.stderr.slice(-3000)).toBe(0)
    serve = spawn(process.execPath, [join(ROOT, 'bin/racklab.mjs'), 'serve', '--workshop', 'wsit', '--json'], { cwd: ROOT, env: { ...process.env, ...env } })
    let out = ''
    let err = ''
    serve.stderr!.on('data', (d: Buffer) => (err += d.toString()))
    links = await new Promise<Links>((resolve, reject) => {
      serve!.stdout!.on('data', (d: Buffer) => {
        out += d.toString()
        try {
          resolve(JSON.parse(out) as Links)
        } catch {
          // not the whole document yet
        }
      })
      serve!.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err.slice(-2000)}`)))
    })
  }, 900_000)

  afterAll(async () => {
    serve?.kill('SIGINT')
    await down()
    rmSync(HOME, { recursive: true, force: true })
  }, 300_000)

  it('opens a lab to its own student, the trainer and observers, and refuses a student on another lab (403)', async () => {
    const [s1, s2] = links.students.map((s) => tokenOf(s.url))
    expect(links.students.map((s) => s.lab)).toEqual(LABS)
    expect(await openLab('wsit-2', s1!)).toBe(403)
    expect(await openLab('wsit-1', 'not-a-token-of-this-workshop')).toBe(401)
    for (const [lab, t] of [['wsit-1', s1!], ['wsit-2', s2!], ['wsit-2', tokenOf(links.trainer)], ['wsit-1', tokenOf(links.observers[0]!)]] as const) {
      const ws = await openLab(lab, t)
      expect(ws, `${lab} with its token`).toBeInstanceOf(WebSocket)
      ;(ws as WebSocket).close()
    }
    // the trainer's dashboard is the trainer's and observers': not a student's, who sees their own lab only
    expect((await api('/', s1!, undefined)).body).toMatchObject({ role: 'student', lab: { lab: 'wsit-1' } })
    expect((await api('/break', s1!, { target: 'server:db1', action: 'run-hot' })).status).toBe(403)
    expect((await api('/hint', s1!, { lab: 'wsit-2' })).status).toBe(403)
  })

  it('lets an observer watch but not act', async () => {
    const o = tokenOf(links.observers[0]!)
    const ws = (await openLab('wsit-1', o)) as WebSocket
    expect((await callWs(ws, 'lab.status', {})).ok).toBe(true)
    for (const [cmd, arg] of [['actions.run', { target: 'cable:db2/int', action: 'plug' }], ['console.open', { server: 'db1', cols: 80, rows: 24 }], ['lab.down', {}]] as const) {
      const r = await callWs(ws, cmd, arg)
      expect(r, cmd).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    }
    ws.close()
    expect((await api('/', o)).status).toBe(200)
    expect((await api('/break', o, { target: 'server:db1', action: 'run-hot' })).status).toBe(403)
    expect((await api('/broadcast', o, { text: 'hello' })).status).toBe(403)
  })

  it('breaks the same thing in every lab at once, and broadcasts', async () => {
    const t = tokenOf(links.trainer)
    const r = await api<{ results: { lab: string; ok: boolean }[] }>('/break', t, { target: 'server:db1', action: 'run-hot' })
    expect(r.status).toBe(200)
    expect(r.body.results).toEqual(LABS.map((lab) => expect.objectContaining({ lab, ok: true })))
    for (const lab of LABS) {
      const st = JSON.parse((await racklab(['status', '--json'], { env: { ...env, RACKLAB_LAB: lab } })).stdout) as LabStatus
      expect(st.hardware!.units.find((u) => u.id === 'db1')!.load, lab).toBe(1)
    }
    expect((await api('/broadcast', t, { text: 'ten minutes left' })).status).toBe(200)
    const student = await api<{ messages: { text: string }[] }>('/', tokenOf(links.students[1]!.url))
    expect(student.body.messages.map((m) => m.text)).toContain('ten minutes left')
  })

  it('grades an objective once the student fixes what the exercise broke, in that lab only', async () => {
    const t = tokenOf(links.trainer)
    interface Dash { labs: { lab: string; score: number; step: string | null; objectives: { id: string; done: boolean }[] }[] }
    const before = (await api<Dash>('/', t)).body
    expect(before.labs.map((l) => l.score)).toEqual([0, 0])
    expect(before.labs[0]!.step).toBe('db2 replicates from db1 again')
    const ws = (await openLab('wsit-1', tokenOf(links.students[0]!.url))) as WebSocket
    expect(await callWs(ws, 'actions.run', { target: 'cable:db2/int', action: 'plug' })).toMatchObject({ ok: true })
    ws.close()
    const t0 = Date.now()
    const graded = await until('wsit-1 graded for replicating', async () => {
      const d = (await api<Dash>('/', t)).body
      return d.labs[0]!.objectives.find((o) => o.id === 'replicating')!.done ? d : undefined
    }, 120_000, 1000)
    console.log(`objective graded ${((Date.now() - t0) / 1000).toFixed(1)} s after the fix`)
    expect(graded.labs[0]!.score).toBeGreaterThanOrEqual(10)
    expect(graded.labs[1]!.score).toBe(0)
    const csv = await api<string>('/scoreboard.csv', t)
    expect(csv.body.split('\n')[0]).toBe('lab,score,maxScore,objectives,hintsTaken,reachable')
    expect(csv.body).toMatch(/^wsit-1,1\d,15,replicating/m)
    // a hint costs points, from the student's own lab
    const hint = await api<{ hint: string; score: number }>('/hint', tokenOf(links.students[1]!.url), { lab: 'wsit-2' })
    expect(hint.status).toBe(200)
    expect(hint.body.hint).toMatch(/cables/)
    const json = await api<{ labs: { lab: string; hintsTaken: number }[] }>('/scoreboard.json', t)
    expect(json.body.labs.find((l) => l.lab === 'wsit-2')!.hintsTaken).toBe(1)
  }, 180_000)

  it('a reset puts the lab back as the student found it: every action undone, the exercise run again, score 0', async () => {
    const t = tokenOf(links.trainer)
    interface Dash { labs: { lab: string; score: number; objectives: { id: string; done: boolean }[] }[] }
    // wsit-1 was fixed and graded above; a reset that only undid its actions left it healthy, and graded it full
    const r = await api<{ lab: string; undone: string[]; exercise?: string }>('/reset', t, { lab: 'wsit-1' })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(r.body.undone.length).toBeGreaterThanOrEqual(2)
    expect(r.body.exercise).toMatch(/^passed in /)
    const status = JSON.parse((await racklab(['status', '--json'], { env: { ...env, RACKLAB_LAB: 'wsit-1' } })).stdout) as LabStatus
    expect(status.hardware!.cables.find((c) => c.server === 'db2' && c.network === 'int')!.plugged).toBe(false)
    // the trainer's run-hot (the break-all above) is undone too: the lab is as the exercise alone left it
    expect(status.hardware!.units.find((u) => u.id === 'db1')!.load).not.toBe(1)
    // graded again from the break on: a few refreshes later still nothing reached
    await new Promise((res) => setTimeout(res, 5000))
    const d = (await api<Dash>('/', t)).body.labs.find((l) => l.lab === 'wsit-1')!
    expect(d.score).toBe(0)
    expect(d.objectives.every((o) => !o.done)).toBe(true)
  }, 300_000)

  it('workshop down while serve runs: every lab and token goes, and serve says so and stops', async () => {
    const exited = new Promise<number | null>((resolve) => serve!.once('exit', (code) => resolve(code)))
    let said = ''
    serve!.stderr!.on('data', (d: Buffer) => (said += d.toString()))
    const r = await racklab(['workshop', 'down', 'wsit'], { env })
    expect(r.code, r.stderr).toBe(0)
    expect(await exited).toBe(0)
    expect(said).toMatch(/workshop wsit was taken down \(racklab workshop down\).*serve stops/)
    serve = undefined
    // serve's links saw each lab's engine stop on purpose and did not start it again (service/removal.ts): no
    // state dir came back after workshop down removed them
    await new Promise((r) => setTimeout(r, 1500))
    for (const lab of LABS) expect(existsSync(join(HOME, lab)), `${lab}'s state dir`).toBe(false)
  }, 300_000)
})
