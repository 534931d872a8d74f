// Interactive shells into running servers (exec with a TTY), streamed as contract events.
// A console belongs to the client that opened it: only that client can type into, resize or close it, its
// output goes to that client alone, and it is hung up (SIGHUP to the shell) when the client goes away.
import { randomUUID } from 'node:crypto'
import { LabError } from '@contract/errors'
import type { ExecSession } from '../docker/types'
import type { ConsoleContext } from './lab-context'

/** Each console is a shell and an exec stream held open in Docker: a client gets a few, not unlimited. */
export const MAX_CONSOLES_PER_CLIENT = 4

interface Session {
  exec: ExecSession
  owner: string
  server: string
}

export class Consoles {
  private readonly sessions = new Map<string, Session>()
  /** opens in flight, per client: they count against the cap before Docker answers */
  private readonly opening = new Map<string, number>()
  /** clients that went away while one of their opens was in flight: that console is hung up as it arrives */
  private readonly goneWhileOpening = new Set<string>()

  constructor(private readonly lab: ConsoleContext) {}

  async open(server: string, cols: number, rows: number, owner: string): Promise<string> {
    this.lab.requireEngine()
    this.lab.serverStatus(server)
    const c = this.lab.container(server)
    if (!c?.running) throw new LabError('REFUSED', `${server} is not running: a console needs a running server`)
    const pending = this.opening.get(owner) ?? 0
    if (this.countOf(owner) + pending >= MAX_CONSOLES_PER_CLIENT)
      throw new LabError('REFUSED', `cannot open a console on ${server}: this client already has ${MAX_CONSOLES_PER_CLIENT} consoles open, the most one client may have; close one first`)
    this.opening.set(owner, pending + 1)
    let exec: ExecSession
    try {
      exec = await this.lab.gateway.execTty(c.id, ['/bin/bash', '-l'], cols, rows)
    } finally {
      const left = (this.opening.get(owner) ?? 1) - 1
      if (left) this.opening.set(owner, left)
      else this.opening.delete(owner)
    }
    if (this.goneWhileOpening.has(owner)) {
      if (!this.opening.has(owner)) this.goneWhileOpening.delete(owner)
      exec.close()
      throw new LabError('REFUSED', `the console on ${server} was closed as it opened: its client disconnected`)
    }
    const sessionId = randomUUID()
    this.sessions.set(sessionId, { exec, owner, server })
    exec.onData((data) => this.lab.bus.emit('console.output', { sessionId, data }, owner))
    exec.onExit((code) => {
      this.sessions.delete(sessionId)
      this.lab.bus.emit('console.exit', { sessionId, code }, owner)
    })
    this.lab.journal.append({ kind: 'action', target: `server:${server}`, text: `console opened on ${server}` })
    return sessionId
  }

  input(sessionId: string, data: string, client: string): void {
    this.own(sessionId, client).exec.write(data)
  }

  async resize(sessionId: string, cols: number, rows: number, client: string): Promise<void> {
    await this.own(sessionId, client).exec.resize(cols, rows)
  }

  close(sessionId: string, client: string): void {
    this.own(sessionId, client).exec.close()
    this.sessions.delete(sessionId)
  }

  /** The client disconnected: hang up every console it had. */
  closeClient(client: string): void {
    if (this.opening.has(client)) this.goneWhileOpening.add(client)
    for (const [id, s] of this.sessions) {
      if (s.owner !== client) continue
      s.exec.close()
      this.sessions.delete(id)
      this.lab.journal.append({ kind: 'action', target: `server:${s.server}`, text: `console on ${s.server} closed: its client disconnected` })
    }
  }

  closeAll(): void {
    for (const s of this.sessions.values()) s.exec.close()
    this.sessions.clear()
  }

  countOf(client: string): number {
    let n = 0
    for (const s of this.sessions.values()) if (s.owner === client) n++
    return n
  }

  private own(sessionId: string, client: string): Session {
    const s = this.sessions.get(sessionId)
    if (!s) throw new LabError('NOT_FOUND', `no console session ${sessionId} (it may have ended)`)
    if (s.owner !== client) throw new LabError('REFUSED', `console session ${sessionId} was opened by another client: only that client can use or close it`)
    return s
  }
}
