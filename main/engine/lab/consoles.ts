// Interactive shells into running servers (exec with a TTY), streamed as contract events.
import { randomUUID } from 'node:crypto'
import { LabError } from '@contract/errors'
import type { ExecSession } from '../docker/types'
import type { ConsoleContext } from './lab-context'

export class Consoles {
  private readonly sessions = new Map<string, ExecSession>()

  constructor(private readonly lab: ConsoleContext) {}

  async open(server: string, cols: number, rows: number): Promise<string> {
    this.lab.requireEngine()
    this.lab.serverStatus(server)
    const c = this.lab.container(server)
    if (!c?.running) throw new LabError('REFUSED', `${server} is not running: a console needs a running server`)
    const session = await this.lab.gateway.execTty(c.id, ['/bin/bash', '-l'], cols, rows)
    const sessionId = randomUUID()
    this.sessions.set(sessionId, session)
    session.onData((data) => this.lab.bus.emit('console.output', { sessionId, data }))
    session.onExit((code) => {
      this.sessions.delete(sessionId)
      this.lab.bus.emit('console.exit', { sessionId, code })
    })
    this.lab.journal.append({ kind: 'action', target: `server:${server}`, text: `console opened on ${server}` })
    return sessionId
  }

  input(sessionId: string, data: string): void {
    this.get(sessionId).write(data)
  }

  async resize(sessionId: string, cols: number, rows: number): Promise<void> {
    await this.get(sessionId).resize(cols, rows)
  }

  close(sessionId: string): void {
    this.get(sessionId).close()
    this.sessions.delete(sessionId)
  }

  closeAll(): void {
    for (const s of this.sessions.values()) s.close()
    this.sessions.clear()
  }

  private get(sessionId: string): ExecSession {
    const s = this.sessions.get(sessionId)
    if (!s) throw new LabError('NOT_FOUND', `no console session ${sessionId} (it may have ended)`)
    return s
  }
}
